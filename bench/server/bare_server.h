#pragma once

#include <grpcpp/grpcpp.h>

#include "absl/strings/string_view.h"
#include "common/server/server_settings.h"

namespace osteoflow::bench {

// Serves `service` the way the bench's baseline servers do: the services'
// transport settings (so that only the work differs), no interceptors and no
// per-call logging; prints "listening HOST:PORT" on stdout and a "serving"
// JSON line with "port" on stderr, and drains on SIGTERM. Returns the exit
// code: 0 after a clean stop, 1 when it cannot listen.
int ServeUntilSignal(absl::string_view name, grpc::Service& service, const ServerSettings& settings);

}  // namespace osteoflow::bench
