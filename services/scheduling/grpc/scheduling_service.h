#pragma once

#include <memory>

#include "common/server/blocking_work.h"
#include "osteoflow/scheduling/v1/scheduling_service.grpc.pb.h"
#include "services/scheduling/domain/weekly_plans.h"

namespace osteoflow::scheduling {

using SchedulingServiceBase = v1::SchedulingService::WithRawCallbackMethod_BuildWeeklyPlan<
    v1::SchedulingService::WithRawCallbackMethod_GetWeeklyPlan<v1::SchedulingService::Service>>;

// Thin callback-API adapter over WeeklyPlans. Work that may wait (on the
// cache, the catalog or the screening service) runs on `work`, never holding
// a gRPC callback thread; BuildWeeklyPlan answers bad input and plans held in
// memory on the callback thread, since neither waits.
class SchedulingServiceImpl final : public SchedulingServiceBase {
 public:
  SchedulingServiceImpl(std::shared_ptr<WeeklyPlans> plans, BlockingWork& work)
      : plans_(std::move(plans)), work_(work) {}

  grpc::ServerUnaryReactor* BuildWeeklyPlan(grpc::CallbackServerContext* context,
                                            const grpc::ByteBuffer* request,
                                            grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetWeeklyPlan(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;

 private:
  using SchedulingServiceBase::BuildWeeklyPlan;
  using SchedulingServiceBase::GetWeeklyPlan;

  const std::shared_ptr<WeeklyPlans> plans_;
  BlockingWork& work_;
};

}  // namespace osteoflow::scheduling
