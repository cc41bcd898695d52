// Who may call what, on the real suite with TLS and bearer tokens on: every
// method of the four services against every role (and no token), each cell
// the exact status; bad tokens refused; the whole pipeline (enrol, log,
// advance) working through mutual TLS with the caller carried to the peers;
// one audit line per call to patient data, with no health data in it.
#include <signal.h>

#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "osteoflow/catalog/v1/catalog_service.pb.h"
#include "osteoflow/progress/v1/progress_service.grpc.pb.h"
#include "osteoflow/scheduling/v1/scheduling_service.pb.h"
#include "osteoflow/screening/v1/screening_service.pb.h"
#include "tests/support/catalog_server.h"
#include "tests/support/progress_server.h"
#include "tests/support/raw_call.h"
#include "tests/support/redis_server.h"
#include "tests/support/scheduling_server.h"
#include "tests/support/screening_server.h"
#include "tests/support/test_certificates.h"
#include "tests/support/test_tokens.h"

namespace osteoflow {
namespace {

namespace catalog_v1 = osteoflow::catalog::v1;
namespace progress_v1 = osteoflow::progress::v1;
namespace scheduling_v1 = osteoflow::scheduling::v1;
namespace screening_v1 = osteoflow::screening::v1;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kOtherPatient[] = "someone-else";
constexpr char kNotes[] = "felt dizzy on the stairs";

enum class Who { kClinician, kService, kOwnPatientApp, kOtherPatientApp, kOperator, kNobody };
const std::vector<std::pair<Who, const char*>> kEveryone = {
    {Who::kClinician, "clinician"},          {Who::kService, "service"},
    {Who::kOwnPatientApp, "own patient app"}, {Who::kOtherPatientApp, "another patient's app"},
    {Who::kOperator, "operator"},             {Who::kNobody, "no token"}};

struct Suite {
  testing::TestCertificates certificates;
  std::optional<testing::TestTokenIssuer> issuer;
  std::unique_ptr<testing::RedisServer> store;
  std::unique_ptr<testing::RedisServer> cache;
  std::unique_ptr<testing::ServiceProcess> catalog, screening, scheduling, progress;
  std::shared_ptr<grpc::Channel> catalog_channel, screening_channel, scheduling_channel, progress_channel;
  std::string patient;
  progress_v1::Program program;
};
Suite* suite = nullptr;

std::vector<std::string> SecureArgs(const Suite& s) {
  std::vector<std::string> args = testing::TlsArgs(s.certificates, s.certificates.service);
  for (const std::string& arg :
       {std::string("--auth=jwt"), "--jwt_public_key_files=" + s.issuer->public_key_file(),
        std::string("--jwt_issuer=") + testing::kTestIssuer, std::string("--jwt_audience=") + testing::kTestAudience,
        std::string("--service_identities=") + testing::kTestServiceName}) {
    args.push_back(arg);
  }
  return args;
}

// A platform team's client: its own certificate from the CA, not one of ours.
std::shared_ptr<grpc::Channel> ClientChannel(const Suite& s, const std::string& address) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = s.certificates.ca_pem;
  options.pem_cert_chain = s.certificates.client.cert_pem;
  options.pem_private_key = s.certificates.client.key_pem;
  return grpc::CreateChannel(address, grpc::SslCredentials(options));
}

std::string TokenFor(Who who) {
  testing::TokenClaims claims;
  switch (who) {
    case Who::kClinician: claims.subject = "clinician-1"; claims.role = "clinician"; break;
    case Who::kService: claims.subject = "platform-svc"; claims.role = "service"; break;
    case Who::kOwnPatientApp: claims.subject = "app-1"; claims.role = "patient_app"; claims.patient_id = suite->patient; break;
    case Who::kOtherPatientApp: claims.subject = "app-2"; claims.role = "patient_app"; claims.patient_id = kOtherPatient; break;
    case Who::kOperator: claims.subject = "ops-1"; claims.role = "operator"; break;
    case Who::kNobody: return "";
  }
  return suite->issuer->Sign(claims);
}

grpc::Status Call(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                  const google::protobuf::Message& request, const std::string& token,
                  google::protobuf::Message* response = nullptr) {
  grpc::GenericStub stub(channel);
  std::string bytes;
  const grpc::Status status =
      testing::CallRawBytes(stub, method, request.SerializeAsString(), &bytes, absl::Seconds(15), token);
  if (status.ok() && response != nullptr) response->ParseFromString(bytes);
  return status;
}

// Whether one line of a JSON log holds every one of `parts` (keys come in any order).
bool HasLineWith(const std::string& log, const std::vector<std::string>& parts) {
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    bool all = true;
    for (const std::string& part : parts) all = all && line.find(part) != std::string::npos;
    if (all) return true;
  }
  return false;
}

