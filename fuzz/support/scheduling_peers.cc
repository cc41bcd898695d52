#include "fuzz/support/scheduling_peers.h"

#include "absl/strings/str_cat.h"

namespace osteoflow::fuzz {

absl::StatusOr<osteoflow::screening::v1::ScreeningResult> ScreeningsByName::Result(absl::string_view screening_name) {
  osteoflow::screening::v1::GetScreeningRequest request;
  request.set_name(std::string(screening_name));
  osteoflow::screening::v1::Screening screening;
  const absl::Status status = screenings_->Get(request, &screening);
  if (status.ok()) return std::move(*screening.mutable_result());
  // As scheduling's client reports them: about the request's `screening`.
  if (status.code() == absl::StatusCode::kNotFound || status.code() == absl::StatusCode::kInvalidArgument) {
    return absl::Status(status.code(), absl::StrCat("screening: ", status.message()));
  }
  return status;
}

}  // namespace osteoflow::fuzz
