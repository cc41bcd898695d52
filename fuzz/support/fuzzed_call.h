#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>

#include <google/protobuf/arena.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

#include "absl/status/status.h"
#include "common/proto/borrowed_wire.h"
#include "common/server/raw_messages.h"

namespace osteoflow::fuzz {

// The fuzzer's bytes as a call's payload: the slice gRPC would hand to a
// method, parsed by the server's own ParseRequest (unknown fields dropped).
// nullptr when the server would answer INVALID_ARGUMENT without running
// the use case.
template <typename Request>
Request* ParseFuzzedRequest(const uint8_t* data, size_t size, google::protobuf::Arena& arena) {
  grpc::Slice slice(data, size);
  const grpc::ByteBuffer bytes(&slice, 1);
  auto* request = google::protobuf::Arena::CreateMessage<Request>(&arena);
  if (!ParseRequest(bytes, *request).ok()) return nullptr;
  return request;
}

// Stops the run: the use case said OK but gave an answer no client could
// read as the contract's response.
[[noreturn]] inline void UnreadableAnswer(const google::protobuf::Message& response) {
  std::fprintf(stderr, "fuzz: an OK answer does not parse as %s\n", response.GetDescriptor()->full_name().c_str());
  std::abort();
}

// Turns an OK answer into the bytes the server would send, as the server
// does (WireResponse, BorrowedResponse or SerializeResponse), and reads them
// back as `Response`, the contract's answer type.
template <typename Response, typename Answer>
void CheckAnswerReads(Answer answer, google::protobuf::Arena& arena) {
  grpc::ByteBuffer bytes;
  auto* response = google::protobuf::Arena::CreateMessage<Response>(&arena);
  if constexpr (std::is_same_v<Answer, std::string>) {
    WireResponse(std::move(answer), bytes);
  } else if constexpr (std::is_same_v<Answer, BorrowedWire>) {
    BorrowedResponse(std::move(answer), bytes);
  } else {
    static_assert(std::is_same_v<Answer, Response>, "a use case answers with wire, borrowed wire or the response");
    if (!SerializeResponse(answer, bytes).ok()) UnreadableAnswer(*response);
  }
  if (!ParseRequest(bytes, *response).ok()) UnreadableAnswer(*response);
}

// One unary call from raw bytes, the way ComputeAnswer (unary_answer.h)
// runs it, minus admission (no caller: the token verifier has its own
// target): parse, run `use_case(request, &answer)`, and check that an OK
// answer reads back as `Response`.
template <typename Request, typename Response, typename Answer, typename UseCase>
void AnswerFuzzedCall(const uint8_t* data, size_t size, UseCase&& use_case) {
  google::protobuf::Arena arena;
  const Request* request = ParseFuzzedRequest<Request>(data, size, arena);
  if (request == nullptr) return;
  Answer answer;
  if (use_case(*request, &answer).ok()) CheckAnswerReads<Response>(std::move(answer), arena);
}

}  // namespace osteoflow::fuzz
