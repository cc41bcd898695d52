#pragma once

#include <google/protobuf/arena.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <string>
#include <variant>
#include <type_traits>

#include "absl/status/statusor.h"
#include "common/server/blocking_work.h"
#include "common/server/call_access.h"
#include "common/server/raw_messages.h"
#include "common/server/unary_finish.h"

namespace osteoflow {

// The whole shape of a raw-bytes unary method whose answer is computed: parse
// the request (INVALID_ARGUMENT when it does not parse), admit the caller
// (CallAccess: authentication, the access table, the audit trail), run
// `handle(request, &response)` (returning absl::Status) with the caller's
// token carried on to peers, serialise the response, finish with the mapped
// status. `access` is the method's, as its contract declares it.
// Request and response live on one arena for the call: building and freeing
// a large answer costs a few allocations instead of one per field.
// `Response` is what the handler fills: a message, std::string for an answer
// it writes in wire form itself, or BorrowedWire for one made of pieces made
// at load.
template <typename Request, typename Response, typename Handle>
absl::Status ComputeAnswer(const grpc::CallbackServerContext& context, const MethodAccess& access,
                           const grpc::ByteBuffer& request_bytes, grpc::ByteBuffer& response_bytes,
                           Handle& handle) {
  google::protobuf::Arena arena;
  auto* request = google::protobuf::Arena::CreateMessage<Request>(&arena);
  if (absl::Status read = ParseRequest(request_bytes, *request); !read.ok()) return read;
  absl::StatusOr<CallAccess::Admitted> admitted = CallAccess::Admit(context, access, *request);
  if (!admitted.ok()) return admitted.status();
  ForwardedCaller forwarded(*admitted);
  absl::Status status;
  if constexpr (std::is_same_v<Response, std::string>) {
    std::string wire;
    status = handle(*request, &wire);
    if (status.ok()) WireResponse(std::move(wire), response_bytes);
  } else if constexpr (std::is_same_v<Response, BorrowedWire>) {
    BorrowedWire wire;
    status = handle(*request, &wire);
    if (status.ok()) BorrowedResponse(std::move(wire), response_bytes);
  } else {
    auto* response = google::protobuf::Arena::CreateMessage<Response>(&arena);
    status = handle(*request, response);
    if (status.ok()) status = SerializeResponse(*response, response_bytes);
  }
  CallAccess::Audit(access, *admitted, status);
  return status;
}

// Answers on the callback thread: for work that never blocks.
template <typename Request, typename Response, typename Handle>
grpc::ServerUnaryReactor* AnswerUnary(grpc::CallbackServerContext* context, const MethodAccess& access,
                                      const grpc::ByteBuffer* request_bytes,
                                      grpc::ByteBuffer* response_bytes, Handle handle) {
  return FinishUnary(context, ComputeAnswer<Request, Response>(*context, access, *request_bytes,
                                                               *response_bytes, handle));
}

// Answers on a BlockingWork thread: for work that waits on a dependency. The
// request and response buffers stay valid until the reactor finishes. A call
// that was cancelled or ran out of time while it waited for a thread is
// finished without running: its caller has gone (or the server is draining
// and cancelled it), and a write it no longer waits for must not happen.
template <typename Request, typename Response, typename Handle>
grpc::ServerUnaryReactor* AnswerUnaryOn(BlockingWork& work, grpc::CallbackServerContext* context,
                                        const MethodAccess& access, const grpc::ByteBuffer* request_bytes,
                                        grpc::ByteBuffer* response_bytes, Handle handle) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const bool queued =
      work.Submit([context, &access, reactor, request_bytes, response_bytes, handle]() mutable {
        if (context->IsCancelled()) {
          FinishReactor(reactor, absl::CancelledError("the call was cancelled while it waited"));
          return;
        }
        if (context->deadline() <= std::chrono::system_clock::now()) {
          FinishReactor(reactor, absl::DeadlineExceededError("the deadline passed while it waited"));
          return;
        }
        FinishReactor(reactor, ComputeAnswer<Request, Response>(*context, access, *request_bytes,
                                                                *response_bytes, handle));
      });
  if (!queued) FinishReactor(reactor, absl::UnavailableError("server busy: try again"));
  return reactor;
}

// What a quick look at a request decided: the status to finish with (the
// answer, when OK, already written), or the rest of the work, which may wait
// and so runs on a BlockingWork thread with what the quick look computed.
using UnaryContinuation = std::function<absl::Status(std::string* answer)>;
using QuickOutcome = std::variant<absl::Status, UnaryContinuation>;

// Answers on the callback thread when `quick(request, &answer)` can, and
// otherwise runs the continuation it returns on `work`: nothing is parsed or
// worked out twice. `quick` must never block. The answer is in wire form.
// For methods whose common case is answered from memory (a cache hit).
template <typename Request, typename Quick>
grpc::ServerUnaryReactor* AnswerUnaryQuicklyOrOn(BlockingWork& work, grpc::CallbackServerContext* context,
                                                 const MethodAccess& access,
                                                 const grpc::ByteBuffer* request_bytes,
                                                 grpc::ByteBuffer* response_bytes, Quick quick) {
  UnaryContinuation rest;
  CallAccess::Admitted admitted;
  {
    google::protobuf::Arena arena;
    auto* request = google::protobuf::Arena::CreateMessage<Request>(&arena);
    if (absl::Status read = ParseRequest(*request_bytes, *request); !read.ok()) {
      return FinishUnary(context, read);
    }
    absl::StatusOr<CallAccess::Admitted> admission = CallAccess::Admit(*context, access, *request);
    if (!admission.ok()) return FinishUnary(context, admission.status());
    admitted = *std::move(admission);
    std::string wire;
    QuickOutcome outcome = quick(*request, &wire);
    if (absl::Status* answered = std::get_if<absl::Status>(&outcome)) {
      if (answered->ok()) WireResponse(std::move(wire), *response_bytes);
      CallAccess::Audit(access, admitted, *answered);
      return FinishUnary(context, *answered);
    }
    rest = std::get<UnaryContinuation>(std::move(outcome));
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const bool queued = work.Submit([context, &access, admitted, reactor, response_bytes, rest = std::move(rest)]() {
    // Admitted calls are audited however they end.
    const auto finish = [&](const absl::Status& status) {
      CallAccess::Audit(access, admitted, status);
      FinishReactor(reactor, status);
    };
    if (context->IsCancelled()) {
      finish(absl::CancelledError("the call was cancelled while it waited"));
      return;
    }
    if (context->deadline() <= std::chrono::system_clock::now()) {
      finish(absl::DeadlineExceededError("the deadline passed while it waited"));
      return;
    }
    std::string wire;
    absl::Status status;
    {
      ForwardedCaller forwarded(admitted);
      status = rest(&wire);
    }
    if (status.ok()) WireResponse(std::move(wire), *response_bytes);
    finish(status);
  });
  if (!queued) {
    const absl::Status busy = absl::UnavailableError("server busy: try again");
    CallAccess::Audit(access, admitted, busy);
    FinishReactor(reactor, busy);
  }
  return reactor;
}

}  // namespace osteoflow
