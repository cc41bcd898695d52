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

const pb::MethodDescriptor* UnaryService::MethodTaking(const pb::Descriptor& request, const pb::Descriptor& response,
                                                       bool server_streaming) {
  if (contract_ == nullptr) return nullptr;
  for (int i = 0; i < contract_->method_count(); ++i) {
    const pb::MethodDescriptor* method = contract_->method(i);
    if (method->input_type() != &request) continue;
    if (method->client_streaming() || method->server_streaming() != server_streaming) continue;
    if (method->output_type() != &response) {
      problems_.push_back(absl::StrCat("/", name_, "/", method->name(), ": answers ",
                                       method->output_type()->full_name(), ", not ", response.full_name()));
      return nullptr;
    }
    return method;
  }
  problems_.push_back(absl::StrCat(name_, " has no ", server_streaming ? "server-streaming" : "unary",
                                   " method taking ", request.full_name()));
  return nullptr;
}

const MethodAccess* UnaryService::Admit(const pb::MethodDescriptor* method) {
  if (method == nullptr) return nullptr;
  if (!with_row_.insert(method).second) {
    problems_.push_back(absl::StrCat("/", name_, "/", method->name(), ": served twice"));
    return nullptr;
  }
  absl::StatusOr<MethodAccess> access = MethodAccess::Of(*method);
  if (!access.ok()) {
    problems_.emplace_back(access.status().message());
    return nullptr;
  }
  return &served_.emplace_back(*std::move(access));
}

void UnaryService::Serve(const pb::Descriptor& request, const pb::Descriptor& response,
                         absl::FunctionRef<Handler(const MethodAccess&)> handler_for) {
  const MethodAccess* kept = Admit(MethodTaking(request, response, false));
  if (kept == nullptr) return;
  // What the generated code does for a raw callback method, with the name
  // taken from the contract.
  AddMethod(new grpc::internal::RpcServiceMethod(kept->method().c_str(), grpc::internal::RpcMethod::NORMAL_RPC,
                                                 nullptr));
  MarkMethodRawCallback(static_cast<int>(served_.size()) - 1,
                        new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(handler_for(*kept)));
}

void UnaryService::ServeStream(const pb::Descriptor& request, const pb::Descriptor& response,
                               absl::FunctionRef<StreamHandler(const MethodAccess&)> handler_for) {
  const MethodAccess* kept = Admit(MethodTaking(request, response, true));
  if (kept == nullptr) return;
  AddMethod(new grpc::internal::RpcServiceMethod(kept->method().c_str(), grpc::internal::RpcMethod::SERVER_STREAMING,
                                                 nullptr));
  MarkMethodRawCallback(
      static_cast<int>(served_.size()) - 1,
      new grpc::internal::CallbackServerStreamingHandler<grpc::ByteBuffer, grpc::ByteBuffer>(handler_for(*kept)));
}

}  // namespace osteoflow
