#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "osteoflow/catalog/v1/catalog_service.grpc.pb.h"
#include "services/scheduling/domain/catalog_gateway.h"

namespace osteoflow::scheduling {

struct CatalogClientOptions {
  // Deadline of each call to the catalog service.
  absl::Duration deadline = absl::Seconds(2);
  // How long a held catalog is used before its digest is checked again.
  absl::Duration refresh_interval = absl::Seconds(10);
};

// CatalogGateway over the catalog service, on one reused channel. At most
// every refresh_interval, one caller asks GetCatalogInfo whether the content
// digest changed and, only if it did, fetches the whole document once
// (GetCatalogDocument) and validates it locally; everyone else is answered
// from memory meanwhile, without waiting. When the catalog service is
// unreachable the catalog already held keeps serving: it was valid, and plans
// stay safe with it.
class CatalogClient final : public CatalogGateway {
 public:
  CatalogClient(std::shared_ptr<grpc::Channel> channel, CatalogClientOptions options);

  absl::StatusOr<std::shared_ptr<const catalog::ExerciseCatalog>> Current() override;
  std::shared_ptr<const catalog::ExerciseCatalog> Held() override;

 private:
  // The catalog when its digest differs from `held_digest`; nullptr when it
  // is unchanged. Makes calls; holds no lock.
  absl::StatusOr<std::shared_ptr<const catalog::ExerciseCatalog>> FetchIfChanged(
      const std::string& held_digest);
  std::unique_ptr<grpc::ClientContext> Context() const;

  const CatalogClientOptions options_;
  const std::unique_ptr<catalog::v1::CatalogService::Stub> stub_;
  absl::Mutex mu_;
  std::shared_ptr<const catalog::ExerciseCatalog> held_ ABSL_GUARDED_BY(mu_);
  absl::Time checked_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool refreshing_ ABSL_GUARDED_BY(mu_) = false;
  // Fetches finished, and how the last one ended: callers who waited for a
  // fetch share its answer.
  uint64_t attempts_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status last_failure_ ABSL_GUARDED_BY(mu_);
};

}  // namespace osteoflow::scheduling
