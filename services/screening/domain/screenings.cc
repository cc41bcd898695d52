#include "services/screening/domain/screenings.h"

#include <algorithm>
#include <vector>

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/digest/content_digest.h"
#include "common/paging/page_token.h"
#include "common/status/field_violations.h"
#include "common/text/resource_names.h"
#include "services/screening/domain/intake_validation.h"
#include "services/screening/domain/screening_engine.h"
#include "services/screening/encoding/screening_wire.h"

namespace osteoflow::screening {
namespace {

constexpr int kDefaultPageSize = 25;
constexpr int kMaxPageSize = 100;
// 80 bits of SHA-256: unique for any number of screenings one person has.
constexpr size_t kScreeningIdBytes = 10;
// Dates are written in the person's time zone, which may be ahead of UTC by
// up to 14 hours: "today" there can be tomorrow here.
constexpr int kTimeZoneSlackDays = 1;

absl::StatusOr<ScreeningNameParts> ParseScreeningName(absl::string_view name) {
  absl::StatusOr<std::vector<std::string>> ids = SplitResourceName(name, kScreeningNamePattern, "name");
  if (!ids.ok()) return ids.status();
  return ScreeningNameParts{std::move((*ids)[0]), std::move((*ids)[1])};
}

absl::StatusOr<std::string> ParsePatientParent(absl::string_view parent) {
  absl::StatusOr<std::vector<std::string>> ids = SplitResourceName(parent, kPatientParentPattern, "parent");
  if (!ids.ok()) return ids.status();
  return std::move((*ids)[0]);
}

}  // namespace

std::string ScreeningName(absl::string_view patient_id, absl::string_view screening_id) {
  return absl::StrCat("patients/", patient_id, "/screenings/", screening_id);
}

std::string ScreeningIdFor(absl::string_view patient_id, absl::string_view request_id) {
  return absl::BytesToHexString(
      Sha256(absl::StrCat(patient_id, "\n", request_id)).substr(0, kScreeningIdBytes));
}

Screenings::Screenings(std::shared_ptr<const RuleSet> rules, std::shared_ptr<ScreeningStore> store,
                       Clock clock)
    : rules_(std::move(rules)), store_(std::move(store)), clock_(std::move(clock)) {}

absl::StatusOr<std::string> Screenings::Evaluate(const v1::Intake& intake,
                                                 absl::string_view field) {
  const absl::CivilDay today =
      absl::ToCivilDay(clock_(), absl::UTCTimeZone()) + kTimeZoneSlackDays;
  if (absl::Status valid = ValidateIntake(intake, today, field); !valid.ok()) return valid;
  return EvaluateIntakeWire(*rules_, intake);
}

absl::Status Screenings::Screen(const v1::ScreenRequest& request, std::string* screening_wire) {
  FieldViolations problems;
  if (!IsOpaqueId(request.request_id())) {
    problems.Add("request_id", request.request_id().empty()
                                   ? "required: a client-chosen id that makes retries safe"
                                   : "must be 1-64 characters from A-Z a-z 0-9 . _ -");
  }
  if (!request.has_intake()) problems.Add("intake", "required");
  if (!problems.empty()) return problems.ToStatus();

  absl::StatusOr<std::string> result = Evaluate(request.intake(), "intake");
  if (!result.ok()) return result.status();

  // The record, written from its parts: what is stored is what the caller
  // gets back.
  const std::string& patient_id = request.intake().patient_id();
  const std::string screening_id = ScreeningIdFor(patient_id, request.request_id());
  const int64_t created_micros = absl::ToUnixMicros(clock_());
  std::string record;
  AppendScreeningWire({.name = ScreeningName(patient_id, screening_id),
                       .request_id = request.request_id(),
                       .create_time_micros = created_micros,
                       .intake = &request.intake(),
                       .result_wire = *result},
                      &record);

  std::string stored;
  absl::StatusOr<bool> created =
      store_->CreateOnce(patient_id, screening_id, created_micros, record, &stored);
  if (!created.ok()) return created.status();
  if (*created) {
    *screening_wire = std::move(record);
    return absl::OkStatus();
  }
  // A retry: answer with what the first attempt stored, if it was this request.
  v1::Screening first;
  if (!first.ParseFromString(stored)) {
    return absl::InternalError(absl::StrCat("stored screening ", screening_id, " is corrupt"));
  }
  if (first.request_id() != request.request_id() ||
      !google::protobuf::util::MessageDifferencer::Equals(first.intake(), request.intake())) {
    return absl::AlreadyExistsError(
        "request_id: already used for a different intake of this patient; use a new request_id");
  }
  *screening_wire = std::move(stored);
  return absl::OkStatus();
}

absl::Status Screenings::Get(const v1::GetScreeningRequest& request, v1::Screening* out) {
  absl::StatusOr<ScreeningNameParts> key = ParseScreeningName(request.name());
  if (!key.ok()) return key.status();
  absl::StatusOr<v1::Screening> screening = store_->Get(key->patient_id, key->screening_id);
  if (!screening.ok()) return screening.status();
  *out = *std::move(screening);
  return absl::OkStatus();
}

absl::Status Screenings::List(const v1::ListScreeningsRequest& request,
                              v1::ListScreeningsResponse* response) {
  absl::StatusOr<std::string> patient_id = ParsePatientParent(request.parent());
  if (!patient_id.ok()) return patient_id.status();
  if (request.page_size() < 0) return InvalidField("page_size", "must not be negative");
  const int page_size = request.page_size() == 0 ? kDefaultPageSize
                                                 : std::min(request.page_size(), kMaxPageSize);
  absl::StatusOr<std::string> cursor = PageCursor(request.page_token(), *patient_id);
  if (!cursor.ok()) return cursor.status();

  absl::StatusOr<ScreeningPage> page = store_->List(*patient_id, page_size, *cursor);
  if (!page.ok()) return page.status();
  for (v1::Screening& screening : page->screenings) {
    *response->add_screenings() = std::move(screening);
  }
  response->set_next_page_token(MakePageToken(*patient_id, page->next_cursor));
  return absl::OkStatus();
}

absl::Status Screenings::Preview(const v1::ValidateIntakeRequest& request,
                                 std::string* response_wire) {
  if (!request.has_intake()) return InvalidField("intake", "required");
  absl::StatusOr<std::string> result = Evaluate(request.intake(), "intake");
  if (!result.ok()) return result.status();
  AppendPreviewWire(*result, response_wire);
  return absl::OkStatus();
}

}  // namespace osteoflow::screening
