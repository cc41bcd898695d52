// osteoflow-echo: the echo baseline server for benchmarks.
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/echo/echo_service.h"
#include "common/config/settings.h"
#include "common/log/json_log.h"
#include "common/server/server_settings.h"
#include "common/server/server_process.h"
#include "common/server/termination_signals.h"

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
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(settings.listen_address, osteoflow::ServerCredentialsFor(settings.security), &port);
  builder.RegisterService(&service);
  // The same transport settings as the services, so that only the work differs.
  osteoflow::ApplyTransportSettings(settings, builder);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    osteoflow::LogLine("start_failed")
        .Add("service", "echo")
        .Add("error", absl::StrCat("cannot listen on ", settings.listen_address))
        .Write();
    return 1;
  }

  const std::string host = settings.listen_address.substr(0, settings.listen_address.rfind(':'));
  const std::string address = absl::StrCat(host, ":", port);
  std::printf("listening %s\n", address.c_str());
  std::fflush(stdout);
  osteoflow::LogLine("serving")
      .Add("service", "echo")
      .Add("address", address)
      .Add("port", port)
      .Write();

  const int signal_number = osteoflow::WaitForTerminationSignal();
  osteoflow::LogLine("draining").Add("service", "echo").Add("signal", signal_number).Write();
  server->Shutdown(absl::ToChronoTime(absl::Now() + settings.drain_timeout));
  server->Wait();
  osteoflow::LogLine("stopped").Add("service", "echo").Write();
  return 0;
}
