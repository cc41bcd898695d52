#pragma once

#include <memory>

#include "common/server/blocking_work.h"
#include "common/server/unary_service.h"
#include "services/scheduling/domain/weekly_plans.h"

namespace osteoflow::scheduling {

// The scheduling service's methods over WeeklyPlans. Work that may wait (on
// the cache, the catalog or the screening service) runs on `work`, never
// holding a gRPC callback thread; BuildWeeklyPlan answers bad input and
// plans held in memory on the callback thread, since neither waits.
std::unique_ptr<UnaryService> SchedulingService(std::shared_ptr<WeeklyPlans> plans, BlockingWork& work);

}  // namespace osteoflow::scheduling
