#pragma once

#include <memory>
#include <string>

#include <grpcpp/security/credentials.h>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/redis/redis_pool.h"
#include "common/server/blocking_work.h"
#include "osteoflow/bench/v1/null_chain.grpc.pb.h"

namespace osteoflow::bench {

// One node of a null chain. Does what each call asks (NullCall) and nothing
// else: calls to other nodes on gRPC's callback API, a store write on a
// blocking-work thread as the services make theirs, a reply of the asked
// size. No interceptors, no logging.
class NullNode final : public osteoflow::bench::v1::NullChain::CallbackService {
 public:
  // `store` may be null: then a call that asks for a store write fails.
  // `credentials` are for the calls to other nodes.
  NullNode(std::shared_ptr<RedisPool> store, BlockingWork& work,
           std::shared_ptr<grpc::ChannelCredentials> credentials)
      : store_(std::move(store)), work_(work), credentials_(std::move(credentials)) {}

  grpc::ServerUnaryReactor* Call(grpc::CallbackServerContext* context,
                                 const osteoflow::bench::v1::NullCall* request,
                                 osteoflow::bench::v1::NullReply* reply) override;

 private:
  struct Run;
  void StartHop(std::shared_ptr<Run> run, int branch, int hop);
  // A branch has ended, with `status`; the last one to end finishes the call.
  void EndBranch(const std::shared_ptr<Run>& run, const grpc::Status& status);
  void Finish(const std::shared_ptr<Run>& run);
  // A stub for a loopback target; INVALID_ARGUMENT for any other address.
  absl::StatusOr<osteoflow::bench::v1::NullChain::Stub*> StubFor(const std::string& target);

  const std::shared_ptr<RedisPool> store_;
  BlockingWork& work_;
  const std::shared_ptr<grpc::ChannelCredentials> credentials_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<osteoflow::bench::v1::NullChain::Stub>> stubs_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace osteoflow::bench
