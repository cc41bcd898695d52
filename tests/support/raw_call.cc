#include "tests/support/raw_call.h"

#include <vector>

#include "absl/time/clock.h"

namespace osteoflow::testing {

grpc::Status CallRawBytes(grpc::GenericStub& stub, const std::string& method, const std::string& request,
                          std::string* response, absl::Duration deadline, const std::string& bearer_token) {
  grpc::CompletionQueue queue;
  grpc::Slice slice(request);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  grpc::Status status;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  if (!bearer_token.empty()) context.AddMetadata("authorization", "Bearer " + bearer_token);
  auto call = stub.PrepareUnaryCall(&context, method, request_buffer, &queue);
  call->StartCall();
  call->Finish(&response_buffer, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  queue.Next(&tag, &ok);
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  if (response == nullptr) return status;
  response->clear();
  if (status.ok()) {
    std::vector<grpc::Slice> slices;
    if (!response_buffer.Dump(&slices).ok()) return grpc::Status(grpc::StatusCode::INTERNAL, "dump");
    for (const grpc::Slice& part : slices) {
      response->append(reinterpret_cast<const char*>(part.begin()), part.size());
    }
  }
  return status;
}

grpc::Status SendRawBytes(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                          const std::string& bytes) {
  grpc::GenericStub stub(channel);
  return CallRawBytes(stub, method, bytes, nullptr, absl::Seconds(5));
}

}  // namespace osteoflow::testing
