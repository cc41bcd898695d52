#include "services/scheduling/grpc/scheduling_service.h"

#include "common/server/unary_table.h"
#include "osteoflow/scheduling/v1/scheduling_service.grpc.pb.h"

namespace osteoflow::scheduling {

std::unique_ptr<UnaryService> SchedulingService(std::shared_ptr<WeeklyPlans> plans, BlockingWork& work) {
  return UnaryTable<WeeklyPlans>(v1::SchedulingService::service_full_name(), std::move(plans), &work)
      .Row<v1::BuildWeeklyPlanRequest, v1::WeeklyPlan, Answering::kQuicklyElseOnWorkPool>(&WeeklyPlans::BuildQuickly)
      .Row<v1::GetWeeklyPlanRequest, v1::WeeklyPlan, Answering::kOnWorkPool>(&WeeklyPlans::Get)
      .Build();
}

}  // namespace osteoflow::scheduling