scheduling_v1::Preferences Preferences() {
  scheduling_v1::Preferences preferences;
  const std::string path = std::string(OSTEOFLOW_SOURCE_DIR) + "/samples/preferences/osteopenia-no-fractures.json";
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(testing::ReadFile(path), &preferences).ok());
  return preferences;
}

class AccessMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    suite = new Suite;
    auto certificates = testing::MakeTestCertificates();
    ASSERT_TRUE(certificates.ok()) << certificates.status();
    suite->certificates = *std::move(certificates);
    auto issuer = testing::TestTokenIssuer::Create();
    ASSERT_TRUE(issuer.ok()) << issuer.status();
    suite->issuer.emplace(*std::move(issuer));
    auto store = testing::RedisServer::Start({.durable = true});
    ASSERT_TRUE(store.ok()) << store.status();
    suite->store = *std::move(store);
    auto cache = testing::RedisServer::Start();
    ASSERT_TRUE(cache.ok()) << cache.status();
    suite->cache = *std::move(cache);
    const std::vector<std::string> args = SecureArgs(*suite);
    auto catalog = testing::StartCatalogServer(args);
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    suite->catalog = *std::move(catalog);
    auto screening = testing::StartScreeningServer(suite->store->port(), args);
    ASSERT_TRUE(screening.ok()) << screening.status();
    suite->screening = *std::move(screening);
    auto scheduling = testing::StartSchedulingServer(suite->catalog->address(), suite->screening->address(),
                                                     suite->cache->port(), args);
    ASSERT_TRUE(scheduling.ok()) << scheduling.status();
    suite->scheduling = *std::move(scheduling);
    auto progress = testing::StartProgressServer(suite->store->port(), suite->screening->address(),
                                                 suite->scheduling->address(), args);
    ASSERT_TRUE(progress.ok()) << progress.status();
    suite->progress = *std::move(progress);
    suite->catalog_channel = ClientChannel(*suite, suite->catalog->address());
    suite->screening_channel = ClientChannel(*suite, suite->screening->address());
    suite->scheduling_channel = ClientChannel(*suite, suite->scheduling->address());
    suite->progress_channel = ClientChannel(*suite, suite->progress->address());

    // The pipeline with security on: a patient's app enrols its own patient
    // (progress screens and plans through mutual TLS, carrying the app's token).
    auto intake = testing::LoadSampleIntake("osteopenia-no-fractures.json");
    ASSERT_TRUE(intake.ok()) << intake.status();
    suite->patient = intake->patient_id();
    progress_v1::EnrollRequest enrol;
    enrol.set_request_id("matrix-enrol");
    *enrol.mutable_intake() = *intake;
    *enrol.mutable_preferences() = Preferences();
    enrol.set_start_date("2026-11-23");
    grpc::Status status;
    for (int i = 0; i < 100; ++i) {  // until scheduling holds the catalog
      status = Call(suite->progress_channel, "/osteoflow.progress.v1.ProgressService/Enroll", enrol,
                    TokenFor(Who::kOwnPatientApp), &suite->program);
      if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(suite->program.state(), progress_v1::PROGRAM_STATE_ACTIVE);
  }

  static void TearDownTestSuite() {
    delete suite;
    suite = nullptr;
  }
};

struct MethodCase {
  std::string method;
  std::shared_ptr<grpc::Channel> channel;
  std::function<std::unique_ptr<google::protobuf::Message>()> request;
  // The status an admitted caller gets.
  grpc::StatusCode admitted = grpc::StatusCode::OK;
  std::vector<Who> allowed;
};

