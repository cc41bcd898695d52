#include "services/progress/grpc/progress_service.h"

#include "common/server/unary_answer.h"

namespace osteoflow::progress {

// Each method: parse, run the use case on a work thread, answer.
#define OSTEOFLOW_ANSWER(Name, Request, Response, Call)                                          \
  grpc::ServerUnaryReactor* ProgressServiceImpl::Name(grpc::CallbackServerContext* context,     \
                                                      const grpc::ByteBuffer* request,          \
                                                      grpc::ByteBuffer* response) {             \
    return AnswerUnaryOn<v1::Request, v1::Response>(                                             \
        work_, context, "/osteoflow.progress.v1.ProgressService/" #Name, request, response,     \
        [this](const auto& parsed, auto* answer) { return programs_->Call(parsed, answer); });   \
  }

OSTEOFLOW_ANSWER(Enroll, EnrollRequest, Program, Enroll)
OSTEOFLOW_ANSWER(GetProgram, GetProgramRequest, Program, Get)
OSTEOFLOW_ANSWER(ListPrograms, ListProgramsRequest, ListProgramsResponse, List)
OSTEOFLOW_ANSWER(LogSession, LogSessionRequest, SessionLog, LogSession)
OSTEOFLOW_ANSWER(RecordMeasurement, RecordMeasurementRequest, Measurement, RecordMeasurement)
OSTEOFLOW_ANSWER(GetProgress, GetProgressRequest, ProgressReport, GetProgress)
OSTEOFLOW_ANSWER(AdvanceWeek, AdvanceWeekRequest, Program, AdvanceWeek)
OSTEOFLOW_ANSWER(ResumeProgram, ResumeProgramRequest, Program, Resume)

#undef OSTEOFLOW_ANSWER

}  // namespace osteoflow::progress
