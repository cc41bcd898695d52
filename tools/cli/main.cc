// osteoflow: the command-line client of the suite. Enrols a person from an
// intake file, shows a programme's plan day by day, logs sessions and
// measurements from JSON files, shows progress, advances a week, records a
// clinician's clearance, and checks every service's health.
#include <cstdio>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/config/settings.h"
#include "common/digest/content_digest.h"
#include "osteoflow/progress/v1/progress_service.grpc.pb.h"
#include "tools/cli/event_lines.h"
#include "tools/cli/json_input.h"
#include "tools/cli/simulated_week.h"
#include "tools/health/health_probe.h"
#include "tools/plan_table/plan_table.h"
#include "tools/rpc/channel.h"

ABSL_FLAG(std::string, progress, "127.0.0.1:50054", "the progress service, host:port");
ABSL_FLAG(std::string, catalog, "127.0.0.1:50051", "the catalog service (health only)");
ABSL_FLAG(std::string, screening, "127.0.0.1:50052", "the screening service (health only)");
ABSL_FLAG(std::string, scheduling, "127.0.0.1:50053", "the scheduling service (health only)");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(15), "deadline of each call");
ABSL_FLAG(std::string, program, "", "the programme, patients/{patient_id}/programs/{program_id}");
ABSL_FLAG(std::string, intake, "", "enrol: the intake JSON file");
ABSL_FLAG(std::string, preferences, "", "enrol: the preferences JSON file");
ABSL_FLAG(std::string, start, "", "enrol: YYYY-MM-DD of week 1's first day");
ABSL_FLAG(std::string, session, "", "log: the session JSON file");
ABSL_FLAG(std::string, measurement, "", "measure: the measurement JSON file");
ABSL_FLAG(std::string, cleared_by, "", "resume: the clearing clinician's id");
ABSL_FLAG(std::string, note, "", "resume: a note for the record");
ABSL_FLAG(int, strength_reps, 13, "simulate-week: repetitions logged for every strength set");
ABSL_FLAG(double, first_load_kg, 8,
          "simulate-week: kilograms logged on weights the plan states no load for yet");
ABSL_FLAG(std::string, patient, "", "events: only this patient's (its opaque id)");
ABSL_FLAG(std::vector<std::string>, types, {},
          "events: only these types, comma-separated (program.paused or org.osteoflow.progress.program.paused.v1)");
ABSL_FLAG(std::string, cursor, "", "events: start after this cursor (as printed last); default the oldest kept, "
                                   "or now with --follow");
ABSL_FLAG(bool, follow, false, "events: keep printing new events until interrupted");
ABSL_FLAG(int, weeks, 0, "progress: only the newest N weeks (0: every week)");
ABSL_FLAG(std::string, request_id, "",
          "idempotency key of a write; by default derived from what is sent, so running the same "
          "command again is a safe retry");

