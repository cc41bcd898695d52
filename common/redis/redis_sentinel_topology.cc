#include "common/redis/redis_sentinel_topology.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/log/json_log.h"
#include "common/redis/redis_pool.h"

namespace osteoflow {
namespace {

// Callers that meet a failed primary at the same moment cause one lookup,
// not one each.
constexpr absl::Duration kLeastLookupGap = absl::Milliseconds(50);

// How often the listener looks up from its subscription to see whether the
// topology is stopping.
constexpr absl::Duration kListenSlice = absl::Milliseconds(100);

// The primary a sentinel's event names for `primary_name`, if it is about
// that primary:
//   +promoted-slave  "slave <name> <ip> <port> @ <primary-name> <old-ip> <old-port>"
//   +switch-master   "<primary-name> <old-ip> <old-port> <new-ip> <new-port>"
// The first comes as soon as the chosen replica has become a primary (when
// SENTINEL get-master-addr-by-name starts naming it), the second once the
// other replicas follow it, about a second later with short timeouts.
std::optional<RedisEndpoint> NewPrimaryOf(const RedisReply& message, absl::string_view primary_name) {
  if (message.type != RedisReply::Type::kArray || message.elements.size() != 3 ||
      message.elements[0].text != "message") {
    return std::nullopt;
  }
  const absl::string_view channel = message.elements[1].text;
  const std::vector<absl::string_view> parts = absl::StrSplit(message.elements[2].text, ' ');
  absl::string_view host;
  absl::string_view port;
  if (channel == "+switch-master" && parts.size() == 5 && parts[0] == primary_name) {
    host = parts[3];
    port = parts[4];
  } else if (channel == "+promoted-slave" && parts.size() == 8 && parts[4] == "@" && parts[5] == primary_name) {
    host = parts[2];
    port = parts[3];
  } else {
    return std::nullopt;
  }
  absl::StatusOr<RedisEndpoint> primary = ParseRedisEndpoint(absl::StrCat(host, ":", port));
  if (!primary.ok()) return std::nullopt;
  return *primary;
}

}  // namespace

SentinelTopology::SentinelTopology(const RedisPoolOptions& options)
    : role_(options.role),
      primary_name_(options.primary_name),
      connect_timeout_(options.connect_timeout),
      command_timeout_(options.command_timeout),
      check_interval_(options.topology_check_interval),
      all_sentinels_(options.seeds),
      sentinels_(options.seeds) {
  poller_ = std::thread([this] { PollUntilStopped(); });
  listener_ = std::thread([this] { ListenUntilStopped(); });
}

SentinelTopology::~SentinelTopology() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  poller_.join();
  listener_.join();
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
  if (!found.ok()) {
    absl::MutexLock lock(&mu_);
    looked_up_ = absl::Now();
    last_failure_ = std::string(found.status().message());
    return;
  }
  Adopt(*found, "lookup");
}

void SentinelTopology::Adopt(const RedisEndpoint& primary, absl::string_view how) {
  std::optional<RedisEndpoint> previous;
  {
    absl::MutexLock lock(&mu_);
    looked_up_ = absl::Now();
    previous = primary_;
    primary_ = primary;
    stale_ = false;
  }
  if (previous != primary) {
    LogLine("redis_primary")
        .Add("role", role_)
        .Add("primary", primary.ToString())
        .Add("previous", previous.has_value() ? previous->ToString() : std::string("none"))
        .Add("how", how)
        .Write();
  }
}

bool SentinelTopology::StoppingAfter(absl::Duration interval) {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval);
}

void SentinelTopology::PollUntilStopped() {
  while (!StoppingAfter(check_interval_)) LookUp(/*forced=*/true);
}

void SentinelTopology::ListenUntilStopped() {
  if (all_sentinels_.empty()) return;
  for (size_t turn = 0;; ++turn) {
    const RedisEndpoint& sentinel = all_sentinels_[turn % all_sentinels_.size()];
    absl::StatusOr<std::unique_ptr<RedisConnection>> connection =
        RedisConnection::Open(sentinel, connect_timeout_, command_timeout_);
    absl::StatusOr<std::vector<RedisReply>> subscribed =
        connection.ok() ? (*connection)->Run({{"SUBSCRIBE", "+promoted-slave", "+switch-master"}})
                        : connection.status();
    if (subscribed.ok() && subscribed->front().type == RedisReply::Type::kArray) {
      // A switch made while no subscription was listening is caught here.
      LookUp(/*forced=*/true);
      for (;;) {
        if (StoppingAfter(absl::ZeroDuration())) return;
        absl::StatusOr<std::optional<RedisReply>> message = (*connection)->NextMessage(kListenSlice);
        if (!message.ok()) break;
        if (!message->has_value()) continue;
        if (std::optional<RedisEndpoint> primary = NewPrimaryOf(**message, primary_name_); primary.has_value()) {
          // After any lookup under way, which may have heard the old primary.
          absl::MutexLock lookup(&lookup_mu_);
          Adopt(*primary, (**message).elements[1].text);
        }
      }
    }
    // This sentinel failed: the next one, after a pause (the poll covers
    // the meantime).
    if (StoppingAfter(check_interval_)) return;
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
