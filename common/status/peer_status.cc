#include "common/status/peer_status.h"

#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"

namespace osteoflow {

absl::Status PeerStatus(absl::string_view peer, const grpc::Status& status) {
  const absl::Status answer = FromGrpcStatus(status);
  switch (answer.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kNotFound:
      return answer;
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      return absl::Status(answer.code(), absl::StrCat(peer, " service: ", answer.message()));
    default:
      return PeerUnavailable(peer, status);
  }
}

absl::Status PeerUnavailable(absl::string_view peer, const grpc::Status& status) {
  return absl::UnavailableError(absl::StrCat(peer, " service: ", FromGrpcStatus(status).message()));
}

}  // namespace osteoflow
