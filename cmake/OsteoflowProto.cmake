# osteoflow_proto_library(<target> PROTOS <files> [ROOT <dir>] [DEPS <targets>] [GRPC])
# Generates C++ (and gRPC stubs with GRPC) at build time. PROTOS are relative
# to ROOT, which defaults to protos/ (the public contracts); other roots are
# for internal protos (tools, bench, logging, tests) and stay out of the
# contracts' descriptor set.
set(OSTEOFLOW_PROTO_ROOT "${CMAKE_SOURCE_DIR}/protos")
get_target_property(OSTEOFLOW_GRPC_CPP_PLUGIN gRPC::grpc_cpp_plugin LOCATION)

function(osteoflow_proto_library target)
  cmake_parse_arguments(ARG "GRPC" "ROOT" "PROTOS;DEPS" ${ARGN})
  set(root "${OSTEOFLOW_PROTO_ROOT}")
  set(out "${CMAKE_BINARY_DIR}/generated")
  set(contract TRUE)
  if(ARG_ROOT AND NOT ARG_ROOT STREQUAL OSTEOFLOW_PROTO_ROOT)
    set(root "${ARG_ROOT}")
    set(out "${CMAKE_CURRENT_BINARY_DIR}/generated")
    set(contract FALSE)
  endif()
  file(MAKE_DIRECTORY "${out}")
  set(srcs)
  set(hdrs)
  set(abs_protos)
  foreach(proto IN LISTS ARG_PROTOS)
    string(REGEX REPLACE "\\.proto$" "" stem "${proto}")
    list(APPEND abs_protos "${root}/${proto}")
    list(APPEND srcs "${out}/${stem}.pb.cc")
    list(APPEND hdrs "${out}/${stem}.pb.h")
    if(ARG_GRPC)
      list(APPEND srcs "${out}/${stem}.grpc.pb.cc")
      list(APPEND hdrs "${out}/${stem}.grpc.pb.h")
    endif()
  endforeach()
  # Internal protos may import the contracts.
  set(includes "-I${root}")
  if(NOT contract)
    list(APPEND includes "-I${OSTEOFLOW_PROTO_ROOT}")
  endif()
  set(grpc_args)
  if(ARG_GRPC)
    set(grpc_args "--grpc_out=${out}" "--plugin=protoc-gen-grpc=${OSTEOFLOW_GRPC_CPP_PLUGIN}")
  endif()
  add_custom_command(
    OUTPUT ${srcs} ${hdrs}
    COMMAND protobuf::protoc ${includes} "--cpp_out=${out}" ${grpc_args} ${ARG_PROTOS}
    WORKING_DIRECTORY "${root}"
    DEPENDS ${abs_protos} protobuf::protoc
    COMMENT "protoc ${target}"
    VERBATIM)
  add_library(${target} STATIC ${srcs} ${hdrs})
  target_include_directories(${target} SYSTEM PUBLIC "${out}")
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf ${ARG_DEPS})
  if(ARG_GRPC)
    target_link_libraries(${target} PUBLIC gRPC::grpc++)
  endif()
  if(contract)
    set_property(GLOBAL APPEND PROPERTY OSTEOFLOW_ALL_PROTOS ${abs_protos})
  endif()
endfunction()
