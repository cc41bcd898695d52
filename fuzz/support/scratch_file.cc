#include "fuzz/support/scratch_file.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace osteoflow::fuzz {
namespace {

const std::string& ScratchPath() {
  static const std::string* const path = [] {
    auto* made = new std::string(
        (std::filesystem::temp_directory_path() / ("osteoflow-fuzz-" + std::to_string(getpid()) + ".json")).string());
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove(ScratchPath(), ignored);
    });
    return made;
  }();
  return *path;
}

}  // namespace

const std::string& WriteScratchFile(const uint8_t* data, size_t size) {
  const std::string& path = ScratchPath();
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  file.close();
  if (!file) {
    std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

}  // namespace osteoflow::fuzz
