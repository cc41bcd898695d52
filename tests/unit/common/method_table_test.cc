// The typed method table and access declared in the contracts: a service is
// complete only when every method of its contract has a use case and an
// access declaration, and a host refuses to start an incomplete one.
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/auth/method_access.h"
#include "common/server/service_host.h"
#include "common/server/unary_table.h"
#include "access_probe.grpc.pb.h"
#include "osteoflow/catalog/v1/catalog_service.pb.h"
#include "osteoflow/progress/v1/progress_service.pb.h"
#include "osteoflow/scheduling/v1/scheduling_service.pb.h"
#include "osteoflow/screening/v1/screening_service.pb.h"
#include "tests/support/raw_call.h"

namespace osteoflow {
namespace {

using ::testing::HasSubstr;
namespace probe = osteoflow::testing::v1;
namespace pb = google::protobuf;

// The suite's four contracts, each found through a request of its file (which
// also links that file's descriptors into this test).
namespace v1_names {
const pb::ServiceDescriptor* const kCatalog = osteoflow::catalog::v1::GetExerciseRequest::descriptor()->file()->service(0);
const pb::ServiceDescriptor* const kScreening = osteoflow::screening::v1::ScreenRequest::descriptor()->file()->service(0);
const pb::ServiceDescriptor* const kScheduling =
    osteoflow::scheduling::v1::BuildWeeklyPlanRequest::descriptor()->file()->service(0);
const pb::ServiceDescriptor* const kProgress = osteoflow::progress::v1::EnrollRequest::descriptor()->file()->service(0);
}  // namespace v1_names

// Use cases for the probe contracts: echo what was sent.
class Notes {
 public:
  absl::Status Note(const probe::NoteRequest& request, probe::NoteReply* reply) {
    reply->set_text(absl::StrCat("noted: ", request.text()));
    return absl::OkStatus();
  }
  absl::Status Read(const probe::ReadRequest& request, std::string* reply_wire) {
    probe::NoteReply reply;
    reply.set_text(request.parent());
    *reply_wire = reply.SerializeAsString();
    return absl::OkStatus();
  }
  absl::Status Record(const probe::RecordRequest&, probe::NoteReply*) { return absl::OkStatus(); }
};

const pb::MethodDescriptor& MethodOf(const pb::ServiceDescriptor* service, const std::string& method) {
  const pb::MethodDescriptor* named = service->FindMethodByName(method);
  EXPECT_NE(named, nullptr) << method;
  return *named;
}

const pb::ServiceDescriptor* const kAccessProbe = probe::NoteRequest::descriptor()->file()->service(0);
const pb::ServiceDescriptor* const kUndeclaredProbe = probe::NoteRequest::descriptor()->file()->service(1);

ServerSettings LoopbackSettings() {
  ServerSettings settings;
  settings.listen_address = "127.0.0.1:0";
  settings.security.plaintext = true;
  settings.access.enabled = false;
  settings.access_log = false;
  settings.drain_timeout = absl::Seconds(1);
  return settings;
}

TEST(MethodTable, EveryMethodOfTheSuiteDeclaresItsAccess) {
  for (const pb::ServiceDescriptor* service :
       {v1_names::kCatalog, v1_names::kScreening, v1_names::kScheduling, v1_names::kProgress}) {
    ASSERT_EQ(service->method_count() > 0, true) << service->full_name();
    for (int i = 0; i < service->method_count(); ++i) {
      absl::StatusOr<MethodAccess> access = MethodAccess::Of(*service->method(i));
      EXPECT_TRUE(access.ok()) << access.status();
    }
  }
}

TEST(MethodTable, ACompleteTableServesItsMethodsByTheirContractNames) {
  BlockingWork work("probe", 1);
  std::unique_ptr<UnaryService> service =
      UnaryTable<Notes>(probe::AccessProbe::service_full_name(), std::make_shared<Notes>(), &work)
          .Row<probe::NoteRequest, probe::NoteReply, Answering::kOnWorkPool>(&Notes::Note)
          .Row<probe::ReadRequest, probe::NoteReply, Answering::kOnCallbackThread>(&Notes::Read)
          .Row<probe::RecordRequest, probe::NoteReply, Answering::kOnCallbackThread>(&Notes::Record)
          .Build();
  ASSERT_TRUE(service->Completeness().ok()) << service->Completeness();
  EXPECT_EQ(service->name(), "osteoflow.testing.v1.AccessProbe");

  ServiceHost host("probe", LoopbackSettings());
  host.AddService(service.get());
  ASSERT_TRUE(host.Start().ok());
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", host.port()), grpc::InsecureChannelCredentials());
  auto stub = probe::AccessProbe::NewStub(channel);
  grpc::ClientContext context;
  probe::NoteRequest request;
  request.set_program("patients/p-1/programs/x");
  request.set_text("hello");
  probe::NoteReply reply;
  const grpc::Status status = stub->Note(&context, request, &reply);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reply.text(), "noted: hello");

