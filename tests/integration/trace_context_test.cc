// W3C trace context through the real suite, read from the services' access
// and audit lines: a caller's traceparent is continued by progress and passed
// to the peers it calls, each call with a span of its own and its caller's
// span as parent; a malformed or missing traceparent starts a new trace.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "osteoflow/progress/v1/progress_service.grpc.pb.h"
#include "tests/support/catalog_server.h"
#include "tests/support/enrolments.h"
#include "tests/support/local_suite.h"
#include "tests/support/progress_server.h"
#include "tests/support/redis_server.h"
#include "tests/support/scheduling_server.h"
#include "tests/support/screening_server.h"
#include "tests/support/service_process.h"

namespace osteoflow {
namespace {

using ::testing::MatchesRegex;
namespace progress_v1 = osteoflow::progress::v1;

// A caller's trace: an id and the caller's own span.
constexpr char kTraceId[] = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr char kCallerSpan[] = "00f067aa0ba902b7";
constexpr char kHexTraceId[] = "[0-9a-f]{32}";
constexpr char kHexSpanId[] = "[0-9a-f]{16}";
constexpr absl::Duration kLogWait = absl::Seconds(10);

std::string Traceparent(const std::string& trace_id, const std::string& parent, const std::string& flags = "01") {
  return absl::StrCat("00-", trace_id, "-", parent, "-", flags);
}

// One JSON log line's fields as text ("" when absent).
class LogLine {
 public:
  LogLine() = default;
  explicit LogLine(google::protobuf::Struct fields) : fields_(std::move(fields)) {}
  std::string operator[](const std::string& name) const {
    const auto& map = fields_.fields();
    const auto found = map.find(name);
    return found == map.end() ? "" : found->second.string_value();
  }
  bool Has(const std::string& name) const { return fields_.fields().contains(name); }
  std::string Json() const {
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(fields_, &json);
    return json;
  }

 private:
  google::protobuf::Struct fields_;
};

// The lines of `event` ("rpc" for access lines, "audit") in `log`, oldest first.
std::vector<LogLine> Lines(const std::string& log, const std::string& event) {
  std::vector<LogLine> found;
  for (const absl::string_view text : absl::StrSplit(log, '\n')) {
    if (!absl::StrContains(text, absl::StrCat("\"", event, "\""))) continue;
    google::protobuf::Struct fields;
    if (!google::protobuf::util::JsonStringToMessage(std::string(text), &fields).ok()) continue;
    LogLine line(std::move(fields));
    if (line["event"] == event) found.push_back(std::move(line));
  }
  return found;
}

// The lines of `event` whose `field` is `value`, once there are at least
// `count` of them (the log is written in batches, a tenth of a second
// apart); fewer if they do not come within kLogWait.
std::vector<LogLine> WaitForLines(const testing::ServiceProcess& service, const std::string& event,
                                  const std::string& field, const std::string& value, size_t count = 1) {
  const absl::Time deadline = absl::Now() + kLogWait;
  while (true) {
    std::vector<LogLine> matching;
    for (LogLine& line : Lines(service.Log(), event)) {
      if (line[field] == value) matching.push_back(std::move(line));
    }
    if (matching.size() >= count || absl::Now() > deadline) return matching;
    absl::SleepFor(absl::Milliseconds(50));
  }
}

std::string Describe(const std::vector<LogLine>& lines) {
  std::vector<std::string> json;
  for (const LogLine& line : lines) json.push_back(line.Json());
  return absl::StrJoin(json, "\n");
}

std::string MethodName(const LogLine& line) {
  const std::string method = line["method"];
  return method.substr(method.rfind('/') + 1);
}

std::shared_ptr<grpc::Channel> ChannelTo(const testing::ServiceProcess& service) {
  return grpc::CreateChannel(service.address(), grpc::InsecureChannelCredentials());
}

// A call's context: a deadline, its own request id (so its access line can
// be found) and the traceparent headers given, in order.
std::unique_ptr<grpc::ClientContext> Context(const std::string& request_id,
                                             const std::vector<std::string>& traceparents) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(15)));
  context->AddMetadata("x-request-id", request_id);
  for (const std::string& traceparent : traceparents) context->AddMetadata("traceparent", traceparent);
  return context;
}

