#include "services/progress/grpc/progress_service.h"

#include "common/server/unary_table.h"
#include "osteoflow/progress/v1/progress_service.grpc.pb.h"

namespace osteoflow::progress {

std::unique_ptr<UnaryService> ProgressService(std::shared_ptr<Programs> programs, BlockingWork& work) {
  constexpr Answering kOnWorkPool = Answering::kOnWorkPool;
  return UnaryTable<Programs>(v1::ProgressService::service_full_name(), std::move(programs), &work)
      .Row<v1::EnrollRequest, v1::Program, kOnWorkPool>(&Programs::Enroll)
      .Row<v1::GetProgramRequest, v1::Program, kOnWorkPool>(&Programs::Get)
      .Row<v1::ListProgramsRequest, v1::ListProgramsResponse, kOnWorkPool>(&Programs::List)
      .Row<v1::LogSessionRequest, v1::SessionLog, kOnWorkPool>(&Programs::LogSession)
      .Row<v1::RecordMeasurementRequest, v1::Measurement, kOnWorkPool>(&Programs::RecordMeasurement)
      .Row<v1::GetProgressRequest, v1::ProgressReport, kOnWorkPool>(&Programs::GetProgress)
      .Row<v1::AdvanceWeekRequest, v1::Program, kOnWorkPool>(&Programs::AdvanceWeek)
      .Row<v1::ResumeProgramRequest, v1::Program, kOnWorkPool>(&Programs::Resume)
      .Row<v1::ListEventsRequest, v1::ListEventsResponse, kOnWorkPool>(&Programs::ListEvents)
      .StreamRow<v1::WatchEventsRequest, v1::FeedEvent>(&Programs::WatchEvents)
      .Build();
}

}  // namespace osteoflow::progress
