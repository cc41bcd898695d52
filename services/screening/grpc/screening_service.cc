#include "services/screening/grpc/screening_service.h"

#include "common/server/unary_table.h"
#include "osteoflow/screening/v1/screening_service.grpc.pb.h"

namespace osteoflow::screening {

std::unique_ptr<UnaryService> ScreeningService(std::shared_ptr<Screenings> screenings, BlockingWork& store_work) {
  return UnaryTable<Screenings>(v1::ScreeningService::service_full_name(), std::move(screenings), &store_work)
      .Row<v1::ScreenRequest, v1::Screening, Answering::kOnWorkPool>(&Screenings::Screen)
      .Row<v1::GetScreeningRequest, v1::Screening, Answering::kOnWorkPool>(&Screenings::Get)
      .Row<v1::ListScreeningsRequest, v1::ListScreeningsResponse, Answering::kOnWorkPool>(&Screenings::List)
      .Row<v1::ValidateIntakeRequest, v1::ValidateIntakeResponse, Answering::kOnCallbackThread>(&Screenings::Preview)
      .Build();
}

}  // namespace osteoflow::screening