progress_v1::EnrollRequest Enrolment(const std::string& patient, const std::string& request_id) {
  absl::StatusOr<screening::v1::Intake> intake = testing::LoadSampleIntake("osteopenia-no-fractures.json");
  EXPECT_TRUE(intake.ok()) << intake.status();
  return testing::ThreeDayEnrolment(intake.ok() ? *intake : screening::v1::Intake(), patient, request_id);
}

// The spans one enrolment left in the suite's access and audit lines.
struct EnrolmentTrace {
  LogLine progress;
  std::vector<LogLine> screening;
  std::vector<LogLine> scheduling;
};

// Checks the chain every enrolment leaves under `trace_id`: progress's line
// (its parent `caller_span`, "" for a trace progress started), screening's
// preview and stored screening and scheduling's plan, each a child of
// progress's span, and the audit lines of all three with the spans of their
// access lines. Every span id differs from every other.
void ExpectEnrolmentChain(const testing::LocalSuite& suite, const std::string& request_id, const std::string& trace_id,
                          const std::string& caller_span, EnrolmentTrace* found = nullptr) {
  const std::vector<LogLine> progress = WaitForLines(*suite.progress, "rpc", "trace_id", trace_id);
  ASSERT_EQ(progress.size(), 1u) << "progress's lines of trace " << trace_id << ":\n" << Describe(progress);
  const LogLine& enrol = progress[0];
  EXPECT_EQ(MethodName(enrol), "Enroll");
  EXPECT_EQ(enrol["request_id"], request_id);
  EXPECT_EQ(enrol["code"], "OK");
  EXPECT_THAT(enrol["span_id"], MatchesRegex(kHexSpanId));
  EXPECT_EQ(enrol["parent_span_id"], caller_span) << enrol.Json();
  if (caller_span.empty()) {
    EXPECT_FALSE(enrol.Has("parent_span_id")) << enrol.Json();
  }
  const std::string progress_span = enrol["span_id"];
  std::set<std::string> spans = {progress_span};
  if (!caller_span.empty()) spans.insert(caller_span);

  const std::vector<LogLine> progress_audit = WaitForLines(*suite.progress, "audit", "trace_id", trace_id);
  ASSERT_EQ(progress_audit.size(), 1u) << Describe(progress_audit);
  EXPECT_EQ(progress_audit[0]["span_id"], progress_span) << progress_audit[0].Json();
  EXPECT_EQ(progress_audit[0]["request_id"], request_id);

  // A preview and the stored screening; the week's plan.
  const std::vector<LogLine> screening = WaitForLines(*suite.screening, "rpc", "trace_id", trace_id, 2);
  const std::vector<LogLine> scheduling = WaitForLines(*suite.scheduling, "rpc", "trace_id", trace_id);
  std::multiset<std::string> screening_methods;
  for (const LogLine& line : screening) screening_methods.insert(MethodName(line));
  EXPECT_THAT(screening_methods, ::testing::UnorderedElementsAre("ValidateIntake", "Screen")) << Describe(screening);
  ASSERT_EQ(scheduling.size(), 1u) << Describe(scheduling);
  EXPECT_EQ(MethodName(scheduling[0]), "BuildWeeklyPlan");

  for (const auto& [service, lines] : {std::pair{suite.screening.get(), &screening},
                                       std::pair{suite.scheduling.get(), &scheduling}}) {
    const std::vector<LogLine> audit = WaitForLines(*service, "audit", "trace_id", trace_id, lines->size());
    std::multiset<std::string> audit_spans;
    for (const LogLine& line : audit) audit_spans.insert(line["span_id"]);
    for (const LogLine& line : *lines) {
      EXPECT_EQ(line["parent_span_id"], progress_span) << "not a child of progress's span: " << line.Json();
      EXPECT_THAT(line["span_id"], MatchesRegex(kHexSpanId)) << line.Json();
      EXPECT_TRUE(spans.insert(line["span_id"]).second) << "a span id used twice: " << line.Json();
      EXPECT_EQ(audit_spans.count(line["span_id"]), 1u)
          << "no audit line with the span of " << line.Json() << "\naudit lines:\n" << Describe(audit);
    }
  }
  if (found != nullptr) *found = EnrolmentTrace{enrol, screening, scheduling};
}

class TraceContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto suite = testing::LocalSuite::Start();
    ASSERT_TRUE(suite.ok()) << suite.status();
    suite_ = *std::move(suite);
    progress_ = progress_v1::ProgressService::NewStub(ChannelTo(*suite_->progress));
  }

  grpc::Status Enroll(const std::string& patient, const std::string& request_id,
                      const std::vector<std::string>& traceparents) {
    progress_v1::Program program;
    return progress_->Enroll(Context(request_id, traceparents).get(), Enrolment(patient, request_id), &program);
  }

  // A call that reads the store only (NOT_FOUND here); its access line in
  // progress's log, found by its request id.
  LogLine GetProgramLine(const std::string& request_id, const std::vector<std::string>& traceparents) {
    progress_v1::GetProgramRequest request;
    request.set_name("patients/trace-nobody/programs/none-such");
    progress_v1::Program program;
    const grpc::Status status = progress_->GetProgram(Context(request_id, traceparents).get(), request, &program);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
    const std::vector<LogLine> lines = WaitForLines(*suite_->progress, "rpc", "request_id", request_id);
    EXPECT_EQ(lines.size(), 1u) << request_id << ":\n" << Describe(lines);
    return lines.empty() ? LogLine() : lines[0];
  }

  std::unique_ptr<testing::LocalSuite> suite_;
  std::unique_ptr<progress_v1::ProgressService::Stub> progress_;
};

// Scheduling plans from the catalog it holds: it fetched the catalog at
// start, and refreshes it in the background, each time in a trace of its
// own. An enrolment on a suite that is already up makes no catalog call, so
// the catalog's lines carry other traces; ACatalogFetchMadeForAnEnrolment-
// CarriesItsTrace below arranges for one that does.
TEST_F(TraceContextTest, AnEnrolmentContinuesTheCallersTraceThroughProgressScreeningAndScheduling) {
  const grpc::Status status = Enroll("trace-patient-1", "trace-enrol-1", {Traceparent(kTraceId, kCallerSpan)});
  ASSERT_TRUE(status.ok()) << status.error_message();
  ExpectEnrolmentChain(*suite_, "trace-enrol-1", kTraceId, kCallerSpan);
}

TEST_F(TraceContextTest, AnEnrolmentWithoutTraceparentStartsATraceItsPeersContinue) {
  ASSERT_TRUE(Enroll("trace-patient-2", "trace-enrol-2", {}).ok());
  const std::vector<LogLine> lines = WaitForLines(*suite_->progress, "rpc", "request_id", "trace-enrol-2");
  ASSERT_EQ(lines.size(), 1u) << Describe(lines);
  const std::string trace_id = lines[0]["trace_id"];
  EXPECT_THAT(trace_id, MatchesRegex(kHexTraceId));
  EXPECT_NE(trace_id, std::string(32, '0'));
  ExpectEnrolmentChain(*suite_, "trace-enrol-2", trace_id, "");
}

