// osteoflow-null-node: one node of the null-chain baseline for benchmarks.
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/null_chain/null_node.h"
#include "common/redis/store_flags.h"
#include "common/server/blocking_work.h"
#include "common/config/settings.h"
#include "common/log/json_log.h"
#include "common/server/server_settings.h"
#include "common/server/server_process.h"
#include "common/server/termination_signals.h"

namespace {

constexpr char kUsage[] =
    "osteoflow-null-node: one node of a null chain, a baseline for osteoflow-load.\n"
    "Its one method, osteoflow.bench.v1.NullChain/Call, does what the request\n"
    "asks and no work: calls to other nodes (on 127.0.0.1 only), one write to\n"
    "the Redis at store_address, a reply of a given size. Prints \"listening\n"
    "HOST:PORT\" as its first stdout line and a \"serving\" JSON line with \"port\"\n"
    "to stderr. Of the shared server settings only listen_address,\n"
    "max_receive_bytes, keepalive_* and drain_timeout apply.";

}  // namespace

int main(int argc, char** argv) {
  osteoflow::PrepareServerProcess();
  osteoflow::LoadSettings(argc, argv, kUsage);
  const osteoflow::ServerSettings settings =
      osteoflow::ValueOrExit(osteoflow::ServerSettingsFromFlags("127.0.0.1:0"));

  const osteoflow::RedisPoolOptions store_options = osteoflow::StoreOptionsFromFlags();
  // Declared before the server so that they outlive its last call.
  osteoflow::BlockingWork work("null-node", store_options.max_connections);
  osteoflow::bench::NullNode service(std::make_shared<osteoflow::RedisPool>(store_options), work);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(settings.listen_address, osteoflow::ServerCredentialsFor(settings.security), &port);
  builder.RegisterService(&service);
  // The same transport settings as the services, so that only the work differs.
  osteoflow::ApplyTransportSettings(settings, builder);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    osteoflow::LogLine("start_failed")
        .Add("service", "null-node")
        .Add("error", absl::StrCat("cannot listen on ", settings.listen_address))
        .Write();
    return 1;
  }

  const std::string host = settings.listen_address.substr(0, settings.listen_address.rfind(':'));
  const std::string address = absl::StrCat(host, ":", port);
  std::printf("listening %s\n", address.c_str());
  std::fflush(stdout);
  osteoflow::LogLine("serving")
      .Add("service", "null-node")
      .Add("address", address)
      .Add("port", port)
      .Write();

  const int signal_number = osteoflow::WaitForTerminationSignal();
  osteoflow::LogLine("draining").Add("service", "null-node").Add("signal", signal_number).Write();
  server->Shutdown(absl::ToChronoTime(absl::Now() + settings.drain_timeout));
  server->Wait();
  osteoflow::LogLine("stopped").Add("service", "null-node").Write();
  return 0;
}
