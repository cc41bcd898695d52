#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fuzz/seeds/seed_files.h"
#include "fuzz/seeds/seeds.h"
#include "fuzz/support/in_process_suite.h"
#include "services/catalog/domain/catalog_queries.h"
#include "services/progress/domain/program_names.h"
#include "services/progress/domain/progression.h"
#include "services/screening/domain/screening_engine.h"
#include "tools/cli/simulated_week.h"

namespace osteoflow::fuzz {
namespace {

namespace catalog_v1 = osteoflow::catalog::v1;
namespace common_v1 = osteoflow::common::v1;
namespace progress_v1 = osteoflow::progress::v1;
namespace scheduling_v1 = osteoflow::scheduling::v1;
namespace screening_v1 = osteoflow::screening::v1;

// The next page token of a listing, as a client would read it.
std::string NextPageToken(const catalog::CatalogQueries& queries, const catalog_v1::ListExercisesRequest& request) {
  BorrowedWire page;
  if (!queries.ListExercises(request, &page).ok()) return "";
  std::string wire;
  for (absl::string_view piece : page.pieces) absl::StrAppend(&wire, piece);
  wire += page.tail;
  catalog_v1::ListExercisesResponse response;
  response.ParseFromString(wire);
  return response.next_page_token();
}

std::string PatientOf(const progress_v1::Program& program) {
  return progress::ParseProgramName(program.name(), "name")->patient_id;
}

screening_v1::ScreeningResult ShippedResult(const SamplePatient& patient) {
  return *screening::EvaluateIntake(*Shipped().rule_set, patient.intake);
}

}  // namespace

void MakeCatalogRequestSeeds(const std::filesystem::path& corpus) {
  const SeedFolder get(corpus, "catalog_get_exercise");
  for (const char* id : {"brisk-walking", "sit-up", "jumping-rope", "no-such-exercise"}) {
    catalog_v1::GetExerciseRequest request;
    request.set_name(catalog::ExerciseName(id));
    get.Add(id, request);
  }
  catalog_v1::GetExerciseRequest malformed;
  malformed.set_name("exercises/");
  get.Add("malformed-name", malformed);

  const catalog::CatalogQueries queries(Shipped().catalog);
  const SeedFolder list(corpus, "catalog_list_exercises");
  list.Add("everything", catalog_v1::ListExercisesRequest());
  catalog_v1::ListExercisesRequest balance;  // as the run command asks
  balance.add_categories(catalog_v1::CATEGORY_BALANCE);
  balance.mutable_equipment();
  balance.add_exclude_safety_tags(common_v1::SAFETY_TAG_AVOID_FALLRISK);
  balance.set_page_size(5);
  list.Add("balance-at-home", balance);
  balance.set_page_token(NextPageToken(queries, balance));
  list.Add("balance-at-home-page-2", balance);
  catalog_v1::ListExercisesRequest low_impact;
  low_impact.set_max_impact_level(common_v1::IMPACT_LEVEL_LOW);
  low_impact.set_page_size(10);
  low_impact.set_page_token(NextPageToken(queries, low_impact));
  list.Add("low-impact-page-2", low_impact);

  const SeedFolder evaluate(corpus, "catalog_evaluate_activity");
  for (const char* id : {"sit-up", "jumping-rope", "swimming", "brisk-walking"}) {
    catalog_v1::EvaluateActivityRequest request;
    *request.mutable_restrictions() = SampleRestrictions().front();
    request.set_exercise(catalog::ExerciseName(id));
    evaluate.Add(absl::StrCat("osteoporosis-", id), request);
  }
  for (const SamplePatient& patient : SamplePatients()) {
    catalog_v1::EvaluateActivityRequest request;
    *request.mutable_restrictions() = ShippedResult(patient).restrictions();
    request.set_exercise(catalog::ExerciseName("brisk-walking"));
    evaluate.Add(patient.name, request);
    // The activities the patient already does, under the continuations
    // their screening gives (IMP-CONTINUE).
    for (const screening_v1::RegularActivity& activity : patient.intake.regular_activities()) {
      if (activity.exercise().empty()) continue;
      request.set_exercise(activity.exercise());
      evaluate.Add(absl::StrCat(patient.name, "-", activity.exercise().substr(activity.exercise().find('/') + 1)),
                   request);
    }
  }
}

void MakeScreeningRequestSeeds(const std::filesystem::path& corpus) {
  const SeedFolder screen(corpus, "screening_screen");
  const SeedFolder validate(corpus, "screening_validate_intake");
  for (const SamplePatient& patient : SamplePatients()) {
    screening_v1::ScreenRequest request;
    request.set_request_id("seed-1");
    *request.mutable_intake() = patient.intake;
    screen.Add(patient.name, request);
    screening_v1::ValidateIntakeRequest preview;
    *preview.mutable_intake() = patient.intake;
    validate.Add(patient.name, preview);
  }
  // Near-valid: a DXA site scored out of range.
  screening_v1::ValidateIntakeRequest out_of_range;
  *out_of_range.mutable_intake() = SamplePatients().front().intake;
  out_of_range.mutable_intake()->mutable_dxa()->mutable_sites(0)->set_t_score(-9);
  validate.Add("t-score-out-of-range", out_of_range);
}

void MakeSchedulingRequestSeeds(const std::filesystem::path& corpus) {
  const SeedFolder build(corpus, "scheduling_build_weekly_plan");
  for (const SamplePatient& patient : SamplePatients()) {
    scheduling_v1::BuildWeeklyPlanRequest request;
    *request.mutable_screening_result() = ShippedResult(patient);
    request.set_patient_id(patient.intake.patient_id());
    *request.mutable_preferences() = patient.preferences;
    request.set_week_start_date(kProgramStart);
    request.set_week_index(1);
    build.Add(patient.name + "-inline", request);
    request.set_screening(SampleScreeningName(patient));
    request.clear_patient_id();
    build.Add(patient.name + "-by-name", request);
  }
  // Week 2 with the doses progression decided after week 1 was done as
  // planned, as a programme's advance asks for it.
  const absl::CivilDay today = absl::ToCivilDay(FuzzNow(), absl::UTCTimeZone());
  for (const progress_v1::Program& program : EnrolledSamples::Get().programs()) {
    if (program.state() != progress_v1::PROGRAM_STATE_ACTIVE) continue;
    scheduling_v1::BuildWeeklyPlanRequest request;
    *request.mutable_screening_result() = program.screening_result();
    request.set_patient_id(PatientOf(program));
    *request.mutable_preferences() = program.preferences();
    request.set_week_start_date("2026-12-07");
    request.set_week_index(2);
    const progress::WeekProgression progression = progress::ProgressWeek(
        program.current_plan(), tools::SessionsAsPlanned(program.current_plan(), 13, tools::FirstLoads{}, today),
        program.progression(), *Shipped().progression_rules, 2);
    for (const scheduling_v1::ExerciseProgression& next : progression.next) *request.add_progression() = next;
    build.Add(request.patient_id() + "-week-2", request);
  }
}

void MakeProgressRequestSeeds(const std::filesystem::path& corpus) {
  const SeedFolder enroll(corpus, "progress_enroll");
  for (const SamplePatient& patient : SamplePatients()) {
    progress_v1::EnrollRequest request;
    request.set_request_id("seed-1");
    *request.mutable_intake() = patient.intake;
    *request.mutable_preferences() = patient.preferences;
    request.set_start_date(kProgramStart);
    enroll.Add(patient.name, request);
  }

  const SeedFolder log(corpus, "progress_log_session");
  const SeedFolder measure(corpus, "progress_record_measurement");
  const SeedFolder list(corpus, "progress_list_programs");
  const SeedFolder resume(corpus, "progress_resume_program");
  const absl::CivilDay today = absl::ToCivilDay(FuzzNow(), absl::UTCTimeZone());
  for (const progress_v1::Program& program : EnrolledSamples::Get().programs()) {
    const std::string patient_id = PatientOf(program);
    if (program.state() == progress_v1::PROGRAM_STATE_ACTIVE) {
      int day = 0;
      for (const progress_v1::SessionLog& session :
           tools::SessionsAsPlanned(program.current_plan(), 13, tools::FirstLoads{}, today)) {
        progress_v1::LogSessionRequest request;
        request.set_program(program.name());
        request.set_request_id(absl::StrCat("seed-log-", ++day));
        *request.mutable_session() = session;
        log.Add(absl::StrCat(patient_id, "-day-", day), request);
        if (day == 1) {
          request.mutable_session()->add_symptoms(progress_v1::SESSION_SYMPTOM_CHEST_PAIN);
          log.Add(patient_id + "-chest-pain", request);
          request.mutable_session()->clear_symptoms();
          request.mutable_session()->mutable_fall()->set_fell(true);
          log.Add(patient_id + "-fall", request);
        }
      }
      progress_v1::RecordMeasurementRequest request;
      request.set_program(program.name());
      request.set_request_id("seed-measure-1");
      progress_v1::Measurement* measurement = request.mutable_measurement();
      measurement->set_date("2026-12-05");
      measurement->set_height_cm(163.5);
      measurement->set_weight_kg(62);
      measurement->mutable_functional_tests()->set_timed_up_and_go_seconds(8.1);
      measurement->mutable_functional_tests()->set_chair_stands_30_seconds(15);
      measure.Add(patient_id + "-height-weight-tests", request);
      measurement->set_height_cm(150);
      measure.Add(patient_id + "-height-loss", request);
      measurement->clear_height_cm();
      measurement->clear_weight_kg();
      measurement->clear_functional_tests();
      screening_v1::DxaScan* dxa = measurement->mutable_dxa();
      dxa->set_scan_date("2026-12-01");
      screening_v1::DxaSiteResult* site = dxa->add_sites();
      site->set_site(screening_v1::SKELETAL_SITE_LUMBAR_SPINE);
      site->set_t_score(-2.6);
      measure.Add(patient_id + "-densitometry", request);
    }
    progress_v1::ResumeProgramRequest clearance;
    clearance.set_program(program.name());
    clearance.set_request_id("seed-resume-1");
    clearance.set_cleared_by("clinician-7");
    clearance.mutable_clear_time()->set_seconds(absl::ToUnixSeconds(FuzzNow()) - 3600);
    clearance.set_note("Cleared after review.");
    resume.Add(patient_id, clearance);

    progress_v1::ListProgramsRequest listing;
    listing.set_parent("patients/" + patient_id);
    list.Add(patient_id, listing);
  }
  // A second page, with the token the service made for the first: the first
  // sample patient enrolled twice.
  const SamplePatient& twice = SamplePatients().front();
  std::unique_ptr<progress::Programs> programs = EnrolledSamples::Get().FreshPrograms();
  progress_v1::EnrollRequest again;
  again.set_request_id("seed-2");
  *again.mutable_intake() = twice.intake;
  *again.mutable_preferences() = twice.preferences;
  again.set_start_date(kProgramStart);
  progress_v1::Program enrolled;
  progress_v1::ListProgramsRequest paged;
  paged.set_parent("patients/" + twice.intake.patient_id());
  paged.set_page_size(1);
  progress_v1::ListProgramsResponse page;
  if (programs->Enroll(again, &enrolled).ok() && programs->List(paged, &page).ok()) {
    paged.set_page_token(page.next_page_token());
    list.Add("second-page", paged);
  }
}

}  // namespace osteoflow::fuzz
