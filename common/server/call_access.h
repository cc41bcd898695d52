#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/server_context.h>

#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/caller.h"
#include "common/auth/method_access.h"
#include "common/auth/token_verifier.h"
#include "common/server/trace_context.h"

namespace osteoflow {

// How this process authenticates callers; from settings, once at start.
struct AccessSettings {
  // false only when auth=off was asked for (local development).
  bool enabled = true;
  std::optional<TokenVerifier> verifier;
  // Certificate names (common name or subject alternative name) of the
  // suite's own services: a peer presenting one over mutual TLS, with no
  // bearer token, is the service role (a background call, such as
  // scheduling fetching the catalog).
  std::vector<std::string> service_identities;
};

// Errors start with the setting's name.
absl::StatusOr<AccessSettings> AccessSettingsFromFlags();

// Authentication, authorisation and the audit trail of every call, applied
// once a request is parsed. A bearer token (`authorization: Bearer <jwt>`)
// names the caller; without one, a peer's certificate may name one of our
// services. The method's access, as its contract declares it, decides.
class CallAccess {
 public:
  struct Admitted {
    Caller caller;
    // The patient the request names ("" when none).
    std::string patient_id;
    bool patient_data = false;
    // The caller's token, carried on to peers this call reaches.
    std::string token;
    // False when no caller could be believed: audited with role "none".
    bool authenticated = true;
    // The call's request id, so that an audit line can be joined to its
    // access line.
    std::string request_id;
    // The call's trace context: written into the audit line, passed on to peers.
    TraceContext trace;
  };

  // Once, before serving.
  static void Configure(AccessSettings settings);

  // UNAUTHENTICATED without a believable caller, PERMISSION_DENIED when the
  // table says no; a refused call to patient data is audited here.
  static absl::StatusOr<Admitted> Admit(const grpc::ServerContextBase& context, const MethodAccess& access,
                                        const google::protobuf::Message& request);

  // One audit line for a call that reached patient data: who, which method,
  // which patient, the outcome. Nothing from the records themselves.
  static void Audit(const MethodAccess& access, const Admitted& admitted, const absl::Status& outcome);
};

// The caller of the call this thread is working for, while a scope lives:
// calls to peers made meanwhile carry its token, so that the peer decides on
// the original caller, not on the service in between, and its trace, so that
// the peer's lines join this call's.
class ForwardedCaller {
 public:
  explicit ForwardedCaller(const CallAccess::Admitted& admitted);
  ~ForwardedCaller();
  ForwardedCaller(const ForwardedCaller&) = delete;
  ForwardedCaller& operator=(const ForwardedCaller&) = delete;

  // Adds the current caller's token and trace to a call about to be made.
  static void AttachTo(grpc::ClientContext& context);
  // Adds the trace alone: for calls a service makes for itself while serving
  // a caller (fetching reference data), which the caller's token may not be
  // allowed to make.
  static void AttachTraceTo(grpc::ClientContext& context);

 private:
  const std::string& token_;
  // Its traceparent is made only for a call to a peer, most calls make none.
  const TraceContext& trace_;
  const ForwardedCaller* previous_;
};

// A call to a peer made on the current caller's behalf: its deadline, from
// now, the caller, whom the peer decides on, and the trace (AttachTo). Called
// on the caller's thread, where the caller is known.
void PreparePeerCall(grpc::ClientContext& context, absl::Duration deadline);

}  // namespace osteoflow