std::vector<MethodCase> EveryMethod() {
  const Suite& s = *suite;
  const std::string patient = s.patient;
  const std::string program = s.program.name();
  const std::vector<Who> anyone = {Who::kClinician, Who::kService, Who::kOwnPatientApp, Who::kOtherPatientApp,
                                   Who::kOperator};
  const std::vector<Who> patient_data = {Who::kClinician, Who::kService, Who::kOwnPatientApp};
  auto intake = testing::LoadSampleIntake("osteopenia-no-fractures.json");
  const screening_v1::Intake the_intake = intake.ok() ? *intake : screening_v1::Intake();
  std::vector<MethodCase> cases;
  const auto add = [&](const std::string& service, const std::string& method,
                       const std::shared_ptr<grpc::Channel>& channel, auto make, std::vector<Who> allowed,
                       grpc::StatusCode admitted = grpc::StatusCode::OK) {
    cases.push_back({"/" + service + "/" + method, channel,
                     [make] { return std::unique_ptr<google::protobuf::Message>(make()); }, admitted, allowed});
  };
  const std::string catalog = "osteoflow.catalog.v1.CatalogService";
  add(catalog, "GetExercise", s.catalog_channel, [] {
    auto* r = new catalog_v1::GetExerciseRequest;
    r->set_name("exercises/brisk-walking");
    return r;
  }, anyone);
  add(catalog, "ListExercises", s.catalog_channel, [] { return new catalog_v1::ListExercisesRequest; }, anyone);
  add(catalog, "GetCatalogInfo", s.catalog_channel, [] { return new catalog_v1::GetCatalogInfoRequest; }, anyone);
  add(catalog, "EvaluateActivity", s.catalog_channel, [&s] {
    auto* r = new catalog_v1::EvaluateActivityRequest;
    *r->mutable_restrictions() = s.program.screening_result().restrictions();
    r->set_exercise("exercises/brisk-walking");
    return r;
  }, anyone);
  add(catalog, "GetCatalogDocument", s.catalog_channel, [] { return new catalog_v1::GetCatalogDocumentRequest; },
      {Who::kClinician, Who::kService, Who::kOperator});

  const std::string screening = "osteoflow.screening.v1.ScreeningService";
  add(screening, "Screen", s.screening_channel, [the_intake] {
    auto* r = new screening_v1::ScreenRequest;
    r->set_request_id("matrix-screen");
    *r->mutable_intake() = the_intake;
    return r;
  }, patient_data);
  add(screening, "GetScreening", s.screening_channel, [&s] {
    auto* r = new screening_v1::GetScreeningRequest;
    r->set_name(s.program.screening());
    return r;
  }, patient_data);
  add(screening, "ListScreenings", s.screening_channel, [patient] {
    auto* r = new screening_v1::ListScreeningsRequest;
    r->set_parent("patients/" + patient);
    return r;
  }, patient_data);
  add(screening, "ValidateIntake", s.screening_channel, [the_intake] {
    auto* r = new screening_v1::ValidateIntakeRequest;
    *r->mutable_intake() = the_intake;
    return r;
  }, patient_data);

  const std::string scheduling = "osteoflow.scheduling.v1.SchedulingService";
  add(scheduling, "BuildWeeklyPlan", s.scheduling_channel, [&s] {
    auto* r = new scheduling_v1::BuildWeeklyPlanRequest;
    r->set_screening(s.program.screening());  // read from screening, as the caller
    *r->mutable_preferences() = s.program.preferences();
    r->set_week_start_date("2026-11-23");
    r->set_week_index(1);
    return r;
  }, patient_data);
  add(scheduling, "GetWeeklyPlan", s.scheduling_channel, [&s] {
    auto* r = new scheduling_v1::GetWeeklyPlanRequest;
    r->set_name(s.program.current_plan().name());
    return r;
  }, {Who::kClinician, Who::kService});

  const std::string progress = "osteoflow.progress.v1.ProgressService";
  add(progress, "Enroll", s.progress_channel, [the_intake, &s] {
    auto* r = new progress_v1::EnrollRequest;
    r->set_request_id("matrix-enrol");
    *r->mutable_intake() = the_intake;
    *r->mutable_preferences() = s.program.preferences();
    r->set_start_date("2026-11-23");
    return r;
  }, patient_data);
  add(progress, "GetProgram", s.progress_channel, [program] {
    auto* r = new progress_v1::GetProgramRequest;
    r->set_name(program);
    return r;
  }, patient_data);
  add(progress, "ListPrograms", s.progress_channel, [patient] {
    auto* r = new progress_v1::ListProgramsRequest;
    r->set_parent("patients/" + patient);
    return r;
  }, patient_data);
  add(progress, "LogSession", s.progress_channel, [program] {
    auto* r = new progress_v1::LogSessionRequest;
    r->set_program(program);
    r->set_request_id("matrix-log");
    r->mutable_session()->set_date("2026-11-24");
    r->mutable_session()->set_notes(kNotes);
    return r;
  }, patient_data);
  add(progress, "RecordMeasurement", s.progress_channel, [program] {
    auto* r = new progress_v1::RecordMeasurementRequest;
    r->set_program(program);
    r->set_request_id("matrix-measure");
    r->mutable_measurement()->set_date("2026-11-24");
    r->mutable_measurement()->set_weight_kg(61.5);
    return r;
  }, patient_data);
  add(progress, "GetProgress", s.progress_channel, [program] {
    auto* r = new progress_v1::GetProgressRequest;
    r->set_program(program);
    return r;
  }, patient_data);
  // The programme is active: a clearance has nothing to resume.
  add(progress, "ResumeProgram", s.progress_channel, [program] {
    auto* r = new progress_v1::ResumeProgramRequest;
    r->set_program(program);
    r->set_request_id("matrix-resume");
    r->set_cleared_by("clinician-1");
    r->mutable_clear_time()->set_seconds(1795300000);
    return r;
  }, {Who::kClinician}, grpc::StatusCode::FAILED_PRECONDITION);
  // The event feed: one patient's for that patient's app too; everyone's
  // for the roles that see all patients.
  const std::vector<Who> feed = {Who::kClinician, Who::kService, Who::kOperator};
  std::vector<Who> own_feed = feed;
  own_feed.push_back(Who::kOwnPatientApp);
  add(progress, "ListEvents", s.progress_channel, [patient] {
    auto* r = new progress_v1::ListEventsRequest;
    r->set_patient("patients/" + patient);
    return r;
  }, own_feed);
  add(progress, "ListEvents", s.progress_channel, [] { return new progress_v1::ListEventsRequest; }, feed);
  // Last: it moves the programme on (the same request_id for everyone).
  add(progress, "AdvanceWeek", s.progress_channel, [program] {
    auto* r = new progress_v1::AdvanceWeekRequest;
    r->set_program(program);
    r->set_request_id("matrix-advance");
    return r;
  }, patient_data);
  return cases;
}

