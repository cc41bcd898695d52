#pragma once

#include <google/protobuf/arena.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <optional>
#include <string>
#include <type_traits>

#include "absl/status/statusor.h"
#include "common/server/blocking_work.h"
#include "common/server/raw_messages.h"
#include "common/server/unary_finish.h"

namespace osteoflow {

// The whole shape of a raw-bytes unary method whose answer is computed: parse
// the request (INVALID_ARGUMENT when it does not parse), run
// `handle(request, &response)` (returning absl::Status), serialise the
// response, finish with the mapped status. Request and response live on one
// arena for the call: building and freeing a large answer costs a few
// allocations instead of one per field.
// `Response` is a message type, or std::string for a handler that writes the
// response in wire form itself.
template <typename Request, typename Response, typename Handle>
absl::Status ComputeAnswer(const grpc::ByteBuffer& request_bytes, grpc::ByteBuffer& response_bytes,
                           Handle& handle) {
  google::protobuf::Arena arena;
  auto* request = google::protobuf::Arena::CreateMessage<Request>(&arena);
  if (absl::Status read = ParseRequest(request_bytes, *request); !read.ok()) return read;
  if constexpr (std::is_same_v<Response, std::string>) {
    std::string wire;
    if (absl::Status handled = handle(*request, &wire); !handled.ok()) return handled;
    WireResponse(std::move(wire), response_bytes);
    return absl::OkStatus();
  } else {
    auto* response = google::protobuf::Arena::CreateMessage<Response>(&arena);
    if (absl::Status handled = handle(*request, response); !handled.ok()) return handled;
    return SerializeResponse(*response, response_bytes);
  }
}

// Answers on the callback thread: for work that never blocks.
template <typename Request, typename Response, typename Handle>
grpc::ServerUnaryReactor* AnswerUnary(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* request_bytes,
                                      grpc::ByteBuffer* response_bytes, Handle handle) {
  return FinishUnary(context,
                     ComputeAnswer<Request, Response>(*request_bytes, *response_bytes, handle));
}

// Answers on a BlockingWork thread: for work that waits on a dependency. The
// request and response buffers stay valid until the reactor finishes. A call
// that was cancelled or ran out of time while it waited for a thread is
// finished without running: its caller has gone (or the server is draining
// and cancelled it), and a write it no longer waits for must not happen.
template <typename Request, typename Response, typename Handle>
grpc::ServerUnaryReactor* AnswerUnaryOn(BlockingWork& work, grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request_bytes,
                                        grpc::ByteBuffer* response_bytes, Handle handle) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const bool queued =
      work.Submit([context, reactor, request_bytes, response_bytes, handle]() mutable {
        if (context->IsCancelled()) {
          FinishReactor(reactor, absl::CancelledError("the call was cancelled while it waited"));
          return;
        }
        if (context->deadline() <= std::chrono::system_clock::now()) {
          FinishReactor(reactor, absl::DeadlineExceededError("the deadline passed while it waited"));
          return;
        }
        FinishReactor(reactor,
                      ComputeAnswer<Request, Response>(*request_bytes, *response_bytes, handle));
      });
  if (!queued) FinishReactor(reactor, absl::UnavailableError("server busy: try again"));
  return reactor;
}

// Answers on the callback thread when `quick(request, &answer)` can (it
// returns the status to finish with), and otherwise on a BlockingWork thread
// with `handle` as AnswerUnaryOn does; `quick` returns nullopt to pass the
// call on and must never block. For methods whose common case is answered
// from memory (a cache hit): those skip the hand-off to another thread.
// `Response` is std::string (wire form) here.
template <typename Request, typename Quick, typename Handle>
grpc::ServerUnaryReactor* AnswerUnaryQuicklyOrOn(BlockingWork& work, grpc::CallbackServerContext* context,
                                                 const grpc::ByteBuffer* request_bytes,
                                                 grpc::ByteBuffer* response_bytes, Quick quick,
                                                 Handle handle) {
  {
    google::protobuf::Arena arena;
    auto* request = google::protobuf::Arena::CreateMessage<Request>(&arena);
    if (absl::Status read = ParseRequest(*request_bytes, *request); !read.ok()) {
      return FinishUnary(context, read);
    }
    std::string wire;
    if (std::optional<absl::Status> answered = quick(*request, &wire); answered.has_value()) {
      if (answered->ok()) WireResponse(std::move(wire), *response_bytes);
      return FinishUnary(context, *answered);
    }
  }
  return AnswerUnaryOn<Request, std::string>(work, context, request_bytes, response_bytes,
                                             std::move(handle));
}

}  // namespace osteoflow