namespace {

namespace v1 = osteoflow::progress::v1;

constexpr char kUsage[] =
    "osteoflow COMMAND [flags]\n"
    "  enrol    --intake=FILE --preferences=FILE --start=YYYY-MM-DD\n"
    "  plan     --program=NAME          the current week, day by day\n"
    "  log      --program=NAME --session=FILE\n"
    "  simulate-week --program=NAME [--strength_reps=N] [--first_load_kg=KG]\n"
    "           logs each planned day of the current week up to today as done as planned,\n"
    "           weights at the load planned (or KG before one is), bands at theirs (or medium)\n"
    "  measure  --program=NAME --measurement=FILE\n"
    "  progress --program=NAME [--weeks=N]   N: only the newest N weeks\n"
    "  advance  --program=NAME\n"
    "  resume   --program=NAME --cleared_by=ID [--note=TEXT]\n"
    "  events   [--patient=ID] [--types=T,...] [--cursor=C] [--follow]\n"
    "           the event feed, one line an event; the last cursor goes to stderr\n"
    "  health                           every service's liveness and readiness\n"
    "Exit codes: 0 done, 1 the service refused or failed, 2 bad usage or input file.";

int Fail(const std::string& message, int code = 1) {
  std::fprintf(stderr, "osteoflow: %s\n", message.c_str());
  return code;
}

std::string Required(const char* name, const std::string& value) {
  if (value.empty()) osteoflow::ExitInvalidSetting(name, "required for this command");
  return value;
}

// A request id that is the same whenever the same thing is sent.
std::string ContentId(absl::string_view what, const google::protobuf::Message& message) {
  return absl::StrCat(what, "-", absl::BytesToHexString(osteoflow::Sha256(message.SerializeAsString())).substr(0, 24));
}

// The --request_id given, or else the content's.
std::string DerivedId(absl::string_view what, const google::protobuf::Message& message) {
  const std::string given = absl::GetFlag(FLAGS_request_id);
  return given.empty() ? ContentId(what, message) : given;
}

void PrintLogged(const v1::SessionLog& log) {
  std::printf("logged %s (week %d, %s)\n", log.name().c_str(), log.week_index(), log.date().c_str());
  for (const v1::Alert& alert : log.alerts()) {
    std::printf("  %s (%s): %s\n", v1::AlertKind_Name(alert.kind()).c_str(), alert.rule().rule_id().c_str(),
                alert.message().c_str());
  }
}

class Client {
 public:
  Client()
      : stub_(v1::ProgressService::NewStub(
            osteoflow::tools::MakeChannel(absl::GetFlag(FLAGS_progress), {}))) {}

  v1::ProgressService::Stub& stub() { return *stub_; }

  template <typename Request, typename Response, typename Method>
  grpc::Status Call(Method method, const Request& request, Response* response) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_deadline)));
    return ((*stub_).*method)(&context, request, response);
  }

 private:
  std::unique_ptr<v1::ProgressService::Stub> stub_;
};

// The service's refusal, and for bad input in a file the line it points at.
int Refused(const grpc::Status& status, const std::string& file = "", const std::string& text = "") {
  std::string message = absl::StrCat(status.error_code(), " ", status.error_message());
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT && !file.empty()) {
    const std::string& why = status.error_message();
    const std::string field = why.substr(0, why.find(':'));
    if (const int line = osteoflow::tools::LineOfField(text, field); line > 0) {
      message = absl::StrCat(file, ": line ", line, ": ", why);
    }
  }
  return Fail(message);
}

std::string FileText(const std::string& path) {
  std::string text;
  if (FILE* file = std::fopen(path.c_str(), "rb")) {
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof(buffer), file)) > 0;) text.append(buffer, n);
    std::fclose(file);
  }
  return text;
}

void PrintProgram(const v1::Program& program) {
  std::printf("%s  %s, week %d\n", program.name().c_str(), v1::ProgramState_Name(program.state()).c_str(),
              program.week_index());
  for (const v1::Referral& referral : program.referrals()) {
    std::printf("  referral %s (%s): %s%s\n", referral.rule().rule_id().c_str(),
                osteoflow::screening::v1::ReferralTarget_Name(referral.refer_to()).c_str(),
                referral.reason().c_str(), referral.resolved() ? " [resolved]" : "");
  }
  for (const v1::Alert& reason : program.rescreen_reasons()) {
    std::printf("  screen again (%s): %s\n", reason.rule().rule_id().c_str(), reason.message().c_str());
  }
  if (program.has_current_plan()) std::printf("\n%s", osteoflow::tools::PlanTable(program.current_plan()).c_str());
}

