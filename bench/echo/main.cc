// osteoflow-echo: the echo baseline server for benchmarks.
#include "bench/echo/echo_service.h"
#include "bench/server/bare_server.h"
#include "common/config/settings.h"
#include "common/server/server_settings.h"
#include "common/server/server_process.h"

namespace {

constexpr char kUsage[] =
    "osteoflow-echo: a bare callback-API gRPC server whose one method,\n"
    "osteoflow.bench.v1.EchoService/Echo, returns its input. The baseline for\n"
    "osteoflow-load. Prints \"listening HOST:PORT\" as its first stdout line and a\n"
    "\"serving\" JSON line with \"port\" to stderr. Of the shared server settings\n"
    "only listen_address, max_receive_bytes, keepalive_* and drain_timeout apply.";

}  // namespace

int main(int argc, char** argv) {
  osteoflow::PrepareServerProcess();
  osteoflow::LoadSettings(argc, argv, kUsage);
  const osteoflow::ServerSettings settings =
      osteoflow::ValueOrExit(osteoflow::ServerSettingsFromFlags("127.0.0.1:0"));

  osteoflow::bench::EchoServiceImpl service;
  return osteoflow::bench::ServeUntilSignal("echo", service, settings);
}
