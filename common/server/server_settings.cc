#include "common/server/server_settings.h"

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
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
ABSL_FLAG(std::string, health_listen_address, "",
          "host:port of a plaintext port serving only health checks (for probes that cannot use TLS); "
          "empty: none");
ABSL_FLAG(std::string, metrics_address, "",
          "host:port (an IP address) of the plain-HTTP endpoint serving Prometheus metrics at /metrics; "
          "empty: none");
ABSL_FLAG(int, max_receive_bytes, 256 * 1024,
          "largest request message accepted, in bytes (the largest valid request is a few tens of KiB)");

namespace osteoflow {
namespace {

// Headers a call may carry in all, well above the token verifier's own limit
// so that its clear refusal is the one a long token meets.
constexpr int kMaxHeaderBytes = 64 * 1024;

// Durations travel to gRPC as int milliseconds: keep them where that is exact.
absl::Status RequireWithinADay(absl::string_view name, absl::Duration value) {
  if (value < absl::Milliseconds(1) || value > absl::Hours(24)) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": must be between 1ms and 24h"));
  }
  return absl::OkStatus();
}

// Settings are checked to lie within 1 ms .. 24 h, so this cannot overflow.
int ToMillis(absl::Duration duration) {
  return static_cast<int>(absl::ToInt64Milliseconds(duration));
}

}  // namespace

void ApplyTransportSettings(const ServerSettings& settings, grpc::ServerBuilder& builder) {
  builder.SetMaxReceiveMessageSize(settings.max_receive_bytes);
  // A second process on the same address would otherwise start silently and
  // take half the new connections.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE, kMaxHeaderBytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, ToMillis(settings.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, ToMillis(settings.keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             ToMillis(settings.keepalive_min_client_interval));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  if (settings.max_connection_age > absl::ZeroDuration()) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, ToMillis(settings.max_connection_age));
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                               ToMillis(settings.drain_timeout));
  }
}

bool IsValidListenAddress(absl::string_view address) {
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) return false;
  const absl::string_view host = address.substr(0, colon);
  const absl::string_view port_text = address.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return false;
  } else if (absl::StrContains(host, ':') || absl::StrContains(host, ' ')) {
    return false;  // an IPv6 address must be bracketed
  }
  if (port_text.empty() || port_text.size() > 5) return false;
  for (const char c : port_text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  int port = 0;
  return absl::SimpleAtoi(port_text, &port) && port <= 65535;
}

absl::StatusOr<ServerSettings> ServerSettingsFromFlags(absl::string_view default_address) {
  ServerSettings settings;
  settings.listen_address = absl::GetFlag(FLAGS_listen_address);
  if (settings.listen_address.empty()) settings.listen_address = std::string(default_address);
  if (!IsValidListenAddress(settings.listen_address)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "listen_address: '", settings.listen_address, "' is not host:port with a port 0..65535"));
  }
  settings.health_listen_address = absl::GetFlag(FLAGS_health_listen_address);
  if (!settings.health_listen_address.empty() && !IsValidListenAddress(settings.health_listen_address)) {
    return absl::InvalidArgumentError(absl::StrCat("health_listen_address: '", settings.health_listen_address,
                                                   "' is not host:port with a port 0..65535"));
  }
  settings.metrics_address = absl::GetFlag(FLAGS_metrics_address);
  if (!settings.metrics_address.empty() && !IsValidListenAddress(settings.metrics_address)) {
    return absl::InvalidArgumentError(absl::StrCat("metrics_address: '", settings.metrics_address,
                                                   "' is not host:port with a port 0..65535"));
  }
  absl::StatusOr<TransportSecurity> security = ServerTransportFromFlags();
  if (!security.ok()) return security.status();
  settings.security = *std::move(security);
  absl::StatusOr<AccessSettings> access = AccessSettingsFromFlags();
  if (!access.ok()) return access.status();
  settings.access = *std::move(access);
  // Tokens are credentials: never in clear beyond this machine.
  const std::string host = settings.listen_address.substr(0, settings.listen_address.rfind(':'));
  const bool loopback = host == "127.0.0.1" || host == "localhost" || host == "[::1]";
  if (settings.security.plaintext && settings.access.enabled && !loopback) {
    return absl::InvalidArgumentError(
        "plaintext: bearer tokens would travel in clear; serve TLS, or listen on loopback only");
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
    if (absl::Status status = RequireWithinADay(name, value); !status.ok()) return status;
  }
  if (settings.max_connection_age != absl::ZeroDuration()) {
    if (absl::Status status = RequireWithinADay("max_connection_age", settings.max_connection_age);
        !status.ok()) {
      return absl::InvalidArgumentError("max_connection_age: must be 0 (off) or between 1ms and 24h");
    }
  }
  if (settings.max_receive_bytes < 1024 || settings.max_receive_bytes > 64 * 1024 * 1024) {
    return absl::InvalidArgumentError(
        "max_receive_bytes: must be between 1024 and 67108864");
  }
  return settings;
}

}  // namespace osteoflow