void PrintProgress(const v1::ProgressReport& report) {
  for (const v1::WeekProgress& week : report.weeks()) {
    std::printf("Week %d from %s: %d sessions logged, pain mean %.1f max %d, effort %.1f, long soreness %d\n",
                week.week_index(), week.start_date().c_str(), week.sessions_logged(), week.mean_pain(),
                week.max_pain(), week.mean_effort(), week.long_soreness_sessions());
    for (const v1::ComponentAdherence& adherence : week.adherence()) {
      std::printf("  %-40s items %d/%d  minutes %d/%d  impacts %d/%d\n",
                  osteoflow::scheduling::v1::Component_Name(adherence.component()).c_str(), adherence.done_items(),
                  adherence.planned_items(), adherence.done_minutes(), adherence.planned_minutes(),
                  adherence.done_impacts(), adherence.planned_impacts());
    }
  }
  std::printf("\nDecisions\n");
  for (const v1::ProgressionDecision& decision : report.decisions()) {
    std::string rules;
    for (const auto& rule : decision.rules()) absl::StrAppend(&rules, rules.empty() ? "" : " ", rule.rule_id());
    std::printf("  week %d  %-34s %-28s %s: %s\n", decision.week_index(), decision.exercise().c_str(),
                v1::ProgressionChange_Name(decision.change()).c_str(), rules.c_str(), decision.reason().c_str());
  }
  std::printf("\nAlerts\n");
  for (const v1::Alert& alert : report.alerts()) {
    std::printf("  %s %s (%s): %s\n", alert.date().c_str(), v1::AlertKind_Name(alert.kind()).c_str(),
                alert.rule().rule_id().c_str(), alert.message().c_str());
  }
  for (const v1::BoneDensityPoint& point : report.bone_density()) {
    std::printf("  DXA %s %s T %s\n", point.date().c_str(),
                osteoflow::screening::v1::SkeletalSite_Name(point.site()).c_str(),
                point.has_t_score() ? absl::StrFormat("%.1f", point.t_score()).c_str() : "-");
  }
}

int Health() {
  int worst = 0;
  const std::vector<std::pair<std::string, std::string>> services = {
      {absl::GetFlag(FLAGS_catalog), "osteoflow.catalog.v1.CatalogService"},
      {absl::GetFlag(FLAGS_screening), "osteoflow.screening.v1.ScreeningService"},
      {absl::GetFlag(FLAGS_scheduling), "osteoflow.scheduling.v1.SchedulingService"},
      {absl::GetFlag(FLAGS_progress), "osteoflow.progress.v1.ProgressService"}};
  for (const auto& [target, service] : services) {
    osteoflow::tools::HealthProbe probe(target);
    const auto live = probe.Check("", absl::Seconds(2), false);
    const auto ready = probe.Check(service, absl::Seconds(2), false);
    std::printf("%-44s %-16s liveness %-12s readiness %s\n", service.c_str(), target.c_str(), live.word.c_str(),
                ready.word.c_str());
    if (ready.outcome != osteoflow::tools::HealthOutcome::kServing) worst = 1;
  }
  return worst;
}

}  // namespace

