#pragma once

#include <memory>

#include "common/server/blocking_work.h"
#include "common/server/unary_service.h"
#include "services/screening/domain/screenings.h"

namespace osteoflow::screening {

// The screening service's methods over Screenings. ValidateIntake answers on
// the callback thread; the use cases that wait on the store answer on
// `store_work`, so a store round trip never holds a gRPC callback thread.
std::unique_ptr<UnaryService> ScreeningService(std::shared_ptr<Screenings> screenings, BlockingWork& store_work);

}  // namespace osteoflow::screening
