#include "bench/load/closed_loop.h"

#include <grpcpp/client_context.h>

#include <algorithm>
#include <atomic>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "bench/load/unique_field.h"
#include "tools/rpc/unary_call.h"

namespace osteoflow::bench {
namespace {

using Clock = std::chrono::steady_clock;

// State shared by the slots of one round; written before the slots start,
// except for the countdown.
struct Round {
  const LoadTarget* target = nullptr;
  const std::string* path = nullptr;
  Clock::time_point stop_at;
  std::chrono::nanoseconds call_deadline;
  std::atomic<int> running{0};
  absl::Notification all_done;
};

// One call in flight at a time. Only this slot's own callbacks touch its
// fields, one after another, so recording needs no lock.
class Slot {
 public:
  Slot(Round& round, grpc::GenericStub& stub, const grpc::ByteBuffer& request)
      : round_(round), stub_(stub), request_(request) {
    if (round_.target->unique_field > 0) request_.Dump(&request_slices_);
  }

  void Start() {
    // A ClientContext serves one call only.
    context_ = std::make_unique<grpc::ClientContext>();
    started_ = Clock::now();
    context_->set_deadline(std::chrono::system_clock::now() + round_.call_deadline);
    response_.Clear();
    const grpc::ByteBuffer* request = &request_;
    if (round_.target->unique_field > 0) {
      unique_request_ = WithUniqueField();
      request = &unique_request_;
    }
    stub_.UnaryCall(context_.get(), *round_.path, grpc::StubOptions(), request, &response_,
                    [this](grpc::Status status) { OnDone(status); });
  }

  std::vector<int64_t>& latencies() { return latencies_ns_; }
  int64_t errors() const { return errors_; }
  int64_t ok_in_window() const { return ok_in_window_; }
  const std::string& first_error() const { return first_error_; }

 private:
  grpc::ByteBuffer WithUniqueField() {
    const LoadTarget& target = *round_.target;
    std::vector<grpc::Slice> slices = request_slices_;
    slices.emplace_back(EncodedStringField(
        target.unique_field, absl::StrCat(target.unique_prefix, "-", target.unique_calls->fetch_add(1) + 1)));
    return grpc::ByteBuffer(slices.data(), slices.size());
  }

  void OnDone(const grpc::Status& status) {
    const Clock::time_point now = Clock::now();
    if (status.ok()) {
      latencies_ns_.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now - started_).count());
      if (now <= round_.stop_at) ++ok_in_window_;
    } else {
      if (errors_++ == 0) {
        first_error_ =
            absl::StrCat(tools::CodeName(status.error_code()), ": ", status.error_message());
      }
    }
    if (now < round_.stop_at) {
      Start();
      return;
    }
    if (round_.running.fetch_sub(1, std::memory_order_acq_rel) == 1) round_.all_done.Notify();
  }

  Round& round_;
  grpc::GenericStub& stub_;
  const grpc::ByteBuffer request_;  // own copy: the slices are shared, not copied
  std::vector<grpc::Slice> request_slices_;  // for unique fields
  grpc::ByteBuffer unique_request_;
  grpc::ByteBuffer response_;
  std::unique_ptr<grpc::ClientContext> context_;
  Clock::time_point started_;
  std::vector<int64_t> latencies_ns_;
  int64_t errors_ = 0;
  int64_t ok_in_window_ = 0;
  std::string first_error_;
};

}  // namespace

RoundSample RunClosedLoop(LoadTarget& target, int concurrency, absl::Duration duration,
                          absl::Duration call_deadline) {
  Round round;
  round.target = &target;
  round.path = &target.path;
  round.call_deadline = absl::ToChronoNanoseconds(call_deadline);
  round.running = concurrency;

  std::vector<std::unique_ptr<Slot>> slots;
  slots.reserve(concurrency);
  for (int i = 0; i < concurrency; ++i) {
    grpc::GenericStub& stub = *target.stubs[i % target.stubs.size()];
    slots.push_back(std::make_unique<Slot>(round, stub, target.request));
  }
  const Clock::time_point start = Clock::now();
  round.stop_at = start + absl::ToChronoNanoseconds(duration);
  for (auto& slot : slots) slot->Start();
  round.all_done.WaitForNotification();

  RoundSample sample;
  sample.elapsed = duration;
  for (auto& slot : slots) {
    std::vector<int64_t>& latencies = slot->latencies();
    sample.latencies_ns.insert(sample.latencies_ns.end(), latencies.begin(), latencies.end());
    sample.errors += slot->errors();
    sample.ok_calls_in_window += slot->ok_in_window();
    if (sample.first_error.empty()) sample.first_error = slot->first_error();
  }
  sample.ok_calls = static_cast<int64_t>(sample.latencies_ns.size());
  std::sort(sample.latencies_ns.begin(), sample.latencies_ns.end());
  return sample;
}

}  // namespace osteoflow::bench
