#include "common/server/server_settings.h"

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

ABSL_FLAG(std::string, listen_address, "",
          "host:port to serve on; empty means the service's default on 127.0.0.1");
ABSL_FLAG(bool, reflection, true, "serve gRPC server reflection");
ABSL_FLAG(bool, access_log, true, "write one JSON line per call to stderr");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10),
          "on SIGTERM, how long in-flight calls may take to finish");
ABSL_FLAG(absl::Duration, keepalive_time, absl::Seconds(30),
          "interval of server keepalive pings");
ABSL_FLAG(absl::Duration, keepalive_timeout, absl::Seconds(10),
          "how long a keepalive ping may go unanswered before the connection is closed");
ABSL_FLAG(absl::Duration, keepalive_min_client_interval, absl::Seconds(10),
          "shortest interval allowed between client keepalive pings");
ABSL_FLAG(absl::Duration, max_connection_age, absl::ZeroDuration(),
          "close connections after this age so clients rebalance; 0 disables");
ABSL_FLAG(absl::Duration, test_response_delay, absl::ZeroDuration(),
          "tests only: hold every response back this long; never set in production");
ABSL_FLAG(int, max_receive_bytes, 4 * 1024 * 1024, "largest request message accepted, in bytes");

namespace osteoflow {
namespace {

absl::Status RequirePositive(absl::string_view name, absl::Duration value) {
  if (value <= absl::ZeroDuration()) return absl::InvalidArgumentError(absl::StrCat(name, ": must be positive"));
  return absl::OkStatus();
}

}  // namespace

bool IsValidListenAddress(absl::string_view address) {
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) return false;
  const absl::string_view host = address.substr(0, colon);
  if (host.front() == '[' && host.back() != ']') return false;
  int port = 0;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &port)) return false;
  return port >= 0 && port <= 65535;
}

absl::StatusOr<ServerSettings> ServerSettingsFromFlags(absl::string_view default_address) {
  ServerSettings settings;
  settings.listen_address = absl::GetFlag(FLAGS_listen_address);
  if (settings.listen_address.empty()) settings.listen_address = std::string(default_address);
  if (!IsValidListenAddress(settings.listen_address)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "listen_address: '", settings.listen_address, "' is not host:port with a port 0..65535"));
  }
  settings.reflection = absl::GetFlag(FLAGS_reflection);
  settings.access_log = absl::GetFlag(FLAGS_access_log);
  settings.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  settings.keepalive_time = absl::GetFlag(FLAGS_keepalive_time);
  settings.keepalive_timeout = absl::GetFlag(FLAGS_keepalive_timeout);
  settings.keepalive_min_client_interval = absl::GetFlag(FLAGS_keepalive_min_client_interval);
  settings.max_connection_age = absl::GetFlag(FLAGS_max_connection_age);
  settings.max_receive_bytes = absl::GetFlag(FLAGS_max_receive_bytes);
  settings.test_response_delay = absl::GetFlag(FLAGS_test_response_delay);
  if (settings.test_response_delay < absl::ZeroDuration() ||
      settings.test_response_delay > absl::Minutes(1)) {
    return absl::InvalidArgumentError("test_response_delay: must be between 0 and 1m");
  }

  for (const auto& [name, value] :
       {std::pair<absl::string_view, absl::Duration>{"drain_timeout", settings.drain_timeout},
        {"keepalive_time", settings.keepalive_time},
        {"keepalive_timeout", settings.keepalive_timeout},
        {"keepalive_min_client_interval", settings.keepalive_min_client_interval}}) {
    if (absl::Status status = RequirePositive(name, value); !status.ok()) return status;
  }
  if (settings.max_connection_age < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("max_connection_age: must not be negative");
  }
  if (settings.max_receive_bytes < 1024 || settings.max_receive_bytes > 64 * 1024 * 1024) {
    return absl::InvalidArgumentError(
        "max_receive_bytes: must be between 1024 and 67108864");
  }
  return settings;
}

}  // namespace osteoflow
