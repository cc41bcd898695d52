#include "bench/server/bare_server.h"

#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/json_log.h"
#include "common/server/termination_signals.h"

namespace osteoflow::bench {

int ServeUntilSignal(absl::string_view name, grpc::Service& service, const ServerSettings& settings) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(settings.listen_address, ServerCredentialsFor(settings.security), &port);
  builder.RegisterService(&service);
  ApplyTransportSettings(settings, builder);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    LogLine("start_failed")
        .Add("service", name)
        .Add("error", absl::StrCat("cannot listen on ", settings.listen_address))
        .Write();
    return 1;
  }

  const std::string host = settings.listen_address.substr(0, settings.listen_address.rfind(':'));
  const std::string address = absl::StrCat(host, ":", port);
  std::printf("listening %s\n", address.c_str());
  std::fflush(stdout);
  LogLine("serving").Add("service", name).Add("address", address).Add("port", port).Write();

  const int signal_number = WaitForTerminationSignal();
  LogLine("draining").Add("service", name).Add("signal", signal_number).Write();
  server->Shutdown(absl::ToChronoTime(absl::Now() + settings.drain_timeout));
  server->Wait();
  LogLine("stopped").Add("service", name).Write();
  return 0;
}

}  // namespace osteoflow::bench
