#include "services/scheduling/catalog/catalog_client.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/json_log.h"
#include "common/status/grpc_status.h"

namespace osteoflow::scheduling {
namespace {

absl::Status Unreachable(const grpc::Status& status) {
  return absl::UnavailableError(
      absl::StrCat("catalog service: ", FromGrpcStatus(status).message()));
}

}  // namespace

CatalogClient::CatalogClient(std::shared_ptr<grpc::Channel> channel, CatalogClientOptions options)
    : options_(options), stub_(catalog::v1::CatalogService::NewStub(std::move(channel))) {}

std::unique_ptr<grpc::ClientContext> CatalogClient::Context() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
  return context;
}

absl::StatusOr<std::shared_ptr<const catalog::ExerciseCatalog>> CatalogClient::Current() {
  absl::MutexLock lock(&mu_);
  if (held_ != nullptr && absl::Now() - checked_at_ < options_.refresh_interval) return held_;
  const absl::Status refreshed = Refresh();
  if (held_ == nullptr) return refreshed;
  if (!refreshed.ok()) {
    // Keep planning from the catalog held; look again after the interval.
    checked_at_ = absl::Now();
    LogLine("catalog_refresh_failed")
        .Add("held_digest", held_->content_digest())
        .Add("error", std::string(refreshed.message()))
        .Write();
  }
  return held_;
}

absl::Status CatalogClient::Refresh() {
  catalog::v1::CatalogInfo info;
  if (grpc::Status status = stub_->GetCatalogInfo(Context().get(), {}, &info); !status.ok()) {
    return Unreachable(status);
  }
  if (held_ != nullptr && held_->content_digest() == info.content_digest()) {
    checked_at_ = absl::Now();
    return absl::OkStatus();
  }
  catalog::v1::CatalogDocument document;
  if (grpc::Status status = stub_->GetCatalogDocument(Context().get(), {}, &document);
      !status.ok()) {
    return Unreachable(status);
  }
  // Names are output only: the catalog fills them in again from the ids.
  for (catalog::v1::Exercise& exercise : *document.mutable_exercises()) exercise.clear_name();
  absl::StatusOr<std::shared_ptr<const catalog::ExerciseCatalog>> fetched =
      catalog::ExerciseCatalog::Create(std::move(document));
  if (!fetched.ok()) {
    return absl::InternalError(
        absl::StrCat("catalog service sent a catalog that does not validate: ",
                     fetched.status().message()));
  }
  // The content may have changed between the two calls; the digest of what
  // was fetched is the one that counts.
  held_ = *std::move(fetched);
  checked_at_ = absl::Now();
  LogLine("catalog_loaded")
      .Add("version", held_->version())
      .Add("content_digest", held_->content_digest())
      .Add("entries", held_->size())
      .Write();
  return absl::OkStatus();
}

}  // namespace osteoflow::scheduling
