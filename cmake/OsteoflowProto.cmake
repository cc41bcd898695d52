# osteoflow_proto_library(<target> PROTOS <files relative to protos/> [DEPS <targets>] [GRPC])
# Generates C++ (and gRPC stubs with GRPC) at build time into the build tree.
set(OSTEOFLOW_PROTO_ROOT "${CMAKE_SOURCE_DIR}/protos")
set(OSTEOFLOW_PROTO_OUT "${CMAKE_BINARY_DIR}/generated")
file(MAKE_DIRECTORY "${OSTEOFLOW_PROTO_OUT}")
get_target_property(OSTEOFLOW_GRPC_CPP_PLUGIN gRPC::grpc_cpp_plugin LOCATION)

function(osteoflow_proto_library target)
  cmake_parse_arguments(ARG "GRPC" "" "PROTOS;DEPS" ${ARGN})
  set(srcs)
  set(hdrs)
  set(abs_protos)
  foreach(proto IN LISTS ARG_PROTOS)
    string(REGEX REPLACE "\\.proto$" "" stem "${proto}")
    list(APPEND abs_protos "${OSTEOFLOW_PROTO_ROOT}/${proto}")
    list(APPEND srcs "${OSTEOFLOW_PROTO_OUT}/${stem}.pb.cc")
    list(APPEND hdrs "${OSTEOFLOW_PROTO_OUT}/${stem}.pb.h")
    if(ARG_GRPC)
      list(APPEND srcs "${OSTEOFLOW_PROTO_OUT}/${stem}.grpc.pb.cc")
      list(APPEND hdrs "${OSTEOFLOW_PROTO_OUT}/${stem}.grpc.pb.h")
    endif()
  endforeach()
  set(grpc_args)
  if(ARG_GRPC)
    set(grpc_args "--grpc_out=${OSTEOFLOW_PROTO_OUT}"
                  "--plugin=protoc-gen-grpc=${OSTEOFLOW_GRPC_CPP_PLUGIN}")
  endif()
  add_custom_command(
    OUTPUT ${srcs} ${hdrs}
    COMMAND protobuf::protoc
            "-I${OSTEOFLOW_PROTO_ROOT}" "--cpp_out=${OSTEOFLOW_PROTO_OUT}" ${grpc_args}
            ${ARG_PROTOS}
    WORKING_DIRECTORY "${OSTEOFLOW_PROTO_ROOT}"
    DEPENDS ${abs_protos} protobuf::protoc
    COMMENT "protoc ${target}"
    VERBATIM)
  add_library(${target} STATIC ${srcs} ${hdrs})
  target_include_directories(${target} SYSTEM PUBLIC "${OSTEOFLOW_PROTO_OUT}")
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf ${ARG_DEPS})
  if(ARG_GRPC)
    target_link_libraries(${target} PUBLIC gRPC::grpc++)
  endif()
  set_property(GLOBAL APPEND PROPERTY OSTEOFLOW_ALL_PROTOS ${abs_protos})
endfunction()