TEST_F(TraceContextTest, EachCallWithoutTraceparentGetsATraceOfItsOwn) {
  const LogLine first = GetProgramLine("trace-none-1", {});
  const LogLine second = GetProgramLine("trace-none-2", {});
  for (const LogLine* line : {&first, &second}) {
    EXPECT_THAT((*line)["trace_id"], MatchesRegex(kHexTraceId)) << line->Json();
    EXPECT_NE((*line)["trace_id"], std::string(32, '0'));
    EXPECT_THAT((*line)["span_id"], MatchesRegex(kHexSpanId)) << line->Json();
    EXPECT_FALSE(line->Has("parent_span_id")) << line->Json();
  }
  EXPECT_NE(first["trace_id"], second["trace_id"]);
  EXPECT_NE(first["span_id"], second["span_id"]);
}

TEST_F(TraceContextTest, AMalformedTraceparentStartsANewTrace) {
  const std::string other_trace = "0af7651916cd43dd8448eb211c80319c";
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"not hex", {Traceparent("4bf92f3577b34da6a3ce929d0e0e473g", kCallerSpan)}},
      {"upper-case hex", {Traceparent("4BF92F3577B34DA6A3CE929D0E0E4736", kCallerSpan)}},
      {"all-zero trace id", {Traceparent(std::string(32, '0'), kCallerSpan)}},
      {"all-zero parent id", {Traceparent(kTraceId, std::string(16, '0'))}},
      {"short trace id", {Traceparent("4bf92f3577b34da6a3ce929d0e0e473", kCallerSpan)}},
      {"long parent id", {Traceparent(kTraceId, "00f067aa0ba902b7a")}},
      {"version 00 with a fifth field", {Traceparent(kTraceId, kCallerSpan) + "-00"}},
      {"version ff", {absl::StrCat("ff-", kTraceId, "-", kCallerSpan, "-01")}},
      {"underscores for dashes", {absl::StrCat("00_", kTraceId, "_", kCallerSpan, "_01")}},
      {"empty", {""}},
      {"two headers", {Traceparent(kTraceId, kCallerSpan), Traceparent(other_trace, "b7ad6b7169203331")}},
  };
  std::set<std::string> traces;
  int n = 0;
  for (const auto& [what, headers] : cases) {
    SCOPED_TRACE(what);
    const LogLine line = GetProgramLine(absl::StrCat("trace-malformed-", ++n), headers);
    EXPECT_THAT(line["trace_id"], MatchesRegex(kHexTraceId)) << line.Json();
    EXPECT_NE(line["trace_id"], std::string(32, '0'));
    EXPECT_NE(line["trace_id"], kTraceId) << "a malformed traceparent was continued";
    EXPECT_NE(line["trace_id"], other_trace) << "one of two traceparents was continued";
    EXPECT_NE(line["trace_id"], absl::AsciiStrToLower("4BF92F3577B34DA6A3CE929D0E0E4736"));
    EXPECT_FALSE(line.Has("parent_span_id")) << "a new trace has no parent: " << line.Json();
    EXPECT_THAT(line["span_id"], MatchesRegex(kHexSpanId));
    EXPECT_TRUE(traces.insert(line["trace_id"]).second) << "a trace id came twice";
  }

  // The new trace is the one the peers continue.
  ASSERT_TRUE(Enroll("trace-patient-3", "trace-enrol-3",
                     {Traceparent(kTraceId, kCallerSpan), Traceparent(other_trace, "b7ad6b7169203331")})
                  .ok());
  const std::vector<LogLine> lines = WaitForLines(*suite_->progress, "rpc", "request_id", "trace-enrol-3");
  ASSERT_EQ(lines.size(), 1u) << Describe(lines);
  const std::string started = lines[0]["trace_id"];
  EXPECT_NE(started, kTraceId);
  EXPECT_NE(started, other_trace);
  ExpectEnrolmentChain(*suite_, "trace-enrol-3", started, "");
}

TEST_F(TraceContextTest, ALaterVersionsFirstFourFieldsAreContinued) {
  // W3C: a version above 00 may append fields; its first four are read.
  const LogLine line = GetProgramLine(
      "trace-later-version", {absl::StrCat("cc-", kTraceId, "-", kCallerSpan, "-01-what-comes-later")});
  EXPECT_EQ(line["trace_id"], kTraceId) << line.Json();
  EXPECT_EQ(line["parent_span_id"], kCallerSpan) << line.Json();
}

