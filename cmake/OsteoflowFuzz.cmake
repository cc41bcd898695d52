# The fuzz build (-DOSTEOFLOW_FUZZ=ON, its own build directory): every
# library of ours is compiled by clang with libFuzzer's coverage
# instrumentation and AddressSanitizer + UndefinedBehaviorSanitizer; the
# Debian libraries (gRPC, protobuf, Abseil, libjwt) are linked as they are.
# Undefined behaviour aborts, so that libFuzzer reports it as a crash.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "OSTEOFLOW_FUZZ needs clang for libFuzzer: configure with -DCMAKE_CXX_COMPILER=clang++-14 "
                      "(scripts/fuzz.sh does)")
endif()
set(OSTEOFLOW_SANITIZERS "address,undefined")
add_compile_options(-fsanitize=fuzzer-no-link,${OSTEOFLOW_SANITIZERS} -fno-sanitize-recover=all
                    -fno-omit-frame-pointer)
add_link_options(-fsanitize=${OSTEOFLOW_SANITIZERS})
# -O1 and line tables: quick to build, fast enough to fuzz, and enough for
# symbolised stacks.
set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O1 -gline-tables-only")
