#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <thread>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/server/call_access.h"
#include "common/server/message_stream.h"
#include "common/server/raw_messages.h"
#include "common/status/grpc_status.h"

namespace osteoflow {

// How many server streams one process serves at once; a call beyond it is
// RESOURCE_EXHAUSTED. Each stream has a thread of its own while it lasts.
void SetMaxServerStreams(int streams);
// Takes a place among the streams; false when all are taken.
bool TakeServerStream();
void ReleaseServerStream();

// A server-streaming call answered by a use case on a thread of its own:
// parse the request, admit the caller (as a unary call is), run
// `handle(request, &stream)`, which writes messages as it goes, and finish
// with its status mapped once by ToGrpcStatus. The thread waits for each
// write to complete before the next, so a slow reader slows the use case
// instead of filling memory.
template <typename Request, typename Response, typename Handle>
class StreamAnswer final : public grpc::ServerWriteReactor<grpc::ByteBuffer>, private MessageStream<Response> {
 public:
  StreamAnswer(grpc::CallbackServerContext* context, const MethodAccess& access, const grpc::ByteBuffer* request,
               Handle handle)
      : context_(context), access_(access), request_bytes_(*request), handle_(std::move(handle)) {
    const auto deadline = context_->deadline();
    deadline_ = deadline == std::chrono::system_clock::time_point::max() ? absl::InfiniteFuture()
                                                                           : absl::FromChrono(deadline);
    if (!TakeServerStream()) {
      Finish(ToGrpcStatus(absl::ResourceExhaustedError("server busy: too many open streams; try again")));
      return;
    }
    took_place_ = true;
    worker_ = std::thread([this] { Run(); });
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) gone_ = true;
  }
  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    gone_ = true;
  }
  void OnDone() override {
    if (worker_.joinable()) worker_.join();
    if (took_place_) ReleaseServerStream();
    delete this;
  }

 private:
  void Run() {
    Request request;
    absl::Status status = ParseRequest(request_bytes_, request);
    if (status.ok()) {
      absl::StatusOr<CallAccess::Admitted> admitted = CallAccess::Admit(*context_, access_, request);
      status = admitted.status();
      if (admitted.ok()) {
        ForwardedCaller forwarded(*admitted);
        status = handle_(request, static_cast<MessageStream<Response>*>(this));
        CallAccess::Audit(access_, *admitted, status);
      }
    }
    Finish(ToGrpcStatus(status));
  }

  bool Write(const Response& message) override {
    grpc::ByteBuffer bytes;
    if (!SerializeResponse(message, bytes).ok()) return false;
    absl::MutexLock lock(&mu_);
    if (gone_) return false;
    writing_ = true;
    StartWrite(&bytes);
    const auto written = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !writing_; };
    mu_.Await(absl::Condition(&written));
    return !gone_;
  }
  bool Gone() override {
    absl::MutexLock lock(&mu_);
    return gone_ || context_->IsCancelled();
  }
  absl::Time deadline() const override { return deadline_; }

  grpc::CallbackServerContext* const context_;
  const MethodAccess& access_;
  const grpc::ByteBuffer request_bytes_;
  Handle handle_;
  absl::Time deadline_;
  bool took_place_ = false;
  std::thread worker_;
  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool gone_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace osteoflow