TEST_F(AccessMatrixTest, EveryMethodAgainstEveryRoleGetsExactlyItsCell) {
  const std::vector<MethodCase> cases = EveryMethod();
  // WatchEvents, streaming, has a test of its own below.
  ASSERT_EQ(cases.size(), 21u) << "every unary method of the four services (ListEvents twice)";
  for (const MethodCase& method : cases) {
    for (const auto& [who, name] : kEveryone) {
      const bool allowed = std::find(method.allowed.begin(), method.allowed.end(), who) != method.allowed.end();
      const grpc::StatusCode expected = who == Who::kNobody ? grpc::StatusCode::UNAUTHENTICATED
                                        : allowed           ? method.admitted
                                                            : grpc::StatusCode::PERMISSION_DENIED;
      const grpc::Status status = Call(method.channel, method.method, *method.request(), TokenFor(who));
      EXPECT_EQ(status.error_code(), expected)
          << method.method << " as " << name << ": " << status.error_message();
    }
  }
}

TEST_F(AccessMatrixTest, WatchEventsAdmitsAsListEventsDoes) {
  auto stub = progress_v1::ProgressService::NewStub(suite->progress_channel);
  const auto watch = [&](Who who, const std::string& patient) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(500)));
    if (who != Who::kNobody) context.AddMetadata("authorization", "Bearer " + TokenFor(who));
    progress_v1::WatchEventsRequest request;
    if (!patient.empty()) request.set_patient("patients/" + patient);
    auto reader = stub->WatchEvents(&context, request);
    progress_v1::FeedEvent event;
    while (reader->Read(&event)) {
    }
    const grpc::StatusCode code = reader->Finish().error_code();
    // An admitted watch runs until its deadline, and ends OK or
    // DEADLINE_EXCEEDED by which side sees the deadline first.
    return code == grpc::StatusCode::DEADLINE_EXCEEDED ? grpc::StatusCode::OK : code;
  };
  const grpc::StatusCode admitted = grpc::StatusCode::OK;
  for (const auto& [who, name] : kEveryone) {
    const grpc::StatusCode own = who == Who::kNobody           ? grpc::StatusCode::UNAUTHENTICATED
                                 : who == Who::kOtherPatientApp ? grpc::StatusCode::PERMISSION_DENIED
                                                                : admitted;
    EXPECT_EQ(watch(who, suite->patient), own) << "one patient's feed as " << name;
    const grpc::StatusCode all = who == Who::kNobody ? grpc::StatusCode::UNAUTHENTICATED
                                 : who == Who::kOwnPatientApp || who == Who::kOtherPatientApp
                                     ? grpc::StatusCode::PERMISSION_DENIED
                                     : admitted;
    EXPECT_EQ(watch(who, ""), all) << "everyone's feed as " << name;
  }
}

