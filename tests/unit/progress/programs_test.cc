// The progress use cases over in-memory stand-ins for the store and the peer
// services (the real ones are tested against real Redis and real binaries).
#include "services/progress/domain/alerts.h"
#include "services/progress/domain/programs.h"
#include "services/progress/domain/missed_sessions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include <google/protobuf/arena.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "common/text/identifiers.h"
#include "osteoflow/cloudevents/v1/cloudevents.pb.h"
#include "services/progress/encoding/program_wire.h"

namespace osteoflow::progress {
namespace {

namespace v1 = osteoflow::progress::v1;
namespace scheduling_v1 = osteoflow::scheduling::v1;
namespace screening_v1 = osteoflow::screening::v1;
using ::testing::HasSubstr;

// The tests' clock: 2026-12-07 12:00 UTC, after the first two weeks of a
// programme that starts on 2026-11-23, so that their logs are in the past.
constexpr int64_t kNow = 1796644800;

// The store's contract, in memory.
class MemoryStore final : public ProgramStore {
 public:
  absl::StatusOr<bool> CreateProgram(absl::string_view patient, absl::string_view id, int64_t,
                                     const StoredProgram& program, StoredProgram* stored) override {
    absl::MutexLock lock(&mu_);
    if (down) return absl::UnavailableError("store down");
    auto [it, inserted] = programs_.try_emplace(Key(patient, id), program);
    if (stored != nullptr) *stored = it->second;
    if (inserted) Raise(program.events);
    it->second.events.clear();
    return inserted;
  }
  absl::StatusOr<std::optional<StoredProgram>> GetProgram(absl::string_view patient,
                                                          absl::string_view id) override {
    absl::MutexLock lock(&mu_);
    ++reads;
    if (down) return absl::UnavailableError("store down");
    auto found = programs_.find(Key(patient, id));
    if (found == programs_.end()) return std::nullopt;
    return std::optional<StoredProgram>(found->second);
  }
  absl::StatusOr<ProgramPage> ListPrograms(absl::string_view patient, int, absl::string_view) override {
    absl::MutexLock lock(&mu_);
    if (down) return absl::UnavailableError("store down");
    ProgramPage page;
    const std::string prefix = absl::StrCat(patient, "/");
    for (const auto& [key, stored] : programs_) {
      if (key.rfind(prefix, 0) == 0) page.programs.push_back(stored.program);
    }
    return page;
  }
  absl::StatusOr<CommitResult> Commit(absl::string_view patient, absl::string_view id, const std::string& expected,
                                      const StoredProgram& change, const std::optional<NewRecord>& record,
                                      std::string* stored_record) override {
    absl::MutexLock lock(&mu_);
    if (down) return absl::UnavailableError("store down");
    auto found = programs_.find(Key(patient, id));
    if (found == programs_.end()) return CommitResult::kMissing;
    if (record.has_value()) {
      auto existing = records_.find({record->kind, record->id});
      if (existing != records_.end()) {
        if (stored_record != nullptr) *stored_record = existing->second.second;
        return CommitResult::kAlreadyStored;
      }
    }
    if (found->second.program != expected) return CommitResult::kConflict;
    if (record.has_value()) {
      for (const RecordQuota& quota : record->quotas) {
        int used = 0;
        for (const auto& [key, stored] : records_) {
          used += key.first == record->kind && stored.first >= quota.range.first && stored.first <= quota.range.last;
        }
        if (used >= quota.most) return CommitResult::kQuotaReached;
      }
    }
    if (!change.program.empty()) found->second.program = change.program;
    if (!change.plan.empty()) found->second.plan = change.plan;
    if (record.has_value()) records_[{record->kind, record->id}] = {record->order, record->bytes};
    Raise(change.events);
    return CommitResult::kCommitted;
  }
  absl::Status CheckAt(absl::string_view patient, absl::string_view id, absl::Time when) override {
    absl::MutexLock lock(&mu_);
    if (down) return absl::UnavailableError("store down");
    checks_[Key(patient, id)] = when;
    return absl::OkStatus();
  }
  absl::Status Forget(absl::string_view patient, absl::string_view id) override {
    absl::MutexLock lock(&mu_);
    checks_.erase(Key(patient, id));
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<ProgramRef>> DueChecks(absl::Time now, int limit) override {
    absl::MutexLock lock(&mu_);
    std::vector<ProgramRef> due;
    for (const auto& [key, when] : checks_) {
      if (when > now || static_cast<int>(due.size()) == limit) continue;
      due.push_back(ProgramRef{key.substr(0, key.find('/')), key.substr(key.find('/') + 1)});
    }
    return due;
  }
  absl::StatusOr<CommitResult> RaiseOnce(absl::string_view patient, absl::string_view id, absl::string_view once_id,
                                         int64_t fence, const std::vector<OutboxEvent>& events) override {
    absl::MutexLock lock(&mu_);
    if (!programs_.contains(Key(patient, id))) return CommitResult::kMissing;
    int64_t& seen = fences_[Key(patient, id)];
    if (seen > fence) return CommitResult::kConflict;
    seen = fence;
    if (!raised_.insert(std::string(once_id)).second) return CommitResult::kAlreadyStored;
    Raise(events);
    return CommitResult::kCommitted;
  }
  // The events committed changes raised, in order, as CloudEvents types.
  std::vector<std::string> event_types() {
    absl::MutexLock lock(&mu_);
    std::vector<std::string> types;
    for (const OutboxEvent& event : events_) types.push_back(event.type);
    return types;
  }
  std::vector<OutboxEvent> events() {
    absl::MutexLock lock(&mu_);
    return events_;
  }
  bool checked(absl::string_view patient, absl::string_view id) {
    absl::MutexLock lock(&mu_);
    return checks_.contains(Key(patient, id));
  }
  absl::StatusOr<std::optional<std::string>> GetRecord(absl::string_view, absl::string_view, RecordKind kind,
                                                       absl::string_view id) override {
    absl::MutexLock lock(&mu_);
    if (down) return absl::UnavailableError("store down");
    auto found = records_.find({kind, std::string(id)});
    if (found == records_.end()) return std::nullopt;
    return std::optional<std::string>(found->second.second);
  }
  absl::StatusOr<std::vector<std::string>> Records(absl::string_view, absl::string_view, RecordKind kind, int limit,
                                                   OrderRange range) override {
    absl::MutexLock lock(&mu_);
    session_reads += kind == RecordKind::kSession;
    if (down) return absl::UnavailableError("store down");
    std::vector<std::pair<int64_t, std::string>> found;
    for (const auto& [key, record] : records_) {
      if (key.first == kind && record.first >= range.first && record.first <= range.last) found.push_back(record);
    }
    std::sort(found.begin(), found.end());
    std::vector<std::string> out;
    for (auto& [order, bytes] : found) {
      if (static_cast<int>(out.size()) == limit) break;
      out.push_back(std::move(bytes));
    }
    return out;
  }
  size_t record_count(RecordKind kind = RecordKind::kSession) {
    absl::MutexLock lock(&mu_);
    size_t count = 0;
    for (const auto& [key, record] : records_) count += key.first == kind ? 1 : 0;
    return count;
  }
  bool down = false;
  int reads = 0;
  int session_reads = 0;

 private:
  static std::string Key(absl::string_view patient, absl::string_view id) { return absl::StrCat(patient, "/", id); }
  void Raise(const std::vector<OutboxEvent>& events) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    events_.insert(events_.end(), events.begin(), events.end());
  }
  absl::Mutex mu_;
  std::vector<OutboxEvent> events_;
  std::map<std::string, absl::Time> checks_;
  std::map<std::string, int64_t> fences_;
  std::set<std::string> raised_;
  std::map<std::string, StoredProgram> programs_;
  // By kind and id: order and bytes.
  std::map<std::pair<RecordKind, std::string>, std::pair<int64_t, std::string>> records_;
};

// Screening: refers an intake with chest pain, otherwise proceeds. Its
// preview is the same result unless told to differ (rules changed between
// the two calls) or to fail.
class StubScreening final : public ScreeningGateway {
 public:
  std::future<absl::StatusOr<screening_v1::Screening>> StartScreen(const std::string& request_id,
                                                                   const screening_v1::Intake& intake) override {
    ++calls;
    std::promise<absl::StatusOr<screening_v1::Screening>> answer;
    if (down) {
      answer.set_value(absl::UnavailableError("screening service: down"));
    } else {
      screening_v1::Screening screening;
      screening.set_name(absl::StrCat("patients/", intake.patient_id(), "/screenings/", request_id.substr(0, 12)));
      *screening.mutable_result() = Result(intake, "test.1");
      answer.set_value(std::move(screening));
    }
    return answer.get_future();
  }
  absl::StatusOr<screening_v1::ScreeningResult> Preview(const screening_v1::Intake& intake) override {
    ++previews;
    if (down || preview_down) return absl::UnavailableError("screening service: down");
    return Result(intake, preview_differs ? "test.0" : "test.1");
  }
  int calls = 0;
  int previews = 0;
  bool down = false;
  bool preview_down = false;
  bool preview_differs = false;

