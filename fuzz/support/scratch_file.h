#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace osteoflow::fuzz {

// Writes the bytes to this process's own scratch file (in the temporary
// directory, removed at exit) and returns its path: the data-file loaders
// are fuzzed through the file they read, as the services call them.
const std::string& WriteScratchFile(const uint8_t* data, size_t size);

}  // namespace osteoflow::fuzz
