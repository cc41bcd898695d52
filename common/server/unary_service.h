#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/service_type.h>

#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/auth/method_access.h"

namespace osteoflow {

// A gRPC service of unary (and server-streaming) methods that take and give raw bytes, built from
// its contract rather than from generated base classes: a method is found by
// its request type, named as its descriptor names it, and admitted by the
// access its contract declares. UnaryTable (unary_table.h) fills one from a
// typed table; a service with a method unserved, served twice, or without an
// access declaration is incomplete, and ServiceHost refuses to start it.
class UnaryService final : public grpc::Service {
 public:
  using Handler = std::function<grpc::ServerUnaryReactor*(grpc::CallbackServerContext*, const grpc::ByteBuffer*,
                                                          grpc::ByteBuffer*)>;
  using StreamHandler = std::function<grpc::ServerWriteReactor<grpc::ByteBuffer>*(grpc::CallbackServerContext*,
                                                                                const grpc::ByteBuffer*)>;

  // `service_full_name` from the generated code (Service::service_full_name()).
  explicit UnaryService(absl::string_view service_full_name);

  // "osteoflow.catalog.v1.CatalogService": readiness is reported under it.
  const std::string& name() const { return name_; }

  // OK when the contract is known and each of its methods is served once
  // with its declared access; otherwise INVALID_ARGUMENT naming every problem.
  absl::Status Completeness() const;

  // Serves the contract's method that takes `request` and answers `response`
  // with the handler `handler_for` makes from its access. A method the
  // contract does not have, or one without access, is recorded as a problem
  // and left unserved.
  void Serve(const google::protobuf::Descriptor& request, const google::protobuf::Descriptor& response,
             absl::FunctionRef<Handler(const MethodAccess&)> handler_for);

  // The same for the contract's server-streaming method that takes
  // `request` and streams `response`.
  void ServeStream(const google::protobuf::Descriptor& request, const google::protobuf::Descriptor& response,
                   absl::FunctionRef<StreamHandler(const MethodAccess&)> handler_for);

  // A problem found while filling the table; the service is then incomplete.
  void AddProblem(std::string problem) { problems_.push_back(std::move(problem)); }

  // What the handlers point at, kept as long as the service.
  void KeepAlive(std::shared_ptr<const void> owner) { kept_alive_ = std::move(owner); }

 private:
  const google::protobuf::MethodDescriptor* MethodTaking(const google::protobuf::Descriptor& request,
                                                         const google::protobuf::Descriptor& response,
                                                         bool server_streaming);
  // The method's access, kept, and its place among the served; null when
  // it cannot be served (the problem recorded).
  const MethodAccess* Admit(const google::protobuf::MethodDescriptor* method);

  const std::string name_;
  const google::protobuf::ServiceDescriptor* contract_;
  // Stable addresses: handlers and gRPC's method table point into them.
  std::deque<MethodAccess> served_;
  // The contract's methods a row names, served or refused.
  absl::flat_hash_set<const google::protobuf::MethodDescriptor*> with_row_;
  std::vector<std::string> problems_;
  std::shared_ptr<const void> kept_alive_;
};

}  // namespace osteoflow