 private:
  static screening_v1::ScreeningResult Result(const screening_v1::Intake& intake, const std::string& rules) {
    screening_v1::ScreeningResult result;
    result.set_rule_set_version(rules);
    if (intake.symptoms().chest_pain()) {
      result.set_outcome(screening_v1::OUTCOME_REFER);
      screening_v1::RedFlag* flag = result.add_red_flags();
      flag->mutable_rule()->set_rule_id("RF-CHEST");
      flag->set_finding("chest pain");
      flag->set_refer_to(screening_v1::REFERRAL_TARGET_DOCTOR);
    } else {
      result.set_outcome(screening_v1::OUTCOME_PROCEED);
    }
    return result;
  }
};

// Scheduling: a week with one strength item on its first day.
class StubPlanning final : public SchedulingGateway {
 public:
  absl::StatusOr<scheduling_v1::WeeklyPlan> Plan(const scheduling_v1::BuildWeeklyPlanRequest& request) override {
    last = request;
    ++calls;
    if (!refusal.ok()) return refusal;
    scheduling_v1::WeeklyPlan plan;
    plan.set_week_index(request.week_index());
    plan.set_week_start_date(request.week_start_date());
    absl::CivilDay start;
    ParseIsoDate(request.week_start_date(), &start);
    for (int i = 0; i < 7; ++i) plan.add_days()->set_date(absl::FormatCivilTime(start + i));
    scheduling_v1::PlanItem* item = plan.mutable_days(0)->add_sessions()->add_items();
    item->set_exercise("exercises/sit-to-stand");
    item->set_component(scheduling_v1::COMPONENT_STRENGTH);
    item->mutable_dose()->mutable_sets_reps()->set_sets(2);
    item->mutable_dose()->mutable_sets_reps()->set_reps_min(8);
    item->mutable_dose()->mutable_sets_reps()->set_reps_max(12);
    return plan;
  }
  scheduling_v1::BuildWeeklyPlanRequest last;
  int calls = 0;
  absl::Status refusal;
};

// Remembers what the use cases told, in order.
class RecordingFlow final : public ClinicalFlow {
 public:
  void Enrolled(const v1::Program& program) override {
    told.push_back(absl::StrCat("enrolled ", screening_v1::Outcome_Name(program.screening_result().outcome())));
  }
  void SessionLogged(const v1::SessionLog& log) override {
    told.push_back(absl::StrCat("session with ", log.alerts_size(), " alerts"));
  }
  void MeasurementRecorded(const v1::Measurement& measurement) override {
    told.push_back(absl::StrCat("measurement with ", measurement.alerts_size(), " alerts"));
  }
  void WeekFinished(const v1::ProgramWeek& week) override {
    told.push_back(absl::StrCat("week ", week.week_index(), " with ", week.decisions_size(), " decisions"));
  }
  void Resumed() override { told.push_back("resumed"); }
  std::vector<std::string> told;
};

class ProgramsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto rules = LoadProgressionRulesFile(std::string(OSTEOFLOW_SOURCE_DIR) +
                                          "/services/progress/data/progression_rules.json");
    ASSERT_TRUE(rules.ok()) << rules.status();
    rules_ = *rules;
    programs_ = std::make_unique<Programs>(store_, screening_, planning_, *rules,
                                           [] { return absl::FromUnixSeconds(kNow); }, Programs::kCurrentWeeksKept,
                                           flow_);
  }

  const v1::ProgressionRulesDocument& rules_document() const { return rules_->document(); }

  v1::EnrollRequest Enrollment(const std::string& request_id, bool chest_pain = false) {
    v1::EnrollRequest request;
    request.set_request_id(request_id);
    request.mutable_intake()->set_patient_id("patient-7");
    request.mutable_intake()->mutable_symptoms()->set_chest_pain(chest_pain);
    request.mutable_preferences()->set_minutes_per_day(30);
    request.set_start_date("2026-11-23");
    return request;
  }

  v1::Program Enrolled(bool chest_pain = false) {
    v1::Program program;
    const absl::Status status = programs_->Enroll(Enrollment("enrol-1", chest_pain), &program);
    EXPECT_TRUE(status.ok()) << status;
    return program;
  }

  v1::LogSessionRequest Log(const v1::Program& program, const std::string& request_id, int pain = 0) {
    v1::LogSessionRequest request;
    request.set_program(program.name());
    request.set_request_id(request_id);
    v1::SessionLog* session = request.mutable_session();
    session->set_date("2026-11-23");
    v1::ItemLog* item = session->add_items();
    item->set_exercise("exercises/sit-to-stand");
    item->add_reps_per_set(10);
    item->add_reps_per_set(10);
    item->set_pain(pain);
    return request;
  }

  // A clinician's clearance of the programme.
  static v1::ResumeProgramRequest Clearance(const v1::Program& program) {
    v1::ResumeProgramRequest resume;
    resume.set_program(program.name());
    resume.set_request_id("resume-1");
    resume.set_cleared_by("clinician-3");
    resume.mutable_clear_time()->set_seconds(1795400000);
    return resume;
  }

  std::shared_ptr<MemoryStore> store_ = std::make_shared<MemoryStore>();
  std::shared_ptr<StubScreening> screening_ = std::make_shared<StubScreening>();
  std::shared_ptr<StubPlanning> planning_ = std::make_shared<StubPlanning>();
  std::shared_ptr<const ProgressionRules> rules_;
  std::shared_ptr<RecordingFlow> flow_ = std::make_shared<RecordingFlow>();
  std::unique_ptr<Programs> programs_;
};

