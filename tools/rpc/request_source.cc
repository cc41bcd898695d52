#include "tools/rpc/request_source.h"

#include <fstream>
#include <iterator>
#include <iostream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace osteoflow::tools {

absl::StatusOr<std::string> ReadRequestJson(const std::string& request_json,
                                            const std::string& request_file) {
  if (!request_json.empty() && !request_file.empty()) {
    return absl::InvalidArgumentError("request_file: give either request_json or request_file");
  }
  if (request_file.empty()) return request_json.empty() ? std::string("{}") : request_json;
  std::ostringstream contents;
  if (request_file == "-") {
    contents << std::cin.rdbuf();
    return contents.str();
  }
  std::ifstream file(request_file, std::ios::binary);
  if (!file) {
    return absl::InvalidArgumentError(
        absl::StrCat("request_file: cannot read '", request_file, "'"));
  }
  // Read by iterator: an empty file is an empty request, not a read error.
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

}  // namespace osteoflow::tools
