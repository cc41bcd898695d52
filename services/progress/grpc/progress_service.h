#pragma once

#include <memory>

#include "common/server/blocking_work.h"
#include "common/server/unary_service.h"
#include "services/progress/domain/programs.h"

namespace osteoflow::progress {

// The progress service's methods over Programs. Every use case waits on the
// store (and some on screening or scheduling), so all answer on `work`,
// never holding a gRPC callback thread.
std::unique_ptr<UnaryService> ProgressService(std::shared_ptr<Programs> programs, BlockingWork& work);

}  // namespace osteoflow::progress