TEST_F(ProgramsTest, TheClinicalFlowIsToldOfEachCommittedChangeOnceAndNeverOfARetryOrARefusal) {
  const v1::Program program = Enrolled();
  v1::Program again;
  ASSERT_TRUE(programs_->Enroll(Enrollment("enrol-1"), &again).ok());
  v1::SessionLog log;
  ASSERT_TRUE(programs_->LogSession(Log(program, "log-1"), &log).ok());
  ASSERT_TRUE(programs_->LogSession(Log(program, "log-1"), &log).ok());
  EXPECT_EQ(programs_->LogSession(Log(program, ""), &log).code(), absl::StatusCode::kInvalidArgument);
  v1::AdvanceWeekRequest advance;
  advance.set_program(program.name());
  advance.set_request_id("advance-1");
  v1::Program next;
  ASSERT_TRUE(programs_->AdvanceWeek(advance, &next).ok());
  ASSERT_TRUE(programs_->AdvanceWeek(advance, &next).ok());
  v1::LogSessionRequest red = Log(program, "log-red");
  red.mutable_session()->set_date("2026-11-30");
  red.mutable_session()->add_symptoms(v1::SESSION_SYMPTOM_CHEST_PAIN);
  ASSERT_TRUE(programs_->LogSession(red, &log).ok());
  ASSERT_TRUE(programs_->LogSession(red, &log).ok());
  const v1::ResumeProgramRequest resume = Clearance(program);
  v1::Program resumed;
  ASSERT_TRUE(programs_->Resume(resume, &resumed).ok());
  ASSERT_TRUE(programs_->Resume(resume, &resumed).ok());
  EXPECT_THAT(flow_->told, ::testing::ElementsAre("enrolled OUTCOME_PROCEED", "session with 0 alerts",
                                                  "week 1 with 1 decisions", "session with 2 alerts", "resumed"));
}

TEST_F(ProgramsTest, EnrolmentScreensPlansWeekOneAndIsIdempotent) {
  const v1::Program program = Enrolled();
  EXPECT_THAT(program.name(), ::testing::MatchesRegex("patients/patient-7/programs/[0-9a-f]{20}"));
  EXPECT_EQ(program.state(), v1::PROGRAM_STATE_ACTIVE);
  EXPECT_EQ(program.week_index(), 1);
  EXPECT_EQ(program.current_plan().week_start_date(), "2026-11-23");
  EXPECT_EQ(planning_->last.patient_id(), "patient-7");
  EXPECT_EQ(planning_->last.screening_result().outcome(), screening_v1::OUTCOME_PROCEED);
  v1::Program again;
  ASSERT_TRUE(programs_->Enroll(Enrollment("enrol-1"), &again).ok());
  EXPECT_EQ(again.SerializeAsString(), program.SerializeAsString());
  // The retry ran the (idempotent) screening again; the store kept the first.
  EXPECT_EQ(screening_->calls, 2);
}

TEST_F(ProgramsTest, ARetryWhilePeersAreDownFindsTheStoredProgramme) {
  const v1::Program program = Enrolled();
  screening_->down = true;
  v1::Program again;
  ASSERT_TRUE(programs_->Enroll(Enrollment("enrol-1"), &again).ok());
  EXPECT_EQ(again.SerializeAsString(), program.SerializeAsString());
  // A new enrolment cannot be made while screening is down.
  EXPECT_EQ(programs_->Enroll(Enrollment("enrol-2"), &again).code(), absl::StatusCode::kUnavailable);
}

TEST_F(ProgramsTest, WeekOneIsPlannedOnceFromThePreviewWhenTheStoredResultIsTheSame) {
  const v1::Program program = Enrolled();
  EXPECT_EQ(screening_->previews, 1);
  EXPECT_EQ(planning_->calls, 1);
  EXPECT_EQ(program.screening_result().rule_set_version(), "test.1");
  EXPECT_EQ(planning_->last.screening_result().rule_set_version(), "test.1");
}

TEST_F(ProgramsTest, APreviewUnlikeTheStoredResultIsNotPlannedFrom) {
  screening_->preview_differs = true;
  const v1::Program program = Enrolled();
  // Planned from the preview, then again from what was stored; the second
  // plan is the one kept.
  EXPECT_EQ(planning_->calls, 2);
  EXPECT_EQ(planning_->last.screening_result().rule_set_version(), "test.1");
  EXPECT_EQ(program.screening_result().rule_set_version(), "test.1");
  EXPECT_EQ(program.state(), v1::PROGRAM_STATE_ACTIVE);
}

TEST_F(ProgramsTest, WithoutAPreviewNothingIsScreenedOrPlanned) {
  screening_->preview_down = true;
  v1::Program program;
  const absl::Status status = programs_->Enroll(Enrollment("enrol-1"), &program);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(screening_->calls, 0);
  EXPECT_EQ(planning_->calls, 0);
}

TEST_F(ProgramsTest, PreferencesThePlanRefusesStoreNoScreening) {
  planning_->refusal = absl::InvalidArgumentError("preferences.enjoyed_exercises[0]: no exercise exercises/x");
  v1::Program program;
  const absl::Status status = programs_->Enroll(Enrollment("enrol-1"), &program);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("preferences.enjoyed_exercises[0]"));
  EXPECT_EQ(screening_->calls, 0) << "the durable screening comes after the plan";
}

TEST_F(ProgramsTest, AReferredPreviewIsNotPlanned) {
  Enrolled(/*chest_pain=*/true);
  EXPECT_EQ(screening_->previews, 1);
  EXPECT_EQ(planning_->calls, 0);
}

TEST_F(ProgramsTest, AReferralIsStoredReferredWithItsReasonsAndNoPlan) {
  const v1::Program program = Enrolled(/*chest_pain=*/true);
  EXPECT_EQ(program.state(), v1::PROGRAM_STATE_REFERRED);
  EXPECT_EQ(program.week_index(), 0);
  EXPECT_FALSE(program.has_current_plan());
  ASSERT_EQ(program.referrals_size(), 1);
  EXPECT_EQ(program.referrals(0).rule().rule_id(), "RF-CHEST");
  EXPECT_EQ(program.referrals(0).refer_to(), screening_v1::REFERRAL_TARGET_DOCTOR);
}

TEST_F(ProgramsTest, EnrolmentRefusesBadInputNamingEveryField) {
  v1::EnrollRequest request;
  v1::Program program;
  const absl::Status status = programs_->Enroll(request, &program);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  for (const char* field : {"request_id", "intake", "preferences", "start_date"}) {
    EXPECT_THAT(std::string(status.message()), HasSubstr(field));
  }
  EXPECT_EQ(screening_->calls, 0);
}

TEST_F(ProgramsTest, AnOrdinarySessionIsStoredOnceAndLeavesTheProgrammeAsItWas) {
  const v1::Program program = Enrolled();
  v1::SessionLog log;
  ASSERT_TRUE(programs_->LogSession(Log(program, "log-1"), &log).ok());
  EXPECT_THAT(log.name(), HasSubstr(program.name() + "/sessions/"));
  EXPECT_EQ(log.week_index(), 1);
  EXPECT_TRUE(log.alerts().empty());
  v1::SessionLog again;
  ASSERT_TRUE(programs_->LogSession(Log(program, "log-1"), &again).ok());
  EXPECT_EQ(again.SerializeAsString(), log.SerializeAsString());
  EXPECT_EQ(store_->record_count(), 1u);
  v1::GetProgramRequest get;
  get.set_name(program.name());
  v1::Program now;
  ASSERT_TRUE(programs_->Get(get, &now).ok());
  EXPECT_EQ(now.SerializeAsString(), program.SerializeAsString());
}