TEST_F(AccessMatrixTest, APatientAppCannotPlanFromAResultItMadeUp) {
  // Directly, an inline screening result is refused to a patient app (it
  // could say "proceed" over a referral); through progress, which made the
  // result from the stored screening, the same app's enrolment planned fine.
  scheduling_v1::BuildWeeklyPlanRequest request;
  screening_v1::ScreeningResult* made_up = request.mutable_screening_result();
  *made_up = suite->program.screening_result();
  made_up->set_outcome(screening_v1::OUTCOME_PROCEED);
  made_up->clear_red_flags();
  request.set_patient_id(suite->patient);
  *request.mutable_preferences() = suite->program.preferences();
  request.set_week_start_date("2026-11-23");
  request.set_week_index(1);
  const std::string method = "/osteoflow.scheduling.v1.SchedulingService/BuildWeeklyPlan";
  const grpc::Status app = Call(suite->scheduling_channel, method, request, TokenFor(Who::kOwnPatientApp));
  EXPECT_EQ(app.error_code(), grpc::StatusCode::PERMISSION_DENIED) << app.error_message();
  EXPECT_THAT(app.error_message(), HasSubstr("screening_result"));
  EXPECT_TRUE(Call(suite->scheduling_channel, method, request, TokenFor(Who::kClinician)).ok());
}

TEST_F(AccessMatrixTest, AServiceCertificateAloneReachesReferenceDataButNoPatientRecords) {
  // A client holding one of our services' certificates, without a token.
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = suite->certificates.ca_pem;
  options.pem_cert_chain = suite->certificates.service.cert_pem;
  options.pem_private_key = suite->certificates.service.key_pem;
  const auto as_service = [&](const std::string& address) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(address, grpc::SslCredentials(options), args);
  };
  EXPECT_TRUE(Call(as_service(suite->catalog->address()), "/osteoflow.catalog.v1.CatalogService/GetCatalogInfo",
                   catalog_v1::GetCatalogInfoRequest(), "")
                  .ok());
  progress_v1::GetProgramRequest get;
  get.set_name(suite->program.name());
  const grpc::Status records =
      Call(as_service(suite->progress->address()), "/osteoflow.progress.v1.ProgressService/GetProgram", get, "");
  EXPECT_EQ(records.error_code(), grpc::StatusCode::PERMISSION_DENIED) << records.error_message();
}

TEST_F(AccessMatrixTest, ExpiredForeignUnsignedAndTamperedTokensAreRefused) {
  testing::TokenClaims claims;
  claims.role = "clinician";
  std::vector<std::pair<std::string, std::string>> bad;
  testing::TokenClaims expired = claims;
  expired.expires_in = -absl::Minutes(10);
  bad.emplace_back("expired", suite->issuer->Sign(expired));
  testing::TokenClaims audience = claims;
  audience.audience = {"another-api"};
  bad.emplace_back("wrong audience", suite->issuer->Sign(audience));
  testing::TokenClaims issuer = claims;
  issuer.issuer = "https://elsewhere.test";
  bad.emplace_back("wrong issuer", suite->issuer->Sign(issuer));
  bad.emplace_back("alg none", testing::UnsignedToken(claims));
  bad.emplace_back("HS256 with the public key", testing::HmacToken(claims, suite->issuer->public_key_pem()));
  testing::TokenClaims app = claims;
  app.role = "patient_app";
  app.patient_id = kOtherPatient;
  bad.emplace_back("tampered", testing::Tampered(suite->issuer->Sign(app)));
  progress_v1::GetProgramRequest get;
  get.set_name(suite->program.name());
  for (const auto& [what, token] : bad) {
    const grpc::Status status = Call(suite->progress_channel, "/osteoflow.progress.v1.ProgressService/GetProgram",
                                     get, token);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << what << ": " << status.error_message();
  }
}

