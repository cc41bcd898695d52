#pragma once

#include <memory>

#include "common/server/blocking_work.h"
#include "osteoflow/progress/v1/progress_service.grpc.pb.h"
#include "services/progress/domain/programs.h"

namespace osteoflow::progress {

using ProgressServiceBase = v1::ProgressService::WithRawCallbackMethod_Enroll<
    v1::ProgressService::WithRawCallbackMethod_GetProgram<
        v1::ProgressService::WithRawCallbackMethod_ListPrograms<
            v1::ProgressService::WithRawCallbackMethod_LogSession<
                v1::ProgressService::WithRawCallbackMethod_RecordMeasurement<
                    v1::ProgressService::WithRawCallbackMethod_GetProgress<
                        v1::ProgressService::WithRawCallbackMethod_AdvanceWeek<
                            v1::ProgressService::WithRawCallbackMethod_ResumeProgram<
                                v1::ProgressService::Service>>>>>>>>;

// Thin callback-API adapter over Programs. Every method waits on the store
// (and some on screening or scheduling), so all run on `work`, never holding
// a gRPC callback thread.
class ProgressServiceImpl final : public ProgressServiceBase {
 public:
  ProgressServiceImpl(std::shared_ptr<Programs> programs, BlockingWork& work)
      : programs_(std::move(programs)), work_(work) {}

#define OSTEOFLOW_RAW_METHOD(Name)                                                        \
  grpc::ServerUnaryReactor* Name(grpc::CallbackServerContext* context,                  \
                                 const grpc::ByteBuffer* request, grpc::ByteBuffer* response) override;
  OSTEOFLOW_RAW_METHOD(Enroll)
  OSTEOFLOW_RAW_METHOD(GetProgram)
  OSTEOFLOW_RAW_METHOD(ListPrograms)
  OSTEOFLOW_RAW_METHOD(LogSession)
  OSTEOFLOW_RAW_METHOD(RecordMeasurement)
  OSTEOFLOW_RAW_METHOD(GetProgress)
  OSTEOFLOW_RAW_METHOD(AdvanceWeek)
  OSTEOFLOW_RAW_METHOD(ResumeProgram)
#undef OSTEOFLOW_RAW_METHOD

 private:
  using ProgressServiceBase::AdvanceWeek;
  using ProgressServiceBase::Enroll;
  using ProgressServiceBase::GetProgram;
  using ProgressServiceBase::GetProgress;
  using ProgressServiceBase::ListPrograms;
  using ProgressServiceBase::LogSession;
  using ProgressServiceBase::RecordMeasurement;
  using ProgressServiceBase::ResumeProgram;

  const std::shared_ptr<Programs> programs_;
  BlockingWork& work_;
};

}  // namespace osteoflow::progress