// Another replica of the service: the same store, its own memory.
std::unique_ptr<Programs> Replica(std::shared_ptr<ProgramStore> store, std::shared_ptr<ScreeningGateway> screening,
                                  std::shared_ptr<SchedulingGateway> planning) {
  auto rules = LoadProgressionRulesFile(std::string(OSTEOFLOW_SOURCE_DIR) +
                                        "/services/progress/data/progression_rules.json");
  EXPECT_TRUE(rules.ok()) << rules.status();
  return std::make_unique<Programs>(store, screening, planning, *rules,
                                    [] { return absl::FromUnixSeconds(kNow); });
}

TEST_F(ProgramsTest, LogsAreCheckedWithoutRereadingTheProgrammeYetAWeekAdvancedElsewhereIsNoticed) {
  const v1::Program program = Enrolled();
  v1::SessionLog log;
  ASSERT_TRUE(programs_->LogSession(Log(program, "log-1"), &log).ok());
  const int reads = store_->reads;
  ASSERT_TRUE(programs_->LogSession(Log(program, "log-2"), &log).ok());
  EXPECT_EQ(store_->reads, reads) << "the second log of a week should not read the programme again";

  std::unique_ptr<Programs> other = Replica(store_, screening_, planning_);
  v1::AdvanceWeekRequest advance;
  advance.set_program(program.name());
  advance.set_request_id("advance-1");
  v1::Program next;
  ASSERT_TRUE(other->AdvanceWeek(advance, &next).ok());
  ASSERT_EQ(next.week_index(), 2);

  // This replica still remembers week 1; the store tells it the week moved.
  const size_t stored = store_->record_count();
  const absl::Status old_week = programs_->LogSession(Log(program, "log-3"), &log);
  EXPECT_EQ(old_week.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(old_week.message(), HasSubstr("session.date"));
  EXPECT_THAT(old_week.message(), HasSubstr("2026-11-30"));
  EXPECT_EQ(store_->record_count(), stored);
  v1::LogSessionRequest this_week = Log(program, "log-4");
  this_week.mutable_session()->set_date("2026-11-30");
  ASSERT_TRUE(programs_->LogSession(this_week, &log).ok());
  EXPECT_EQ(log.week_index(), 2);
  // A retry of a week-1 log is still answered with what was stored.
  v1::SessionLog retried;
  ASSERT_TRUE(programs_->LogSession(Log(program, "log-1"), &retried).ok());
  EXPECT_EQ(retried.week_index(), 1);
}

TEST_F(ProgramsTest, AProgrammePausedByAnotherReplicaRefusesLogsHere) {
  const v1::Program program = Enrolled();
  v1::SessionLog log;
  ASSERT_TRUE(programs_->LogSession(Log(program, "log-1"), &log).ok());
  std::unique_ptr<Programs> other = Replica(store_, screening_, planning_);
  v1::LogSessionRequest red = Log(program, "log-red");
  red.mutable_session()->add_symptoms(v1::SESSION_SYMPTOM_CHEST_PAIN);
  ASSERT_TRUE(other->LogSession(red, &log).ok());
  EXPECT_EQ(programs_->LogSession(Log(program, "log-2"), &log).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->record_count(), 2u);
}

TEST_F(ProgramsTest, ARedFlagPausesWithAReferralAndAFallAsksForANewScreening) {
  const v1::Program program = Enrolled();
  v1::LogSessionRequest request = Log(program, "log-red");
  request.mutable_session()->add_symptoms(v1::SESSION_SYMPTOM_CHEST_PAIN);
  request.mutable_session()->mutable_fall()->set_fell(true);
  v1::SessionLog log;
  ASSERT_TRUE(programs_->LogSession(request, &log).ok());
  std::vector<std::string> rules;
  for (const v1::Alert& alert : log.alerts()) rules.push_back(alert.rule().rule_id());
  EXPECT_THAT(rules, ::testing::ElementsAre("RF-CHEST", "PROG-STOP", "PROG-STOP"));
  v1::GetProgramRequest get;
  get.set_name(program.name());
  v1::Program paused;
  ASSERT_TRUE(programs_->Get(get, &paused).ok());
  EXPECT_EQ(paused.state(), v1::PROGRAM_STATE_PAUSED);
  ASSERT_EQ(paused.referrals_size(), 2);
  EXPECT_EQ(paused.referrals(0).rule().rule_id(), "RF-CHEST");
  ASSERT_EQ(paused.rescreen_reasons_size(), 1);
  EXPECT_EQ(paused.rescreen_reasons(0).rule().rule_id(), "SUP-FALLS");

  // A retry of the log that paused it gets that log back, alerts and all.
  v1::SessionLog retried_log;
  ASSERT_TRUE(programs_->LogSession(request, &retried_log).ok());
  EXPECT_EQ(retried_log.SerializeAsString(), log.SerializeAsString());
  // Paused: no more logs until a clearance.
  EXPECT_EQ(programs_->LogSession(Log(program, "log-after"), &log).code(), absl::StatusCode::kFailedPrecondition);
  const v1::ResumeProgramRequest resume = Clearance(program);
  v1::Program resumed;
  ASSERT_TRUE(programs_->Resume(resume, &resumed).ok());
  EXPECT_EQ(resumed.state(), v1::PROGRAM_STATE_ACTIVE);
  for (const v1::Referral& referral : resumed.referrals()) EXPECT_TRUE(referral.resolved());
  ASSERT_EQ(resumed.resumptions_size(), 1);
  // A retry of the same clearance is answered with the programme as resumed.
  v1::Program retried;
  ASSERT_TRUE(programs_->Resume(resume, &retried).ok());
  EXPECT_EQ(retried.SerializeAsString(), resumed.SerializeAsString());
  EXPECT_TRUE(programs_->LogSession(Log(program, "log-after"), &log).ok());
}

TEST_F(ProgramsTest, AReferredProgrammeIsPlannedOnlyAfterClearance) {
  const v1::Program program = Enrolled(/*chest_pain=*/true);
  const v1::ResumeProgramRequest resume = Clearance(program);
  v1::Program resumed;
  ASSERT_TRUE(programs_->Resume(resume, &resumed).ok());
  EXPECT_EQ(resumed.week_index(), 1);
  EXPECT_EQ(planning_->last.screening_result().outcome(), screening_v1::OUTCOME_PROCEED_AFTER_CLEARANCE);
  EXPECT_TRUE(planning_->last.screening_result().red_flags().empty());
  // The screening as it was stays on the programme.
  EXPECT_EQ(resumed.screening_result().outcome(), screening_v1::OUTCOME_REFER);
}

TEST_F(ProgramsTest, BadLogsAreRefusedWithNothingStored) {
  const v1::Program program = Enrolled();
  v1::SessionLog log;
  v1::LogSessionRequest pain = Log(program, "bad-1", 11);
  EXPECT_THAT(std::string(programs_->LogSession(pain, &log).message()), HasSubstr("session.items[0].pain"));
  v1::LogSessionRequest early = Log(program, "bad-2");
  early.mutable_session()->set_date("2026-11-01");
  EXPECT_THAT(std::string(programs_->LogSession(early, &log).message()), HasSubstr("session.date"));
  v1::LogSessionRequest negative = Log(program, "bad-3");
  negative.mutable_session()->mutable_items(0)->set_reps_per_set(0, -1);
  EXPECT_THAT(std::string(programs_->LogSession(negative, &log).message()),
              HasSubstr("session.items[0].reps_per_set[0]"));
  v1::LogSessionRequest many = Log(program, "bad-4");
  for (int i = 0; i < 10000; ++i) *many.mutable_session()->add_items() = many.session().items(0);
  EXPECT_THAT(std::string(programs_->LogSession(many, &log).message()), HasSubstr("session.items: at most 50"));
  v1::LogSessionRequest unknown = Log(program, "bad-5");
  unknown.set_program("patients/patient-7/programs/nope");
  EXPECT_EQ(programs_->LogSession(unknown, &log).code(), absl::StatusCode::kNotFound);
  v1::LogSessionRequest other_patient = Log(program, "bad-6");
  other_patient.set_program(absl::StrCat("patients/someone-else/programs/",
                                         program.name().substr(program.name().rfind('/') + 1)));
  EXPECT_EQ(programs_->LogSession(other_patient, &log).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->record_count(), 0u);
}

// The record limits of the progression rules: a day's and a week's session
// logs, and a week's measurements. Past a limit nothing is stored, and a
// retry of a log stored before it still gets that log back.
TEST_F(ProgramsTest, SessionLogsAndMeasurementsStopAtTheirLimitsWithNothingStored) {
  const v1::Program program = Enrolled();
  const v1::RecordLimits& limits = rules_document().record_limits();
  ASSERT_GT(limits.session_logs_per_day(), 0);
  v1::SessionLog log;
  for (int n = 0; n < limits.session_logs_per_day(); ++n) {
    ASSERT_TRUE(programs_->LogSession(Log(program, absl::StrCat("day-", n)), &log).ok()) << n;
  }
  absl::Status over = programs_->LogSession(Log(program, "day-over"), &log);
  EXPECT_EQ(over.code(), absl::StatusCode::kResourceExhausted) << over;
  EXPECT_THAT(std::string(over.message()), HasSubstr("session.date"));
  EXPECT_THAT(std::string(over.message()), HasSubstr("record_limits"));
  EXPECT_EQ(store_->record_count(), static_cast<size_t>(limits.session_logs_per_day()));
  ASSERT_TRUE(programs_->LogSession(Log(program, "day-0"), &log).ok()) << "a retry of a stored log";

  // The rest of the week, a day at a time, up to the week's limit.
  int logged = limits.session_logs_per_day();
  for (int day = 1; day < 7 && logged < limits.session_logs_per_week(); ++day) {
    for (int n = 0; n < limits.session_logs_per_day() && logged < limits.session_logs_per_week(); ++n, ++logged) {
      v1::LogSessionRequest request = Log(program, absl::StrCat("week-", day, "-", n));
      request.mutable_session()->set_date(absl::StrCat("2026-11-2", 3 + day));
      ASSERT_TRUE(programs_->LogSession(request, &log).ok()) << day << " " << n;
    }
  }
  ASSERT_EQ(logged, limits.session_logs_per_week()) << "the week's limit is below seven full days";
  v1::LogSessionRequest late = Log(program, "week-over");
  late.mutable_session()->set_date("2026-11-29");
  over = programs_->LogSession(late, &log);
  EXPECT_EQ(over.code(), absl::StatusCode::kResourceExhausted) << over;
  EXPECT_EQ(store_->record_count(), static_cast<size_t>(limits.session_logs_per_week()));

  v1::RecordMeasurementRequest measure;
  measure.set_program(program.name());
  measure.mutable_measurement()->set_date("2026-11-24");
  measure.mutable_measurement()->set_weight_kg(64);
  v1::Measurement measurement;
  for (int n = 0; n < limits.measurements_per_week(); ++n) {
    measure.set_request_id(absl::StrCat("measure-", n));
    ASSERT_TRUE(programs_->RecordMeasurement(measure, &measurement).ok()) << n;
  }
  measure.set_request_id("measure-over");
  over = programs_->RecordMeasurement(measure, &measurement);
  EXPECT_EQ(over.code(), absl::StatusCode::kResourceExhausted) << over;
  EXPECT_THAT(std::string(over.message()), HasSubstr("measurement.date"));
  EXPECT_EQ(store_->record_count(RecordKind::kMeasurement), static_cast<size_t>(limits.measurements_per_week()));
  // The next programme week has room again.
  measure.mutable_measurement()->set_date("2026-11-30");
  EXPECT_TRUE(programs_->RecordMeasurement(measure, &measurement).ok());
}

TEST_F(ProgramsTest, AdvancingAWeekCarriesTheProgressionIntoTheNextPlanOnce) {
  const v1::Program program = Enrolled();
  v1::LogSessionRequest strong = Log(program, "log-1");
  strong.mutable_session()->mutable_items(0)->set_reps_per_set(0, 13);
  strong.mutable_session()->mutable_items(0)->set_reps_per_set(1, 14);
  v1::SessionLog log;
  ASSERT_TRUE(programs_->LogSession(strong, &log).ok());
  v1::AdvanceWeekRequest advance;
  advance.set_program(program.name());
  advance.set_request_id("advance-1");
  v1::Program next;
  ASSERT_TRUE(programs_->AdvanceWeek(advance, &next).ok());
  EXPECT_EQ(next.week_index(), 2);
  EXPECT_EQ(next.current_plan().week_start_date(), "2026-11-30");
  ASSERT_EQ(next.progression_size(), 1);
  EXPECT_EQ(next.progression(0).sets(), 3);  // unloaded: one more set (PROG-LOAD, PROG-ONE)
  EXPECT_EQ(next.progression(0).reps(), 8);
  ASSERT_EQ(planning_->last.progression_size(), 1);
  EXPECT_EQ(planning_->last.progression(0).sets(), 3);
  EXPECT_EQ(store_->record_count(RecordKind::kWeek), 1u);
  // A retry does not advance again.
  v1::Program again;
  ASSERT_TRUE(programs_->AdvanceWeek(advance, &again).ok());
  EXPECT_EQ(again.week_index(), 2);
  EXPECT_EQ(store_->record_count(RecordKind::kWeek), 1u);
  // A paused programme cannot advance.
  v1::LogSessionRequest fall = Log(next, "log-fall");
  fall.mutable_session()->set_date("2026-11-30");
  fall.mutable_session()->mutable_fall()->set_fell(true);
  ASSERT_TRUE(programs_->LogSession(fall, &log).ok());
  advance.set_request_id("advance-2");
  EXPECT_EQ(programs_->AdvanceWeek(advance, &next).code(), absl::StatusCode::kFailedPrecondition);
}

v1::RecordMeasurementRequest Measure(const v1::Program& program, const std::string& request_id,
                                     const std::string& date, double height) {
  v1::RecordMeasurementRequest request;
  request.set_program(program.name());
  request.set_request_id(request_id);
  request.mutable_measurement()->set_date(date);
  request.mutable_measurement()->set_height_cm(height);
  return request;
}

// However many scans are recorded, a programme keeps only the latest few
// reasons to screen again, so its record stays bounded.
TEST_F(ProgramsTest, RescreenReasonsAreBoundedToTheLatestFew) {
  const v1::Program program = Enrolled();
  v1::Measurement measurement;
  int recorded = 0;
  for (const std::string date : {"2026-11-23", "2026-11-30"}) {
    for (int n = 0; n < rules_document().record_limits().measurements_per_week(); ++n, ++recorded) {
      v1::RecordMeasurementRequest scan = Measure(program, absl::StrCat("scan-", date, "-", n), date, 165.0);
      scan.mutable_measurement()->mutable_dxa()->set_scan_date(date);
      screening_v1::DxaSiteResult* site = scan.mutable_measurement()->mutable_dxa()->add_sites();
      site->set_site(screening_v1::SKELETAL_SITE_TOTAL_HIP);
      site->set_t_score(-1.8);
      ASSERT_TRUE(programs_->RecordMeasurement(scan, &measurement).ok()) << date << " " << n;
    }
  }
  ASSERT_GT(recorded, kMaxRescreenReasons);
  v1::GetProgramRequest get;
  get.set_name(program.name());
  v1::Program read;
  ASSERT_TRUE(programs_->Get(get, &read).ok());
  ASSERT_EQ(read.rescreen_reasons_size(), kMaxRescreenReasons);
  EXPECT_EQ(read.rescreen_reasons(kMaxRescreenReasons - 1).date(), "2026-11-30") << "the latest are kept";
}

TEST_F(ProgramsTest, HeightLossAboveThreeCentimetresIsARedFlag) {
  const v1::Program program = Enrolled();
  v1::Measurement measurement;
  ASSERT_TRUE(programs_->RecordMeasurement(Measure(program, "m-1", "2026-11-23", 165.0), &measurement).ok());
  EXPECT_TRUE(measurement.alerts().empty());
  // Exactly 3 cm is not "above 3 cm".
  ASSERT_TRUE(programs_->RecordMeasurement(Measure(program, "m-2", "2026-11-24", 162.0), &measurement).ok());
  EXPECT_TRUE(measurement.alerts().empty());
  ASSERT_TRUE(programs_->RecordMeasurement(Measure(program, "m-3", "2026-11-25", 161.5), &measurement).ok());
  ASSERT_FALSE(measurement.alerts().empty());
  EXPECT_EQ(measurement.alerts(0).rule().rule_id(), "RF-HEIGHT");
  EXPECT_THAT(measurement.alerts(0).message(), HasSubstr("3.5 cm"));
  v1::GetProgramRequest get;
  get.set_name(program.name());
  v1::Program paused;
  ASSERT_TRUE(programs_->Get(get, &paused).ok());
  EXPECT_EQ(paused.state(), v1::PROGRAM_STATE_PAUSED);
  // A retry answers with the stored measurement, once.
  v1::Measurement again;
  ASSERT_TRUE(programs_->RecordMeasurement(Measure(program, "m-3", "2026-11-25", 161.5), &again).ok());
  EXPECT_EQ(again.SerializeAsString(), measurement.SerializeAsString());
  EXPECT_EQ(store_->record_count(RecordKind::kMeasurement), 3u);
}

TEST_F(ProgramsTest, ANewScanAsksForANewScreeningAndBadMeasurementsAreRefused) {
  const v1::Program program = Enrolled();
  v1::RecordMeasurementRequest scan = Measure(program, "scan-1", "2026-11-26", 165.0);
  scan.mutable_measurement()->mutable_dxa()->set_scan_date("2026-11-20");
  screening_v1::DxaSiteResult* site = scan.mutable_measurement()->mutable_dxa()->add_sites();
  site->set_site(screening_v1::SKELETAL_SITE_LUMBAR_SPINE);
  site->set_t_score(-2.1);
  v1::Measurement measurement;
  ASSERT_TRUE(programs_->RecordMeasurement(scan, &measurement).ok());
  ASSERT_EQ(measurement.alerts_size(), 1);
  EXPECT_EQ(measurement.alerts(0).kind(), v1::ALERT_KIND_RESCREEN);
  EXPECT_EQ(measurement.alerts(0).rule().rule_id(), "BONE-TSCORE");

  v1::RecordMeasurementRequest bad = Measure(program, "bad-1", "2026-11-01", 400);
  bad.mutable_measurement()->mutable_functional_tests()->set_chair_stands_30_seconds(99);
  const absl::Status status = programs_->RecordMeasurement(bad, &measurement);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  for (const char* field : {"measurement.date", "measurement.height_cm", "chair_stands_30_seconds"}) {
    EXPECT_THAT(std::string(status.message()), HasSubstr(field));
  }
  EXPECT_EQ(store_->record_count(RecordKind::kMeasurement), 1u);
}

// Logs and measurements record what was done: a date later than today
// anywhere on Earth is refused, naming the field, and nothing is stored. The
// clock stands at 2026-12-07 12:00 UTC, already 2026-12-08 at UTC+14.
TEST_F(ProgramsTest, SessionsAndMeasurementsDatedInTheFutureAreRefused) {
  v1::EnrollRequest enrolment = Enrollment("enrol-this-week");
  enrolment.set_start_date("2026-12-07");
  v1::Program program;
  ASSERT_TRUE(programs_->Enroll(enrolment, &program).ok());
  v1::SessionLog log;
  for (const std::string date : {"2026-12-07", "2026-12-08"}) {
    v1::LogSessionRequest today = Log(program, "log-" + date);
    today.mutable_session()->set_date(date);
    EXPECT_TRUE(programs_->LogSession(today, &log).ok()) << date;
  }
  v1::LogSessionRequest ahead = Log(program, "log-ahead");
  ahead.mutable_session()->set_date("2026-12-09");
  const absl::Status refused = programs_->LogSession(ahead, &log);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.message()), HasSubstr("session.date: must not be in the future"));
  EXPECT_EQ(store_->record_count(RecordKind::kSession), 2u);

  v1::RecordMeasurementRequest measured = Measure(program, "measured-ahead", "2026-12-10", 165.0);
  measured.mutable_measurement()->mutable_dxa()->set_scan_date("2026-12-11");
  measured.mutable_measurement()->mutable_dxa()->add_sites()->set_site(screening_v1::SKELETAL_SITE_LUMBAR_SPINE);
  v1::Measurement measurement;
  const absl::Status not_yet = programs_->RecordMeasurement(measured, &measurement);
  EXPECT_EQ(not_yet.code(), absl::StatusCode::kInvalidArgument);
  for (const char* field : {"measurement.date: must not be in the future", "measurement.dxa.scan_date: must not"}) {
    EXPECT_THAT(std::string(not_yet.message()), HasSubstr(field));
  }
  EXPECT_EQ(store_->record_count(RecordKind::kMeasurement), 0u);
}