TEST_F(AccessMatrixTest, TheWholeWeekWorksWithSecurityOnAndEveryAccessIsAuditedWithoutHealthData) {
  // The app logs a session and a clinician advances the week (new ids).
  progress_v1::LogSessionRequest log;
  log.set_program(suite->program.name());
  log.set_request_id("pipeline-log");
  progress_v1::Program current;
  progress_v1::GetProgramRequest get;
  get.set_name(suite->program.name());
  ASSERT_TRUE(Call(suite->progress_channel, "/osteoflow.progress.v1.ProgressService/GetProgram", get,
                   TokenFor(Who::kOwnPatientApp), &current)
                  .ok());
  log.mutable_session()->set_date(current.current_plan().days(0).date());
  log.mutable_session()->set_notes(kNotes);
  EXPECT_TRUE(Call(suite->progress_channel, "/osteoflow.progress.v1.ProgressService/LogSession", log,
                   TokenFor(Who::kOwnPatientApp))
                  .ok());
  progress_v1::AdvanceWeekRequest advance;
  advance.set_program(suite->program.name());
  advance.set_request_id("pipeline-advance");
  progress_v1::Program next;
  const grpc::Status advanced = Call(suite->progress_channel, "/osteoflow.progress.v1.ProgressService/AdvanceWeek",
                                     advance, TokenFor(Who::kClinician), &next);
  ASSERT_TRUE(advanced.ok()) << advanced.error_message();
  EXPECT_EQ(next.week_index(), current.week_index() + 1);

  // And two refusals, which are audited too.
  EXPECT_EQ(Call(suite->progress_channel, "/osteoflow.progress.v1.ProgressService/GetProgram", get,
                 TokenFor(Who::kOtherPatientApp))
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(suite->progress_channel, "/osteoflow.progress.v1.ProgressService/GetProgram", get, "").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // Our own tools carry a token from a file, over TLS.
  const std::string token_file = testing::NewTempPath("token");
  std::ofstream(token_file) << TokenFor(Who::kOwnPatientApp) << "\n";
  std::vector<std::string> call = {"--target=" + suite->progress->address(),
                                   "--method=osteoflow.progress.v1.ProgressService/GetProgram",
                                   "--request_json={\"name\":\"" + suite->program.name() + "\"}",
                                   "--tls_ca_file=" + suite->certificates.ca_file,
                                   "--tls_cert_file=" + suite->certificates.client.cert_file,
                                   "--tls_key_file=" + suite->certificates.client.key_file};
  const std::string tool = testing::BinaryPath("tools/osteoflow-call");
  auto without_token = testing::RunToExit(tool, call, {}, absl::Seconds(20));
  ASSERT_TRUE(without_token.ok()) << without_token.status();
  EXPECT_NE(without_token->exit_code, 0);
  EXPECT_THAT(without_token->output, HasSubstr("UNAUTHENTICATED"));
  call.push_back("--token_file=" + token_file);
  auto with_token = testing::RunToExit(tool, call, {}, absl::Seconds(20));
  ASSERT_TRUE(with_token.ok()) << with_token.status();
  EXPECT_EQ(with_token->exit_code, 0) << with_token->output;
  EXPECT_THAT(with_token->output, HasSubstr(suite->program.name()));

  // Stop the services so that their logs are complete.
  for (testing::ServiceProcess* process : {suite->progress.get(), suite->screening.get()}) {
    process->Signal(SIGTERM);
    ASSERT_TRUE(process->WaitForExit(absl::Seconds(20)).ok());
  }
  const std::string progress_log = suite->progress->Log();
  const std::string screening_log = suite->screening->Log();
  const std::string patient = absl::StrCat("\"patient_id\":\"", suite->patient, "\"");
  EXPECT_TRUE(HasLineWith(progress_log, {"\"event\":\"audit\"", "\"subject\":\"app-1\"", "\"role\":\"patient_app\"",
                                         "\"method\":\"/osteoflow.progress.v1.ProgressService/LogSession\"", patient,
                                         "\"outcome\":\"OK\""}));
  EXPECT_TRUE(HasLineWith(progress_log, {"\"event\":\"audit\"", "\"subject\":\"app-2\"",
                                         "\"outcome\":\"PERMISSION_DENIED\""}));
  EXPECT_TRUE(HasLineWith(progress_log, {"\"event\":\"audit\"", "\"outcome\":\"UNAUTHENTICATED\""}));
  // The app's enrolment reached screening as the app, not as progress.
  EXPECT_TRUE(HasLineWith(screening_log, {"\"event\":\"audit\"", "\"subject\":\"app-1\"", "\"role\":\"patient_app\"",
                                          "\"method\":\"/osteoflow.screening.v1.ScreeningService/Screen\"", patient}));
  for (const std::string* log_text : {&progress_log, &screening_log}) {
    EXPECT_THAT(*log_text, Not(HasSubstr(kNotes)));
    EXPECT_THAT(*log_text, Not(HasSubstr("weightKg")));
    EXPECT_THAT(*log_text, Not(HasSubstr("tScore")));
  }
}

}  // namespace
}  // namespace osteoflow