  grpc::ClientContext read_context;
  probe::ReadRequest read;
  read.set_parent("patients/p-1");
  ASSERT_TRUE(stub->Read(&read_context, read, &reply).ok());
  EXPECT_EQ(reply.text(), "patients/p-1");

  // Bytes that are not a request are the caller's mistake, named as such.
  const grpc::Status garbled = testing::SendRawBytes(channel, "/osteoflow.testing.v1.AccessProbe/Note", "\xff\xff");
  EXPECT_EQ(garbled.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(garbled.error_message(), HasSubstr("osteoflow.testing.v1.NoteRequest"));
  host.Drain();
}

TEST(MethodTable, AMethodWithoutAUseCaseKeepsTheServiceFromStarting) {
  std::unique_ptr<UnaryService> service =
      UnaryTable<Notes>(probe::AccessProbe::service_full_name(), std::make_shared<Notes>(), nullptr)
          .Row<probe::ReadRequest, probe::NoteReply, Answering::kOnCallbackThread>(&Notes::Read)
          .Build();
  const absl::Status complete = service->Completeness();
  EXPECT_EQ(complete.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(complete.message(), HasSubstr("/osteoflow.testing.v1.AccessProbe/Note: no use case serves it"));
  EXPECT_THAT(complete.message(), HasSubstr("/osteoflow.testing.v1.AccessProbe/Record: no use case serves it"));
}

TEST(MethodTable, AMethodWithoutAnAccessDeclarationRefusesToStartTheService) {
  std::unique_ptr<UnaryService> service =
      UnaryTable<Notes>(probe::UndeclaredProbe::service_full_name(), std::make_shared<Notes>(), nullptr)
          .Row<probe::NoteRequest, probe::NoteReply, Answering::kOnCallbackThread>(&Notes::Note)
          .Build();
  ServiceHost host("probe", LoopbackSettings());
  host.AddService(service.get());
  const absl::Status started = host.Start();
  EXPECT_EQ(started.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(started.message(), HasSubstr("/osteoflow.testing.v1.UndeclaredProbe/Note: its contract declares no access"));
  EXPECT_EQ(host.port(), 0) << "nothing listens";
}

TEST(MethodTable, InconsistentDeclarationsAreRefusedNamingTheMethod) {
  std::unique_ptr<UnaryService> service =
      UnaryTable<Notes>(probe::MisdeclaredProbe::service_full_name(), std::make_shared<Notes>(), nullptr)
          .Row<probe::NoteRequest, probe::NoteReply, Answering::kOnCallbackThread>(&Notes::Note)
          .Row<probe::ReadRequest, probe::NoteReply, Answering::kOnCallbackThread>(&Notes::Read)
          .Build();
  const absl::Status complete = service->Completeness();
  EXPECT_THAT(complete.message(),
              HasSubstr("MisdeclaredProbe/Note: a patient app may call it, but access names no field naming the patient"));
  EXPECT_THAT(complete.message(), HasSubstr("MisdeclaredProbe/Read: access names parent.id"));
}

TEST(MethodTable, ARowOnTheWorkPoolOfATableWithoutOneIsAProblem) {
  std::unique_ptr<UnaryService> service =
      UnaryTable<Notes>(probe::AccessProbe::service_full_name(), std::make_shared<Notes>(), nullptr)
          .Row<probe::NoteRequest, probe::NoteReply, Answering::kOnWorkPool>(&Notes::Note)
          .Row<probe::ReadRequest, probe::NoteReply, Answering::kOnCallbackThread>(&Notes::Read)
          .Row<probe::RecordRequest, probe::NoteReply, Answering::kOnCallbackThread>(&Notes::Record)
          .Build();
  EXPECT_THAT(service->Completeness().message(),
              HasSubstr("osteoflow.testing.v1.NoteRequest: its row answers on the work pool, but the table has none"));
}

TEST(MethodTable, AMethodServedTwiceIsAProblem) {
  std::unique_ptr<UnaryService> service =
      UnaryTable<Notes>(probe::AccessProbe::service_full_name(), std::make_shared<Notes>(), nullptr)
          .Row<probe::ReadRequest, probe::NoteReply, Answering::kOnCallbackThread>(&Notes::Read)
          .Row<probe::ReadRequest, probe::NoteReply, Answering::kOnCallbackThread>(&Notes::Read)
          .Build();
  EXPECT_THAT(service->Completeness().message(), HasSubstr("/osteoflow.testing.v1.AccessProbe/Read: served twice"));
}

TEST(MethodTable, ARowForARequestTheContractDoesNotTakeIsAProblem) {
  std::unique_ptr<UnaryService> service =
      UnaryTable<Notes>(probe::UndeclaredProbe::service_full_name(), std::make_shared<Notes>(), nullptr)
          .Row<probe::ReadRequest, probe::NoteReply, Answering::kOnCallbackThread>(&Notes::Read)
          .Build();
  EXPECT_THAT(service->Completeness().message(),
              HasSubstr("has no unary method taking osteoflow.testing.v1.ReadRequest"));
}

TEST(MethodAccess, PatientAppsReachOnlyTheirOwnPatientAndOthersAsDeclared) {
  absl::StatusOr<MethodAccess> get = MethodAccess::Of(MethodOf(v1_names::kProgress, "GetProgram"));
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(get->method(), "/osteoflow.progress.v1.ProgressService/GetProgram");
  const Caller app{"app-1", Role::kPatientApp, "patient-7"};
  EXPECT_TRUE(get->Decide(app, "patient-7").ok());
  EXPECT_EQ(get->Decide(app, "patient-8").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(get->Decide(app, "").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(get->Decide(Caller{"c-1", Role::kClinician, ""}, "patient-8").ok());
  EXPECT_EQ(get->Decide(Caller{"ops-1", Role::kOperator, ""}, "patient-8").code(),
            absl::StatusCode::kPermissionDenied);

  absl::StatusOr<MethodAccess> resume = MethodAccess::Of(MethodOf(v1_names::kProgress, "ResumeProgram"));
  ASSERT_TRUE(resume.ok());
  EXPECT_EQ(resume->Decide(app, "patient-7").code(), absl::StatusCode::kPermissionDenied);

  absl::StatusOr<MethodAccess> exercise = MethodAccess::Of(MethodOf(v1_names::kCatalog, "GetExercise"));
  ASSERT_TRUE(exercise.ok());
  EXPECT_FALSE(exercise->patient_records());
  EXPECT_TRUE(exercise->Decide(Caller{"ops-1", Role::kOperator, ""}, "").ok());

  EXPECT_EQ(MethodAccess::Of(MethodOf(kUndeclaredProbe, "Note")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(MethodAccess, ThePatientIsTheFirstDeclaredFieldSetAndMustBeAnOpaqueId) {
  absl::StatusOr<MethodAccess> record = MethodAccess::Of(MethodOf(kAccessProbe, "Record"));
  ASSERT_TRUE(record.ok()) << record.status();
  probe::RecordRequest request;
  EXPECT_EQ(record->PatientOf(request), "");
  request.mutable_intake()->set_patient_id("p-intake");
  EXPECT_EQ(record->PatientOf(request), "p-intake");
  request.set_patient_id("p-direct");
  EXPECT_EQ(record->PatientOf(request), "p-direct");
  request.set_patient_id("not an id");
  EXPECT_EQ(record->PatientOf(request), "") << "the use case refuses it; no patient is named";

  absl::StatusOr<MethodAccess> note = MethodAccess::Of(MethodOf(kAccessProbe, "Note"));
  ASSERT_TRUE(note.ok());
  probe::NoteRequest named;
  named.set_program("patients/p-9/programs/a");
  EXPECT_EQ(note->PatientOf(named), "p-9");
  named.set_program("plans/p-9");
  EXPECT_EQ(note->PatientOf(named), "");
}

TEST(MethodAccess, FieldsOnlyOurServicesMaySendAreFoundWhenSet) {
  absl::StatusOr<MethodAccess> record = MethodAccess::Of(MethodOf(kAccessProbe, "Record"));
  ASSERT_TRUE(record.ok());
  probe::RecordRequest request;
  EXPECT_EQ(record->FieldOnlyViaSuiteServices(request), nullptr);
  request.mutable_inline_result();
  ASSERT_NE(record->FieldOnlyViaSuiteServices(request), nullptr);
  EXPECT_EQ(record->FieldOnlyViaSuiteServices(request)->name(), "inline_result");

  absl::StatusOr<MethodAccess> plan = MethodAccess::Of(MethodOf(v1_names::kScheduling, "BuildWeeklyPlan"));
  ASSERT_TRUE(plan.ok());
  osteoflow::scheduling::v1::BuildWeeklyPlanRequest build;
  build.mutable_screening_result();
  ASSERT_NE(plan->FieldOnlyViaSuiteServices(build), nullptr);
  EXPECT_EQ(plan->FieldOnlyViaSuiteServices(build)->name(), "screening_result");
}

}  // namespace
}  // namespace osteoflow
