#include "common/redis/redis_sentinel_topology.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/log/json_log.h"
#include "common/redis/redis_pool.h"

namespace osteoflow {
namespace {

// Callers that meet a failed primary at the same moment cause one lookup,
// not one each.
constexpr absl::Duration kLeastLookupGap = absl::Milliseconds(50);

}  // namespace

SentinelTopology::SentinelTopology(const RedisPoolOptions& options)
    : role_(options.role),
      primary_name_(options.primary_name),
      connect_timeout_(options.connect_timeout),
      command_timeout_(options.command_timeout),
      check_interval_(options.topology_check_interval),
      sentinels_(options.seeds) {
  poller_ = std::thread([this] { PollUntilStopped(); });
}

SentinelTopology::~SentinelTopology() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  poller_.join();
}

std::string SentinelTopology::Describe() const {
  absl::MutexLock lock(&mu_);
  return absl::StrCat("sentinel primary ", primary_name_,
                      primary_.has_value() ? absl::StrCat(" (", primary_->ToString(), ")") : std::string());
}

absl::StatusOr<RedisEndpoint> SentinelTopology::AskSentinels() {
  std::vector<std::string> failures;
  for (size_t i = 0; i < sentinels_.size(); ++i) {
    const RedisEndpoint& sentinel = sentinels_[i];
    // The first sentinel's connection is kept between lookups (the poll
    // costs one round trip, not a connection); the others are asked on a
    // connection of their own when it fails.
    std::unique_ptr<RedisConnection> connection;
    if (i == 0) connection = std::move(kept_);
    if (connection == nullptr) {
      absl::StatusOr<std::unique_ptr<RedisConnection>> opened =
          RedisConnection::Open(sentinel, connect_timeout_, command_timeout_);
      if (!opened.ok()) {
        failures.push_back(absl::StrCat(sentinel.ToString(), ": ", opened.status().message()));
        continue;
      }
      connection = *std::move(opened);
    }
    absl::StatusOr<std::vector<RedisReply>> replies =
        connection->Run({{"SENTINEL", "get-master-addr-by-name", primary_name_}});
    if (!replies.ok()) {
      failures.push_back(absl::StrCat(sentinel.ToString(), ": ", replies.status().message()));
      continue;
    }
    const RedisReply& reply = replies->front();
    if (reply.type != RedisReply::Type::kArray || reply.elements.size() != 2 ||
        reply.elements[0].type != RedisReply::Type::kString || reply.elements[1].type != RedisReply::Type::kString) {
      failures.push_back(absl::StrCat(sentinel.ToString(), ": ",
                                      reply.type == RedisReply::Type::kError ? reply.text : "does not know the primary"));
      continue;
    }
    absl::StatusOr<RedisEndpoint> primary =
        ParseRedisEndpoint(absl::StrCat(reply.elements[0].text, ":", reply.elements[1].text));
    if (!primary.ok()) {
      failures.push_back(absl::StrCat(sentinel.ToString(), ": ", primary.status().message()));
      continue;
    }
    // The guidelines' order: the sentinel that answered is asked first next
    // time, so a dead one costs one lookup, not every lookup.
    std::rotate(sentinels_.begin(), sentinels_.begin() + static_cast<std::ptrdiff_t>(i),
                sentinels_.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    kept_ = std::move(connection);
    return primary;
  }
  return absl::UnavailableError(absl::StrCat("no sentinel named primary ", primary_name_, " (",
                                             absl::StrJoin(failures, "; "), ")"));
}

void SentinelTopology::LookUp(bool forced) {
  absl::MutexLock lookup(&lookup_mu_);
  {
    absl::MutexLock lock(&mu_);
    const bool fresh = primary_.has_value() && !stale_;
    if (fresh && !forced) return;
    if (!forced && absl::Now() - looked_up_ < kLeastLookupGap) return;
  }
  absl::StatusOr<RedisEndpoint> found = AskSentinels();
  std::optional<RedisEndpoint> previous;
  {
    absl::MutexLock lock(&mu_);
    looked_up_ = absl::Now();
    if (!found.ok()) {
      last_failure_ = std::string(found.status().message());
      return;
    }
    previous = primary_;
    primary_ = *found;
    stale_ = false;
  }
  if (previous != found.value()) {
    LogLine("redis_primary")
        .Add("role", role_)
        .Add("primary", found->ToString())
        .Add("previous", previous.has_value() ? previous->ToString() : std::string("none"))
        .Write();
  }
}

void SentinelTopology::PollUntilStopped() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), check_interval_)) return;
    }
    LookUp(/*forced=*/true);
  }
}

absl::StatusOr<RedisEndpoint> SentinelTopology::NodeFor(std::optional<int>) {
  {
    absl::MutexLock lock(&mu_);
    if (primary_.has_value() && !stale_) return *primary_;
  }
  LookUp(/*forced=*/false);
  absl::MutexLock lock(&mu_);
  // A stale primary is still the best guess while the sentinels are silent.
  if (primary_.has_value()) return *primary_;
  return absl::UnavailableError(last_failure_);
}

void SentinelTopology::NodeFailed(const RedisEndpoint& node) {
  absl::MutexLock lock(&mu_);
  if (primary_ == node) stale_ = true;
}

bool SentinelTopology::Serves(const RedisEndpoint& node) const {
  absl::MutexLock lock(&mu_);
  return primary_ == node;
}

absl::Status SentinelTopology::CheckNewConnection(RedisConnection& connection) {
  absl::StatusOr<std::vector<RedisReply>> replies = connection.Run({{"ROLE"}});
  if (!replies.ok()) return replies.status();
  const RedisReply& role = replies->front();
  if (role.type == RedisReply::Type::kArray && !role.elements.empty() && role.elements[0].text == "master") {
    return absl::OkStatus();
  }
  // The sentinels named it during a failover that has since moved on, or
  // before one finished: ask them again.
  NodeFailed(connection.node());
  return absl::UnavailableError(absl::StrCat(connection.node().ToString(), " is not the primary of ",
                                             primary_name_, " (ROLE answered ",
                                             role.elements.empty() ? role.text : role.elements[0].text, ")"));
}

}  // namespace osteoflow
