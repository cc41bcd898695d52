#include "services/scheduling/peers/catalog_client.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/json_log.h"
#include "common/server/call_access.h"
#include "common/status/peer_status.h"

namespace osteoflow::scheduling {

CatalogClient::CatalogClient(std::shared_ptr<grpc::Channel> channel, CatalogClientOptions options)
    : options_(options), stub_(catalog::v1::CatalogService::NewStub(std::move(channel))) {}

std::unique_ptr<grpc::ClientContext> CatalogClient::Context() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
  // The catalog is fetched with the service's own certificate, never the
  // caller's token; a fetch made while serving a caller joins its trace.
  ForwardedCaller::AttachTraceTo(*context);
  return context;
}

std::shared_ptr<const catalog::ExerciseCatalog> CatalogClient::Held() {
  absl::MutexLock lock(&mu_);
  return held_;
}

absl::StatusOr<std::shared_ptr<const catalog::ExerciseCatalog>> CatalogClient::Current() {
  std::string held_digest;
  {
    absl::MutexLock lock(&mu_);
    const bool fresh = absl::Now() - checked_at_ < options_.refresh_interval;
    if (held_ != nullptr && (fresh || refreshing_)) return held_;
    if (refreshing_) {
      // Nothing held yet and someone is fetching: that fetch answers this
      // caller too, success or failure, rather than each waiter trying (and
      // timing out) in turn.
      const uint64_t attempt = attempts_;
      mu_.Await(absl::Condition(+[](bool* refreshing) { return !*refreshing; }, &refreshing_));
      if (held_ != nullptr) return held_;
      if (attempts_ != attempt) return last_failure_;
    }
    refreshing_ = true;
    if (held_ != nullptr) held_digest = held_->content_digest();
  }
  absl::StatusOr<std::shared_ptr<const catalog::ExerciseCatalog>> fetched =
      FetchIfChanged(held_digest);
  absl::MutexLock lock(&mu_);
  refreshing_ = false;
  ++attempts_;
  last_failure_ = fetched.status();
  if (fetched.ok() && *fetched != nullptr) {
    held_ = *std::move(fetched);
    LogLine("catalog_loaded")
        .Add("version", held_->version())
        .Add("content_digest", held_->content_digest())
        .Add("entries", held_->size())
        .Write();
  }
  if (held_ == nullptr) return fetched.status();
  if (!fetched.ok()) {
    // Keep planning from the catalog held; look again after the interval.
    LogLine("catalog_refresh_failed")
        .Add("held_digest", held_->content_digest())
        .Add("error", std::string(fetched.status().message()))
        .Write();
  }
  checked_at_ = absl::Now();
  return held_;
}

absl::StatusOr<std::shared_ptr<const catalog::ExerciseCatalog>> CatalogClient::FetchIfChanged(
    const std::string& held_digest) {
  catalog::v1::CatalogInfo info;
  if (grpc::Status status = stub_->GetCatalogInfo(Context().get(), {}, &info); !status.ok()) {
    // Asked for the service itself, never for a caller: any failure is "not now".
    return PeerUnavailable("catalog", status);
  }
  if (!held_digest.empty() && held_digest == info.content_digest()) {
    return std::shared_ptr<const catalog::ExerciseCatalog>();
  }
  catalog::v1::CatalogDocument document;
  if (grpc::Status status = stub_->GetCatalogDocument(Context().get(), {}, &document);
      !status.ok()) {
    return PeerUnavailable("catalog", status);
  }
  // Names are output only: the catalog fills them in again from the ids.
  for (catalog::v1::Exercise& exercise : *document.mutable_exercises()) exercise.clear_name();
  absl::StatusOr<std::shared_ptr<const catalog::ExerciseCatalog>> fetched =
      catalog::ExerciseCatalog::Create(std::move(document));
  if (!fetched.ok()) {
    // Not this caller's fault, and another fetch may do better: retry later.
    return absl::UnavailableError(
        absl::StrCat("catalog service sent a catalog that does not validate: ",
                     fetched.status().message()));
  }
  // The content may have changed between the two calls; the digest of what
  // was fetched is the one that counts.
  return fetched;
}

}  // namespace osteoflow::scheduling
