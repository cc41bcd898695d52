#include "tools/rpc/method_lookup.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace osteoflow::tools {

absl::StatusOr<UnaryMethod> FindUnaryMethod(absl::string_view name) {
  if (!name.empty() && name.front() == '/') name.remove_prefix(1);
  // The last '/' or '.' separates the service from the method.
  const size_t split = name.find_last_of("/.");
  if (split == absl::string_view::npos || split == 0 || split + 1 == name.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("method '", name, "' is not package.Service/Method"));
  }
  const std::string service_name(name.substr(0, split));
  const std::string method_name(name.substr(split + 1));

  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(service_name);
  if (service == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "service '", service_name, "' is unknown to this tool (is its proto library linked?)"));
  }
  const google::protobuf::MethodDescriptor* method = service->FindMethodByName(method_name);
  if (method == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("service '", service_name, "' has no method '", method_name, "'"));
  }
  if (method->client_streaming() || method->server_streaming()) {
    return absl::UnimplementedError(
        absl::StrCat("method '", method->full_name(), "' streams; only unary calls are supported"));
  }
  return UnaryMethod{method, absl::StrCat("/", service_name, "/", method_name)};
}

}  // namespace osteoflow::tools