// A peer that serves nothing: it records the traceparent headers of every
// call it gets and answers UNAVAILABLE.
class RecordingPeer final : public grpc::CallbackGenericService {
 public:
  RecordingPeer() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterCallbackGenericService(this);
    server_ = builder.BuildAndStart();
  }
  ~RecordingPeer() override {
    if (server_ != nullptr) server_->Shutdown(std::chrono::system_clock::now());
  }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

  // The method and traceparent headers of each call, in arrival order.
  struct Call {
    std::string method;
    std::vector<std::string> traceparents;
  };
  std::vector<Call> calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* context) override {
    Call call{context->method(), {}};
    const auto range = context->client_metadata().equal_range("traceparent");
    for (auto it = range.first; it != range.second; ++it) {
      call.traceparents.emplace_back(it->second.data(), it->second.size());
    }
    {
      absl::MutexLock lock(&mu_);
      calls_.push_back(std::move(call));
    }
    class Refusal final : public grpc::ServerGenericBidiReactor {
     public:
      Refusal() { Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "a recording peer")); }
      void OnDone() override { delete this; }
    };
    return new Refusal;
  }

 private:
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  absl::Mutex mu_;
  std::vector<Call> calls_ ABSL_GUARDED_BY(mu_);
};

// What progress sends its peers, header by header: one traceparent, version
// 00, the call's trace, progress's own span as parent, and the caller's
// sampled flag.
TEST(TraceContextPeerHeader, ProgressSendsItsPeersOneTraceparentWithItsSpanAsParent) {
  auto store = testing::RedisServer::Start({.durable = true});
  ASSERT_TRUE(store.ok()) << store.status();
  RecordingPeer peer;
  auto progress = testing::StartProgressServer((*store)->port(), peer.address(), peer.address());
  ASSERT_TRUE(progress.ok()) << progress.status();
  const auto stub = progress_v1::ProgressService::NewStub(ChannelTo(**progress));

  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"sampled", {Traceparent(kTraceId, kCallerSpan, "01")}},
      {"not sampled", {Traceparent(kTraceId, kCallerSpan, "00")}},
      {"none", {}},
  };
  int n = 0;
  for (const auto& [what, headers] : cases) {
    SCOPED_TRACE(what);
    const std::string request_id = absl::StrCat("trace-peer-", ++n);
    progress_v1::Program program;
    const size_t before = peer.calls().size();
    EXPECT_EQ(stub->Enroll(Context(request_id, headers).get(), Enrolment("trace-patient-peer", request_id), &program)
                  .error_code(),
              grpc::StatusCode::UNAVAILABLE);
    const std::vector<LogLine> lines = WaitForLines(**progress, "rpc", "request_id", request_id);
    ASSERT_EQ(lines.size(), 1u) << Describe(lines);
    const std::string trace_id = lines[0]["trace_id"];
    const std::string span_id = lines[0]["span_id"];
    if (!headers.empty()) {
      EXPECT_EQ(trace_id, kTraceId);
    }
    const std::vector<RecordingPeer::Call> calls = peer.calls();
    ASSERT_GT(calls.size(), before) << "progress called no peer";
    for (size_t i = before; i < calls.size(); ++i) {
      ASSERT_EQ(calls[i].traceparents.size(), 1u) << calls[i].method;
      const std::string& sent = calls[i].traceparents[0];
      EXPECT_THAT(sent, MatchesRegex("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]")) << calls[i].method;
      EXPECT_EQ(sent.substr(0, 52), absl::StrCat("00-", trace_id, "-", span_id)) << calls[i].method;
      if (what != "none") {
        EXPECT_EQ(sent.substr(52), headers[0].substr(52)) << calls[i].method << ": not the caller's flags";
      }
    }
  }
}

