#include "common/server/unary_service.h"

#include <grpcpp/impl/codegen/server_callback_handlers.h>
#include <grpcpp/impl/rpc_service_method.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace osteoflow {

namespace pb = google::protobuf;

UnaryService::UnaryService(absl::string_view service_full_name)
    : name_(service_full_name),
      contract_(pb::DescriptorPool::generated_pool()->FindServiceByName(name_)) {
  if (contract_ == nullptr) problems_.push_back(absl::StrCat("no contract describes ", name_));
}

absl::Status UnaryService::Completeness() const {
  std::vector<std::string> problems = problems_;
  for (int i = 0; contract_ != nullptr && i < contract_->method_count(); ++i) {
    const pb::MethodDescriptor* method = contract_->method(i);
    if (!with_row_.contains(method)) {
      problems.push_back(absl::StrCat("/", name_, "/", method->name(), ": no use case serves it"));
    }
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
}

const pb::MethodDescriptor* UnaryService::MethodTaking(const pb::Descriptor& request, const pb::Descriptor& response) {
  if (contract_ == nullptr) return nullptr;
  for (int i = 0; i < contract_->method_count(); ++i) {
    const pb::MethodDescriptor* method = contract_->method(i);
    if (method->input_type() != &request) continue;
    if (method->client_streaming() || method->server_streaming()) break;
    if (method->output_type() != &response) {
      problems_.push_back(absl::StrCat("/", name_, "/", method->name(), ": answers ",
                                       method->output_type()->full_name(), ", not ", response.full_name()));
      return nullptr;
    }
    return method;
  }
  problems_.push_back(absl::StrCat(name_, " has no unary method taking ", request.full_name()));
  return nullptr;
}

void UnaryService::Serve(const pb::Descriptor& request, const pb::Descriptor& response,
                         absl::FunctionRef<Handler(const MethodAccess&)> handler_for) {
  const pb::MethodDescriptor* method = MethodTaking(request, response);
  if (method == nullptr) return;
  if (!with_row_.insert(method).second) {
    problems_.push_back(absl::StrCat("/", name_, "/", method->name(), ": served twice"));
    return;
  }
  absl::StatusOr<MethodAccess> access = MethodAccess::Of(*method);
  if (!access.ok()) {
    problems_.emplace_back(access.status().message());
    return;
  }
  const MethodAccess& kept = served_.emplace_back(*std::move(access));
  // What the generated code does for a raw callback method, with the name
  // taken from the contract.
  AddMethod(new grpc::internal::RpcServiceMethod(kept.method().c_str(), grpc::internal::RpcMethod::NORMAL_RPC,
                                                 nullptr));
  MarkMethodRawCallback(static_cast<int>(served_.size()) - 1,
                        new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(handler_for(kept)));
}

}  // namespace osteoflow
