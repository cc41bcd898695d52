#pragma once

#include <memory>

#include "common/server/blocking_work.h"
#include "osteoflow/screening/v1/screening_service.grpc.pb.h"
#include "services/screening/domain/screenings.h"

namespace osteoflow::screening {

// Raw-bytes methods (see common/server/raw_messages.h): a request that does
// not parse is INVALID_ARGUMENT like any other bad input.
using ScreeningServiceBase = v1::ScreeningService::WithRawCallbackMethod_Screen<
    v1::ScreeningService::WithRawCallbackMethod_GetScreening<
        v1::ScreeningService::WithRawCallbackMethod_ListScreenings<
            v1::ScreeningService::WithRawCallbackMethod_ValidateIntake<
                v1::ScreeningService::Service>>>>;

// Thin callback-API adapter over Screenings. ValidateIntake answers on the
// callback thread; the methods that wait on the store run on `store_work`,
// so a store round trip never holds a gRPC callback thread.
class ScreeningServiceImpl final : public ScreeningServiceBase {
 public:
  ScreeningServiceImpl(std::shared_ptr<Screenings> screenings, BlockingWork& store_work)
      : screenings_(std::move(screenings)), store_work_(store_work) {}

  grpc::ServerUnaryReactor* Screen(grpc::CallbackServerContext* context,
                                   const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetScreening(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListScreenings(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ValidateIntake(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;

 private:
  // The generated synchronous overloads stay unused; named so they are not hidden.
  using ScreeningServiceBase::GetScreening;
  using ScreeningServiceBase::ListScreenings;
  using ScreeningServiceBase::Screen;
  using ScreeningServiceBase::ValidateIntake;

  const std::shared_ptr<Screenings> screenings_;
  BlockingWork& store_work_;
};

}  // namespace osteoflow::screening