// The feed from a cursor: pages to its end, or with --follow a watch that
// reconnects from the last cursor it got until interrupted.
int Events(Client& client) {
  std::string patient = absl::GetFlag(FLAGS_patient);
  if (!patient.empty()) patient = absl::StrCat("patients/", patient);
  std::vector<std::string> types;
  for (const std::string& type : absl::GetFlag(FLAGS_types)) {
    types.push_back(absl::StartsWith(type, "org.") ? type : absl::StrCat("org.osteoflow.progress.", type, ".v1"));
  }
  std::string cursor = absl::GetFlag(FLAGS_cursor);
  const auto print = [&](const v1::FeedEvent& event) {
    cursor = event.cursor();
    const std::string line = osteoflow::tools::EventLine(event);
    if (!line.empty()) std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  if (!absl::GetFlag(FLAGS_follow)) {
    v1::ListEventsRequest request;
    request.set_patient(patient);
    *request.mutable_types() = {types.begin(), types.end()};
    request.set_page_token(cursor);
    while (true) {
      v1::ListEventsResponse response;
      const grpc::Status status = client.Call(&v1::ProgressService::Stub::ListEvents, request, &response);
      if (!status.ok()) return Refused(status);
      for (const v1::FeedEvent& event : response.events()) print(event);
      cursor = response.next_page_token();
      if (response.events().empty()) break;
      request.set_page_token(cursor);
    }
    std::fprintf(stderr, "cursor: %s\n", cursor.c_str());
    return 0;
  }
  while (true) {
    grpc::ClientContext context;
    context.set_wait_for_ready(true);
    v1::WatchEventsRequest request;
    request.set_patient(patient);
    *request.mutable_types() = {types.begin(), types.end()};
    request.set_cursor(cursor);
    auto reader = client.stub().WatchEvents(&context, request);
    v1::FeedEvent event;
    while (reader->Read(&event)) print(event);
    const grpc::Status status = reader->Finish();
    const grpc::StatusCode code = status.error_code();
    if (code != grpc::StatusCode::UNAVAILABLE && code != grpc::StatusCode::OK &&
        code != grpc::StatusCode::DEADLINE_EXCEEDED) {
      return Refused(status);
    }
    std::fprintf(stderr, "cursor: %s (reconnecting)\n", cursor.c_str());
    absl::SleepFor(absl::Seconds(1));
  }
}

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() != 2) return Fail(kUsage, 2);
  const std::string command = positional[1];
  Client client;

  if (command == "health") return Health();
  if (command == "events") return Events(client);
  if (command == "enrol") {
    v1::EnrollRequest request;
    const std::string intake = Required("intake", absl::GetFlag(FLAGS_intake));
    if (absl::Status read = osteoflow::tools::ReadJsonFile(intake, request.mutable_intake()); !read.ok()) {
      return Fail(std::string(read.message()), 2);
    }
    const std::string preferences = Required("preferences", absl::GetFlag(FLAGS_preferences));
    if (absl::Status read = osteoflow::tools::ReadJsonFile(preferences, request.mutable_preferences()); !read.ok()) {
      return Fail(std::string(read.message()), 2);
    }
    request.set_start_date(Required("start", absl::GetFlag(FLAGS_start)));
    request.set_request_id(DerivedId("enrol", request));
    v1::Program program;
    const grpc::Status status = client.Call(&v1::ProgressService::Stub::Enroll, request, &program);
    if (!status.ok()) return Refused(status, intake, FileText(intake));
    PrintProgram(program);
    return 0;
  }
  const std::string name = Required("program", absl::GetFlag(FLAGS_program));
  const auto load = [&](v1::Program* program) {
    v1::GetProgramRequest request;
    request.set_name(name);
    return client.Call(&v1::ProgressService::Stub::GetProgram, request, program);
  };
  if (command == "plan") {
    v1::Program program;
    if (const grpc::Status status = load(&program); !status.ok()) return Refused(status);
    PrintProgram(program);
    return 0;
  }
  if (command == "log") {
    v1::LogSessionRequest request;
    request.set_program(name);
    const std::string file = Required("session", absl::GetFlag(FLAGS_session));
    if (absl::Status read = osteoflow::tools::ReadJsonFile(file, request.mutable_session()); !read.ok()) {
      return Fail(std::string(read.message()), 2);
    }
    request.set_request_id(DerivedId("log", request));
    v1::SessionLog log;
    const grpc::Status status = client.Call(&v1::ProgressService::Stub::LogSession, request, &log);
    if (!status.ok()) return Refused(status, file, FileText(file));
    PrintLogged(log);
    return 0;
  }
  if (command == "simulate-week") {
    const int reps = absl::GetFlag(FLAGS_strength_reps);
    if (reps < 0 || reps > 100) osteoflow::ExitInvalidSetting("strength_reps", "must be 0..100");
    osteoflow::tools::FirstLoads first;
    first.kilograms = absl::GetFlag(FLAGS_first_load_kg);
    if (!(first.kilograms > 0 && first.kilograms <= 500)) {
      osteoflow::ExitInvalidSetting("first_load_kg", "must be above 0, at most 500");
    }
    v1::Program program;
    grpc::Status status = load(&program);
    if (!status.ok()) return Refused(status);
    if (!program.has_current_plan()) return Fail(absl::StrCat(name, ": no current plan (", v1::ProgramState_Name(program.state()), ")"));
    const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
    const std::vector<v1::SessionLog> sessions =
        osteoflow::tools::SessionsAsPlanned(program.current_plan(), reps, first, today);
    if (sessions.empty()) std::printf("nothing to log yet: no planned day of this week is past\n");
    for (const v1::SessionLog& session : sessions) {
      v1::LogSessionRequest request;
      request.set_program(name);
      *request.mutable_session() = session;
      // Per day, from what is sent: running the command again is a retry.
      request.set_request_id(ContentId("log", request));
      v1::SessionLog log;
      status = client.Call(&v1::ProgressService::Stub::LogSession, request, &log);
      if (!status.ok()) return Refused(status);
      PrintLogged(log);
    }
    return 0;
  }
  if (command == "measure") {
    v1::RecordMeasurementRequest request;
    request.set_program(name);
    const std::string file = Required("measurement", absl::GetFlag(FLAGS_measurement));
    if (absl::Status read = osteoflow::tools::ReadJsonFile(file, request.mutable_measurement()); !read.ok()) {
      return Fail(std::string(read.message()), 2);
    }
    request.set_request_id(DerivedId("measure", request));
    v1::Measurement measurement;
    const grpc::Status status = client.Call(&v1::ProgressService::Stub::RecordMeasurement, request, &measurement);
    if (!status.ok()) return Refused(status, file, FileText(file));
    std::printf("recorded %s\n", measurement.name().c_str());
    for (const v1::Alert& alert : measurement.alerts()) {
      std::printf("  %s (%s): %s\n", v1::AlertKind_Name(alert.kind()).c_str(), alert.rule().rule_id().c_str(),
                  alert.message().c_str());
    }
    return 0;
  }
  if (command == "progress") {
    v1::GetProgressRequest request;
    request.set_program(name);
    request.set_page_size(absl::GetFlag(FLAGS_weeks));
    v1::ProgressReport report;
    const grpc::Status status = client.Call(&v1::ProgressService::Stub::GetProgress, request, &report);
    if (!status.ok()) return Refused(status);
    PrintProgress(report);
    return 0;
  }
  if (command == "advance") {
    // By default one advance per week: running it again for the same week is a retry.
    v1::Program current;
    grpc::Status status = load(&current);
    if (!status.ok()) return Refused(status);
    v1::AdvanceWeekRequest request;
    request.set_program(name);
    const std::string given = absl::GetFlag(FLAGS_request_id);
    request.set_request_id(given.empty() ? absl::StrCat("advance-week-", current.week_index()) : given);
    v1::Program program;
    status = client.Call(&v1::ProgressService::Stub::AdvanceWeek, request, &program);
    if (!status.ok()) return Refused(status);
    PrintProgram(program);
    return 0;
  }
  if (command == "resume") {
    v1::ResumeProgramRequest request;
    request.set_program(name);
    request.set_cleared_by(Required("cleared_by", absl::GetFlag(FLAGS_cleared_by)));
    request.set_note(absl::GetFlag(FLAGS_note));
    const int64_t now = absl::ToUnixSeconds(absl::Now());
    request.mutable_clear_time()->set_seconds(now);
    request.set_request_id(DerivedId("resume", request));
    v1::Program program;
    const grpc::Status status = client.Call(&v1::ProgressService::Stub::ResumeProgram, request, &program);
    if (!status.ok()) return Refused(status);
    PrintProgram(program);
    return 0;
  }
  return Fail(absl::StrCat("unknown command ", command, "\n", kUsage), 2);
}
