#include "bench/null_chain/null_node.h"

#include <grpcpp/grpcpp.h>

#include <unistd.h>

#include <atomic>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace osteoflow::bench {

namespace v1 = osteoflow::bench::v1;

namespace {

// Answers the call: its payload when the call succeeded.
void Answer(const v1::NullCall& request, v1::NullReply& reply, grpc::ServerUnaryReactor& reactor,
            const grpc::Status& status) {
  if (status.ok()) reply.set_payload(std::string(request.reply_bytes(), 'x'));
  reactor.Finish(status);
}

}  // namespace

// One call's progress: how many branches are still running, and the first
// failure of any of them.
struct NullNode::Run {
  const v1::NullCall* request = nullptr;
  v1::NullReply* reply = nullptr;
  grpc::ServerUnaryReactor* reactor = nullptr;
  std::atomic<int> branches_left{0};
  absl::Mutex mu;
  grpc::Status failure ABSL_GUARDED_BY(mu);
};

grpc::ServerUnaryReactor* NullNode::Call(grpc::CallbackServerContext* context, const v1::NullCall* request,
                                         v1::NullReply* reply) {
  auto run = std::make_shared<Run>();
  run->request = request;
  run->reply = reply;
  run->reactor = context->DefaultReactor();
  run->branches_left = request->branches_size();
  if (request->branches().empty()) {
    Finish(run);
  } else {
    for (int branch = 0; branch < request->branches_size(); ++branch) StartHop(run, branch, 0);
  }
  return run->reactor;
}

void NullNode::StartHop(std::shared_ptr<Run> run, int branch, int hop) {
  const v1::NullBranch& steps = run->request->branches(branch);
  if (hop == steps.hops_size()) {
    EndBranch(run, grpc::Status::OK);
    return;
  }
  absl::StatusOr<v1::NullChain::Stub*> stub = StubFor(steps.hops(hop).target());
  if (!stub.ok()) {
    EndBranch(run, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::string(stub.status().message())));
    return;
  }
  struct Hop {
    grpc::ClientContext context;
    v1::NullCall request;
    v1::NullReply reply;
  };
  auto call = std::make_shared<Hop>();
  call->request = steps.hops(hop).call();
  call->request.set_padding(std::string(steps.hops(hop).padding_bytes(), 'x'));
  call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  (*stub)->async()->Call(&call->context, &call->request, &call->reply,
                         [this, run, branch, hop, call](grpc::Status status) {
                           if (status.ok()) {
                             StartHop(run, branch, hop + 1);
                           } else {
                             EndBranch(run, status);
                           }
                         });
}

void NullNode::EndBranch(const std::shared_ptr<Run>& run, const grpc::Status& status) {
  if (!status.ok()) {
    absl::MutexLock lock(&run->mu);
    if (run->failure.ok()) run->failure = status;  // the first failure is the answer
  }
  if (run->branches_left.fetch_sub(1) == 1) Finish(run);
}

void NullNode::Finish(const std::shared_ptr<Run>& run) {
  grpc::Status failure;
  {
    absl::MutexLock lock(&run->mu);
    failure = run->failure;
  }
  const uint32_t store_bytes = run->request->store_bytes();
  if (!failure.ok() || store_bytes == 0) {
    Answer(*run->request, *run->reply, *run->reactor, failure);
    return;
  }
  const bool queued = work_.Submit([this, run, store_bytes] {
    static std::atomic<int64_t> written{0};
    grpc::Status status;
    if (store_ == nullptr) {
      status = grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "this node has no store_address");
    } else {
      absl::StatusOr<RedisReply> set = store_->Execute(
          // A fresh key each time, as an enrolment writes new records; the
          // process id keeps the nodes sharing one store apart.
          {"SET", absl::StrCat("osteoflow:bench:null:", getpid(), ":", written.fetch_add(1)),
           std::string(store_bytes, 'x')});
      if (!set.ok()) status = grpc::Status(grpc::StatusCode::UNAVAILABLE, std::string(set.status().message()));
    }
    Answer(*run->request, *run->reply, *run->reactor, status);
  });
  if (!queued) run->reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "busy"));
}

absl::StatusOr<v1::NullChain::Stub*> NullNode::StubFor(const std::string& target) {
  // Bench traffic stays on this machine.
  if (!absl::StartsWith(target, "127.0.0.1:") && !absl::StartsWith(target, "localhost:")) {
    return absl::InvalidArgumentError(absl::StrCat("target: only 127.0.0.1 or localhost, not ", target));
  }
  absl::MutexLock lock(&mu_);
  std::unique_ptr<v1::NullChain::Stub>& stub = stubs_[target];
  if (stub == nullptr) {
    stub = v1::NullChain::NewStub(grpc::CreateChannel(target, credentials_));
  }
  return stub.get();
}

}  // namespace osteoflow::bench
