#pragma once

#include <memory>
#include <string>

#include "services/progress/domain/scheduling_gateway.h"
#include "services/progress/domain/screening_gateway.h"
#include "services/scheduling/domain/weekly_plans.h"
#include "services/screening/domain/screenings.h"

// Progress's peers in process: the screening and scheduling use cases
// themselves, called with the requests their clients would send, their
// statuses passed on as the clients pass a peer's on (PeerStatus).
namespace osteoflow::fuzz {

class ScreeningInProcess final : public progress::ScreeningGateway {
 public:
  explicit ScreeningInProcess(std::shared_ptr<screening::Screenings> screenings)
      : screenings_(std::move(screenings)) {}
  std::future<absl::StatusOr<osteoflow::screening::v1::Screening>> StartScreen(
      const std::string& request_id, const osteoflow::screening::v1::Intake& intake) override;
  absl::StatusOr<osteoflow::screening::v1::ScreeningResult> Preview(
      const osteoflow::screening::v1::Intake& intake) override;

 private:
  const std::shared_ptr<screening::Screenings> screenings_;
};

class SchedulingInProcess final : public progress::SchedulingGateway {
 public:
  explicit SchedulingInProcess(std::shared_ptr<scheduling::WeeklyPlans> plans) : plans_(std::move(plans)) {}
  absl::StatusOr<osteoflow::scheduling::v1::WeeklyPlan> Plan(
      const osteoflow::scheduling::v1::BuildWeeklyPlanRequest& request) override;

 private:
  const std::shared_ptr<scheduling::WeeklyPlans> plans_;
};

}  // namespace osteoflow::fuzz