TEST_F(ProgramsTest, ProgressShowsEachWeekPlannedAgainstDoneWithDecisionsAlertsAndDensity) {
  const v1::Program program = Enrolled();
  v1::LogSessionRequest strong = Log(program, "log-1", 2);
  strong.mutable_session()->mutable_items(0)->set_effort(6);
  v1::SessionLog log;
  ASSERT_TRUE(programs_->LogSession(strong, &log).ok());
  v1::AdvanceWeekRequest advance;
  advance.set_program(program.name());
  advance.set_request_id("advance-1");
  v1::Program next;
  ASSERT_TRUE(programs_->AdvanceWeek(advance, &next).ok());
  v1::RecordMeasurementRequest scan = Measure(program, "scan-1", "2026-11-30", 165.0);
  scan.mutable_measurement()->mutable_dxa()->set_scan_date("2026-11-28");
  screening_v1::DxaSiteResult* site = scan.mutable_measurement()->mutable_dxa()->add_sites();
  site->set_site(screening_v1::SKELETAL_SITE_TOTAL_HIP);
  site->set_t_score(-1.8);
  v1::Measurement measurement;
  ASSERT_TRUE(programs_->RecordMeasurement(scan, &measurement).ok());

  store_->session_reads = 0;
  v1::GetProgressRequest request;
  request.set_program(program.name());
  v1::ProgressReport report;
  ASSERT_TRUE(programs_->GetProgress(request, &report).ok());
  ASSERT_EQ(report.weeks_size(), 2);  // week 1 finished, week 2 current
  const v1::WeekProgress& first = report.weeks(0);
  EXPECT_EQ(first.week_index(), 1);
  EXPECT_EQ(first.sessions_logged(), 1);
  EXPECT_EQ(first.max_pain(), 2);
  EXPECT_DOUBLE_EQ(first.mean_effort(), 6);
  ASSERT_EQ(first.adherence_size(), 1);
  EXPECT_EQ(first.adherence(0).planned_items(), 1);
  EXPECT_EQ(first.adherence(0).done_items(), 1);
  ASSERT_EQ(report.decisions_size(), 1);
  EXPECT_EQ(report.decisions(0).change(), v1::PROGRESSION_CHANGE_HOLD);  // pain 2/10 holds (PROG-SORE)
  EXPECT_EQ(report.decisions(0).rules(0).rule_id(), "PROG-SORE");
  ASSERT_EQ(report.bone_density_size(), 1);
  EXPECT_EQ(report.bone_density(0).site(), screening_v1::SKELETAL_SITE_TOTAL_HIP);
  ASSERT_EQ(report.alerts_size(), 1);
  EXPECT_EQ(report.alerts(0).kind(), v1::ALERT_KIND_RESCREEN);
  EXPECT_EQ(report.weeks(1).week_index(), 2);
  // The finished week came from its own record: only the current week's
  // logs were read.
  EXPECT_EQ(store_->session_reads, 1);
}

