#include "tools/rpc/unary_call.h"

#include <grpcpp/client_context.h>

#include <map>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "tools/rpc/byte_buffer.h"

namespace osteoflow::tools {
namespace {

Metadata CopyMetadata(const std::multimap<grpc::string_ref, grpc::string_ref>& from) {
  Metadata copy;
  for (const auto& [key, value] : from) {
    copy.emplace_back(std::string(key.data(), key.size()), std::string(value.data(), value.size()));
  }
  return copy;
}

}  // namespace

CallResult CallUnary(grpc::GenericStub& stub, const std::string& path, absl::string_view request,
                     const CallOptions& options) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options.deadline));
  context.set_wait_for_ready(options.wait_for_ready);
  for (const auto& [key, value] : options.metadata) context.AddMetadata(key, value);

  const grpc::ByteBuffer request_buffer = ToByteBuffer(request);
  grpc::ByteBuffer response_buffer;
  CallResult result;
  absl::Notification done;
  stub.UnaryCall(&context, path, grpc::StubOptions(), &request_buffer, &response_buffer,
                 [&](grpc::Status status) {
                   result.status = std::move(status);
                   done.Notify();
                 });
  done.WaitForNotification();

  if (result.status.ok()) result.response = FromByteBuffer(response_buffer);
  result.initial_metadata = CopyMetadata(context.GetServerInitialMetadata());
  result.trailing_metadata = CopyMetadata(context.GetServerTrailingMetadata());
  return result;
}

std::string FindHeader(const CallResult& result, absl::string_view key) {
  for (const Metadata* metadata : {&result.initial_metadata, &result.trailing_metadata}) {
    for (const auto& [name, value] : *metadata) {
      if (name == key) return value;
    }
  }
  return "";
}

std::string CodeName(grpc::StatusCode code) {
  // gRPC and Abseil share the canonical code numbers.
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

}  // namespace osteoflow::tools
