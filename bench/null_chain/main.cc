// osteoflow-null-node: one node of the null-chain baseline for benchmarks.
#include <memory>

#include "bench/null_chain/null_node.h"
#include "bench/server/bare_server.h"
#include "common/config/settings.h"
#include "common/redis/store_flags.h"
#include "common/security/transport_security.h"
#include "common/server/blocking_work.h"
#include "common/server/server_process.h"
#include "common/server/server_settings.h"

namespace {

constexpr char kUsage[] =
    "osteoflow-null-node: one node of a null chain, a baseline for osteoflow-load.\n"
    "Its one method, osteoflow.bench.v1.NullChain/Call, does what the request\n"
    "asks and no work: calls to other nodes (on 127.0.0.1 only), one write to\n"
    "the Redis at store_address, a reply of a given size. Prints \"listening\n"
    "HOST:PORT\" as its first stdout line and a \"serving\" JSON line with \"port\"\n"
    "to stderr. Of the shared server settings listen_address, the TLS settings\n"
    "(for its own port and its calls), max_receive_bytes, keepalive_* and\n"
    "drain_timeout apply.";

}  // namespace

int main(int argc, char** argv) {
  osteoflow::PrepareServerProcess();
  osteoflow::LoadSettings(argc, argv, kUsage);
  const osteoflow::ServerSettings settings =
      osteoflow::ValueOrExit(osteoflow::ServerSettingsFromFlags("127.0.0.1:0"));

  const osteoflow::RedisPoolOptions store_options = osteoflow::StoreOptionsFromFlags();
  // Declared before the server so that they outlive its last call.
  osteoflow::BlockingWork work("null-node", store_options.max_connections);
  osteoflow::bench::NullNode service(std::make_shared<osteoflow::RedisPool>(store_options), work,
                                     osteoflow::ChannelCredentialsFor(settings.security));
  return osteoflow::bench::ServeUntilSignal("null-node", service, settings);
}