// A report a page of weeks at a time, newest first: each page holds its
// weeks, their decisions and the scans dated within them; the pages together
// are the whole report; bad sizes and tokens are refused naming the field.
TEST_F(ProgramsTest, ProgressComesInPagesOfWeeksThatMakeTheWholeReport) {
  const v1::Program program = Enrolled();
  v1::Measurement measurement;
  for (const std::string date : {"2026-11-24", "2026-12-07"}) {  // weeks 1 and 3
    v1::RecordMeasurementRequest scan = Measure(program, "scan-" + date, date, 165.0);
    scan.mutable_measurement()->mutable_dxa()->set_scan_date(date);
    screening_v1::DxaSiteResult* site = scan.mutable_measurement()->mutable_dxa()->add_sites();
    site->set_site(screening_v1::SKELETAL_SITE_TOTAL_HIP);
    site->set_t_score(-1.8);
    ASSERT_TRUE(programs_->RecordMeasurement(scan, &measurement).ok()) << date;
  }
  v1::SessionLog log;
  ASSERT_TRUE(programs_->LogSession(Log(program, "log-1"), &log).ok());
  for (int week = 1; week <= 3; ++week) {
    v1::AdvanceWeekRequest advance;
    advance.set_program(program.name());
    advance.set_request_id(absl::StrCat("advance-", week));
    v1::Program next;
    ASSERT_TRUE(programs_->AdvanceWeek(advance, &next).ok()) << week;
  }

  v1::GetProgressRequest request;
  request.set_program(program.name());
  v1::ProgressReport whole;
  ASSERT_TRUE(programs_->GetProgress(request, &whole).ok());
  ASSERT_EQ(whole.weeks_size(), 4);
  EXPECT_TRUE(whole.next_page_token().empty());

  request.set_page_size(2);
  v1::ProgressReport newest;
  ASSERT_TRUE(programs_->GetProgress(request, &newest).ok());
  ASSERT_EQ(newest.weeks_size(), 2);
  EXPECT_EQ(newest.weeks(0).week_index(), 3);
  EXPECT_EQ(newest.weeks(1).week_index(), 4);
  for (const v1::ProgressionDecision& decision : newest.decisions()) EXPECT_EQ(decision.week_index(), 4);
  ASSERT_EQ(newest.bone_density_size(), 1);
  EXPECT_EQ(newest.bone_density(0).date(), "2026-12-07");
  EXPECT_EQ(newest.current_doses_size(), whole.current_doses_size());
  ASSERT_FALSE(newest.next_page_token().empty());

  request.set_page_token(newest.next_page_token());
  v1::ProgressReport oldest;
  ASSERT_TRUE(programs_->GetProgress(request, &oldest).ok());
  ASSERT_EQ(oldest.weeks_size(), 2);
  EXPECT_EQ(oldest.weeks(0).week_index(), 1);
  EXPECT_EQ(oldest.weeks(0).sessions_logged(), 1);
  ASSERT_EQ(oldest.bone_density_size(), 1);
  EXPECT_EQ(oldest.bone_density(0).date(), "2026-11-24");
  EXPECT_TRUE(oldest.next_page_token().empty());

  // Older page then newer: the whole report, part by part.
  const auto joined = [&](auto part) {
    std::vector<std::string> all;
    for (const v1::ProgressReport* page : {&oldest, &newest}) {
      for (const auto& entry : part(*page)) all.push_back(entry.SerializeAsString());
    }
    return all;
  };
  const auto serialized = [](const auto& entries) {
    std::vector<std::string> all;
    for (const auto& entry : entries) all.push_back(entry.SerializeAsString());
    return all;
  };
  EXPECT_EQ(joined([](const v1::ProgressReport& r) { return r.weeks(); }), serialized(whole.weeks()));
  EXPECT_EQ(joined([](const v1::ProgressReport& r) { return r.decisions(); }), serialized(whole.decisions()));
  EXPECT_EQ(joined([](const v1::ProgressReport& r) { return r.alerts(); }), serialized(whole.alerts()));
  EXPECT_EQ(joined([](const v1::ProgressReport& r) { return r.bone_density(); }), serialized(whole.bone_density()));
  EXPECT_FALSE(whole.decisions().empty());

  v1::ProgressReport refused;
  for (const int size : {-1, 521}) {
    request.set_page_size(size);
    const absl::Status status = programs_->GetProgress(request, &refused);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << size;
    EXPECT_THAT(std::string(status.message()), HasSubstr("page_size"));
  }
  request.set_page_size(2);
  for (const std::string& token : {std::string("not-a-token"), absl::WebSafeBase64Escape("other\n3")}) {
    request.set_page_token(token);
    const absl::Status status = programs_->GetProgress(request, &refused);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << token;
    EXPECT_THAT(std::string(status.message()), HasSubstr("page_token"));
  }
}

