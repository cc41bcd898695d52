#pragma once

#include <string>
#include "absl/strings/string_view.h"

#include <grpcpp/server_builder.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/security/transport_security.h"
#include "common/server/call_access.h"

namespace osteoflow {

// Settings every service shares; see the flags in server_settings.cc.
struct ServerSettings {
  std::string listen_address;
  bool reflection = true;
  bool access_log = true;
  absl::Duration drain_timeout = absl::Seconds(10);
  absl::Duration keepalive_time = absl::Seconds(30);
  absl::Duration keepalive_timeout = absl::Seconds(10);
  // Clients pinging more often than this are told to back off.
  absl::Duration keepalive_min_client_interval = absl::Seconds(10);
  // 0 = connections live forever; a finite age makes clients re-resolve and
  // spread over new replicas.
  absl::Duration max_connection_age = absl::ZeroDuration();
  int max_receive_bytes = 256 * 1024;
  // Tests only: hold every response back this long.
  absl::Duration test_response_delay = absl::ZeroDuration();
  // TLS (and whether callers need certificates), or plaintext when asked for.
  TransportSecurity security;
  // When set, a second, plaintext port that serves only grpc.health.v1: for
  // probes that cannot speak TLS (Kubernetes' native gRPC probes).
  std::string health_listen_address;
  // When set, a plain-HTTP port answering GET /metrics (Prometheus); calls
  // are counted only then.
  std::string metrics_address;
  // Bearer tokens and the access table, or off when asked for.
  AccessSettings access;
};

// Reads the shared flags and checks them. `default_address` is used when
// listen_address is empty. Errors start with the flag name.
absl::StatusOr<ServerSettings> ServerSettingsFromFlags(absl::string_view default_address);

// Applies the transport part of the settings (receive size, keepalive,
// connection age) to a server under construction. Shared by ServiceHost and
// the echo baseline, so that both run on the same transport.
void ApplyTransportSettings(const ServerSettings& settings, grpc::ServerBuilder& builder);

// Checks "host:port" (host may be an IPv4 address, a name, or [IPv6]); port
// 0 asks the system for a free port.
bool IsValidListenAddress(absl::string_view address);

}  // namespace osteoflow