// A suite whose scheduling service holds no catalog when the enrolment comes:
// its readiness looked for the catalog once, at start, before the catalog
// was up, and does not look again during the test. The enrolment's plan is
// then the first that needs the catalog, and scheduling fetches it while
// serving that plan, on the enrolment's behalf.
TEST(TraceContextCatalogTest, ACatalogFetchMadeForAnEnrolmentCarriesItsTrace) {
  testing::LocalSuite suite;
  auto store = testing::RedisServer::Start({.durable = true});
  ASSERT_TRUE(store.ok()) << store.status();
  suite.store = *std::move(store);
  auto cache = testing::RedisServer::Start();
  ASSERT_TRUE(cache.ok()) << cache.status();
  suite.cache = *std::move(cache);
  const std::string catalog_address = absl::StrCat("127.0.0.1:", testing::PickFreePort());
  auto screening = testing::StartScreeningServer(suite.store->port());
  ASSERT_TRUE(screening.ok()) << screening.status();
  suite.screening = *std::move(screening);
  auto scheduling = testing::StartSchedulingServer(catalog_address, suite.screening->address(), suite.cache->port(),
                                                   {"--catalog_check_interval=1m"});
  ASSERT_TRUE(scheduling.ok()) << scheduling.status();
  suite.scheduling = *std::move(scheduling);
  const std::vector<LogLine> down = WaitForLines(*suite.scheduling, "dependency_down", "dependency", "catalog");
  ASSERT_EQ(down.size(), 1u) << suite.scheduling->Log();
  auto catalog = testing::StartCatalogServer({"--listen_address=" + catalog_address});
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  suite.catalog = *std::move(catalog);
  auto progress = testing::StartProgressServer(suite.store->port(), suite.screening->address(),
                                               suite.scheduling->address());
  ASSERT_TRUE(progress.ok()) << progress.status();
  suite.progress = *std::move(progress);
  const auto stub = progress_v1::ProgressService::NewStub(ChannelTo(*suite.progress));

  // Scheduling's channel may still be waiting to reconnect to the catalog
  // (it failed once at start); until it does, the enrolment fails
  // UNAVAILABLE and is retried, each attempt in a trace of its own.
  std::string trace_id;
  std::string request_id;
  grpc::Status status;
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  for (int attempt = 1; absl::Now() < deadline; ++attempt) {
    trace_id = absl::StrCat("7ace", std::string(24, '0'), absl::StrFormat("%04x", attempt));
    request_id = absl::StrCat("trace-catalog-", attempt);
    progress_v1::Program program;
    status = stub->Enroll(Context(request_id, {Traceparent(trace_id, kCallerSpan)}).get(),
                          Enrolment("trace-patient-catalog", request_id), &program);
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_TRUE(status.ok()) << status.error_message();

  EnrolmentTrace chain;
  ASSERT_NO_FATAL_FAILURE(ExpectEnrolmentChain(suite, request_id, trace_id, kCallerSpan, &chain));
  ASSERT_EQ(chain.scheduling.size(), 1u);
  const std::string plan_span = chain.scheduling[0]["span_id"];

  // The catalog served exactly one fetch: the one this plan waited for.
  const std::vector<LogLine> documents = WaitForLines(*suite.catalog, "rpc", "code", "OK", 2);
  std::vector<std::string> methods;
  for (const LogLine& line : documents) methods.push_back(MethodName(line));
  ASSERT_THAT(methods, ::testing::ElementsAre("GetCatalogInfo", "GetCatalogDocument")) << Describe(documents);
  for (const LogLine& line : documents) {
    EXPECT_EQ(line["trace_id"], trace_id)
        << "scheduling fetched the catalog to plan this enrolment, but the catalog's line is not in the "
           "enrolment's trace: the catalog client's calls carry no traceparent\n"
        << line.Json();
    EXPECT_EQ(line["parent_span_id"], plan_span) << "not a child of scheduling's span: " << line.Json();
  }
}

}  // namespace
}  // namespace osteoflow