TEST_F(ProgramsTest, ListsAPatientsProgrammesAndRefusesForeignTokens) {
  const v1::Program program = Enrolled();
  v1::ListProgramsRequest request;
  request.set_parent("patients/patient-7");
  v1::ListProgramsResponse response;
  ASSERT_TRUE(programs_->List(request, &response).ok());
  ASSERT_EQ(response.programs_size(), 1);
  EXPECT_EQ(response.programs(0).name(), program.name());
  request.set_page_token(absl::WebSafeBase64Escape("someone-else\n100:abc"));
  EXPECT_EQ(programs_->List(request, &response).code(), absl::StatusCode::kInvalidArgument);
  request.set_page_token("");
  request.set_parent("patients/");
  EXPECT_EQ(programs_->List(request, &response).code(), absl::StatusCode::kInvalidArgument);
  request.set_parent("patients/patient-7");
  request.set_page_size(-1);
  EXPECT_EQ(programs_->List(request, &response).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ProgramsTest, AStoreOutageIsUnavailable) {
  const v1::Program program = Enrolled();
  store_->down = true;
  v1::SessionLog log;
  EXPECT_EQ(programs_->LogSession(Log(program, "log-1"), &log).code(), absl::StatusCode::kUnavailable);
  v1::Program again;
  EXPECT_EQ(programs_->Enroll(Enrollment("enrol-2"), &again).code(), absl::StatusCode::kUnavailable);
}

// An answer on the call's arena takes the programme over with its plan
// intact, whichever side of an arena each message is on.
TEST(MoveProgram, KeepsEveryFieldAcrossArenas) {
  v1::Program original;
  original.set_name("patients/p1/programs/x");
  original.set_week_index(3);
  original.mutable_current_plan()->set_patient_id("p1");
  original.mutable_current_plan()->set_week_index(3);
  const std::string expected = original.SerializeAsString();

  google::protobuf::Arena arena;
  for (const bool from_arena : {false, true}) {
    for (const bool to_arena : {false, true}) {
      v1::Program heap_from = original;
      v1::Program* from = from_arena ? google::protobuf::Arena::CreateMessage<v1::Program>(&arena) : &heap_from;
      if (from_arena) *from = original;
      v1::Program heap_to;
      v1::Program* to = to_arena ? google::protobuf::Arena::CreateMessage<v1::Program>(&arena) : &heap_to;
      MoveProgram(*from, to);
      EXPECT_EQ(to->SerializeAsString(), expected) << "from arena " << from_arena << ", to arena " << to_arena;
    }
  }
}


namespace events_test {

// A lease whose fence the test sets: 0 while "another replica" holds it.
class SettableLease final : public SweepLease {
 public:
  absl::StatusOr<int64_t> Hold() override { return fence; }
  int64_t fence = 1;
};

}  // namespace events_test

TEST_F(ProgramsTest, EachCommittedChangeRaisesItsEventsOnceWithTheirRules) {
  const v1::Program program = Enrolled();
  v1::LogSessionRequest red = Log(program, "log-red");
  red.mutable_session()->add_symptoms(v1::SESSION_SYMPTOM_CHEST_PAIN);
  red.mutable_session()->mutable_fall()->set_fell(true);
  v1::SessionLog log;
  ASSERT_TRUE(programs_->LogSession(red, &log).ok());
  ASSERT_TRUE(programs_->LogSession(red, &log).ok());  // a retry raises nothing
  v1::Program resumed;
  ASSERT_TRUE(programs_->Resume(Clearance(program), &resumed).ok());
  ASSERT_TRUE(programs_->LogSession(Log(program, "log-sore", 4), &log).ok());
  ASSERT_TRUE(programs_->LogSession(Log(program, "log-fine", 3), &log).ok());  // below the threshold

  std::vector<std::string> types;
  for (const std::string& type : store_->event_types()) types.push_back(type);
  const std::string p = "org.osteoflow.progress.";
  EXPECT_THAT(types, ::testing::ElementsAre(p + "program.enrolled.v1", p + "redflag.reported.v1",
                                            p + "fall.reported.v1", p + "program.paused.v1", p + "rescreen.due.v1",
                                            p + "program.resumed.v1", p + "pain.reported.v1"));
  std::set<std::string> ids;
  for (const OutboxEvent& outbox : store_->events()) {
    io::cloudevents::v1::CloudEvent event;
    ASSERT_TRUE(event.ParseFromString(outbox.bytes));
    EXPECT_TRUE(ids.insert(event.id()).second);
    v1::ProgramEvent data;
    ASSERT_TRUE(event.proto_data().UnpackTo(&data));
    EXPECT_EQ(data.program(), program.name());
    if (data.type() == v1::PROGRAM_EVENT_TYPE_PAIN_REPORTED) {
      EXPECT_EQ(data.pain(), 4);
      EXPECT_EQ(data.pain_threshold(), 4);
      EXPECT_THAT(data.rule_ids(), ::testing::ElementsAre("PROG-SORE"));
    }
    if (data.type() == v1::PROGRAM_EVENT_TYPE_RED_FLAG_REPORTED) {
      EXPECT_THAT(data.rule_ids(), ::testing::ElementsAre("RF-CHEST"));
    }
  }
}

TEST_F(ProgramsTest, AReferredEnrolmentRaisesEnrolledAndReferredWithTheRedFlagsRules) {
  Enrolled(/*chest_pain=*/true);
  std::vector<std::vector<std::string>> rules;
  std::vector<v1::ProgramEventType> types;
  for (const OutboxEvent& outbox : store_->events()) {
    io::cloudevents::v1::CloudEvent event;
    ASSERT_TRUE(event.ParseFromString(outbox.bytes));
    v1::ProgramEvent data;
    ASSERT_TRUE(event.proto_data().UnpackTo(&data));
    types.push_back(data.type());
    rules.emplace_back(data.rule_ids().begin(), data.rule_ids().end());
    EXPECT_EQ(data.state(), v1::PROGRAM_STATE_REFERRED);
  }
  EXPECT_THAT(types, ::testing::ElementsAre(v1::PROGRAM_EVENT_TYPE_PROGRAM_ENROLLED,
                                            v1::PROGRAM_EVENT_TYPE_PROGRAM_REFERRED));
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_THAT(rules[0], ::testing::ElementsAre("RF-CHEST"));
  EXPECT_EQ(rules[0], rules[1]);
}

TEST_F(ProgramsTest, MissedSessionsRaiseOneEventPerStretchAndNoneUnderAnOlderLease) {
  const v1::Program program = Enrolled();
  const std::string patient = program.name().substr(9, program.name().find("/programs/") - 9);
  const std::string id = program.name().substr(program.name().rfind('/') + 1);
  ASSERT_TRUE(store_->checked(patient, id)) << "an active enrolment asks for the sweep";
  auto lease = std::make_shared<events_test::SettableLease>();
  MissedSessionsSettings settings;
  settings.days = 1;  // the test's plan has one planned day
  MissedSessions sweep(store_, lease, [] { return absl::FromUnixSeconds(kNow); }, settings);

  lease->fence = 0;  // another replica sweeps
  EXPECT_EQ(*sweep.Sweep(), 0);
  lease->fence = 2;
  EXPECT_EQ(*sweep.Sweep(), 1);
  // Checked again later, and then the same stretch is not raised again.
  EXPECT_EQ(*sweep.Sweep(), 0);
  ASSERT_TRUE(store_->CheckAt(patient, id, absl::FromUnixSeconds(kNow - 60)).ok());
  EXPECT_EQ(*sweep.Sweep(), 0);
  // A sweep still running on an older lease changes nothing.
  ASSERT_TRUE(store_->CheckAt(patient, id, absl::FromUnixSeconds(kNow - 60)).ok());
  lease->fence = 1;
  EXPECT_EQ(*sweep.Sweep(), 0);
  const std::vector<std::string> types = store_->event_types();
  EXPECT_EQ(std::count(types.begin(), types.end(), "org.osteoflow.progress.sessions.missed.v1"), 1);
}

TEST(MissedDays, PlannedDaysBeforeTodayAfterTheLastLog) {
  scheduling_v1::WeeklyPlan plan;
  for (const char* date : {"2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"}) {
    scheduling_v1::PlanDay* day = plan.add_days();
    day->set_date(date);
    if (std::string(date) != "2026-11-24") day->add_sessions();  // the 24th is a rest day
  }
  const absl::CivilDay today(2026, 11, 27);
  EXPECT_THAT(MissedSessions::MissedDays(plan, {}, today),
              ::testing::ElementsAre("2026-11-23", "2026-11-25", "2026-11-26"));
  v1::SessionLog log;
  log.set_date("2026-11-23");
  EXPECT_THAT(MissedSessions::MissedDays(plan, {log}, today), ::testing::ElementsAre("2026-11-25", "2026-11-26"));
  log.set_date("2026-11-26");
  EXPECT_THAT(MissedSessions::MissedDays(plan, {log}, today), ::testing::IsEmpty());
}

}  // namespace
}  // namespace osteoflow::progress
