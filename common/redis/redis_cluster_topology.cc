#include "common/redis/redis_cluster_topology.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/redis/redis_pool.h"
#include "common/redis/redis_slot.h"

namespace osteoflow {
namespace {

// MOVED arrives once per slot and caller while slots move: one map read per
// this interval is enough, each MOVED already fixed its own slot.
constexpr absl::Duration kLeastRefreshGap = absl::Milliseconds(100);

int IndexOf(std::vector<RedisEndpoint>& nodes, const RedisEndpoint& node) {
  const auto found = std::find(nodes.begin(), nodes.end(), node);
  if (found != nodes.end()) return static_cast<int>(found - nodes.begin());
  nodes.push_back(node);
  return static_cast<int>(nodes.size()) - 1;
}

// One CLUSTER SLOTS reply: [[first, last, [host, port, id, ...], replicas...], ...].
absl::StatusOr<std::vector<int16_t>> ParseSlots(const RedisReply& reply, const RedisEndpoint& asked,
                                                std::vector<RedisEndpoint>& primaries) {
  if (reply.type == RedisReply::Type::kError) return absl::UnavailableError(reply.text);
  if (reply.type != RedisReply::Type::kArray) return absl::UnavailableError("CLUSTER SLOTS: not an array");
  std::vector<int16_t> owner(kRedisSlotCount, -1);
  for (const RedisReply& range : reply.elements) {
    if (range.type != RedisReply::Type::kArray || range.elements.size() < 3 ||
        range.elements[0].type != RedisReply::Type::kInteger || range.elements[1].type != RedisReply::Type::kInteger ||
        range.elements[2].type != RedisReply::Type::kArray || range.elements[2].elements.size() < 2 ||
        range.elements[2].elements[1].type != RedisReply::Type::kInteger) {
      return absl::UnavailableError("CLUSTER SLOTS: unexpected range");
    }
    const long long first = range.elements[0].integer;
    const long long last = range.elements[1].integer;
    if (first < 0 || last < first || last >= kRedisSlotCount) {
      return absl::UnavailableError("CLUSTER SLOTS: slot out of range");
    }
    RedisEndpoint primary{range.elements[2].elements[0].text,
                          static_cast<int>(range.elements[2].elements[1].integer)};
    // An unknown endpoint ("?", or none) is the host that answered.
    if (primary.host.empty() || primary.host == "?") primary.host = asked.host;
    const auto index = static_cast<int16_t>(IndexOf(primaries, primary));
    std::fill(owner.begin() + first, owner.begin() + last + 1, index);
  }
  return owner;
}

}  // namespace

ClusterTopology::ClusterTopology(const RedisPoolOptions& options)
    : seeds_(options.seeds), connect_timeout_(options.connect_timeout), command_timeout_(options.command_timeout) {}

std::string ClusterTopology::Describe() const {
  std::vector<std::string> seeds;
  for (const RedisEndpoint& seed : seeds_) seeds.push_back(seed.ToString());
  return absl::StrCat("cluster ", absl::StrJoin(seeds, ","));
}

std::vector<RedisEndpoint> ClusterTopology::Candidates() const {
  std::vector<RedisEndpoint> candidates;
  std::optional<RedisEndpoint> failed;
  {
    absl::ReaderMutexLock lock(&mu_);
    candidates = map_.primaries;
    failed = failed_;
  }
  for (const RedisEndpoint& seed : seeds_) {
    if (std::find(candidates.begin(), candidates.end(), seed) == candidates.end()) candidates.push_back(seed);
  }
  if (failed.has_value()) {
    const auto at = std::find(candidates.begin(), candidates.end(), *failed);
    if (at != candidates.end()) std::rotate(at, at + 1, candidates.end());
  }
  return candidates;
}

absl::StatusOr<ClusterTopology::SlotMap> ClusterTopology::ReadMap(
    const std::vector<RedisEndpoint>& candidates) const {
  std::vector<std::string> failures;
  for (const RedisEndpoint& node : candidates) {
    absl::StatusOr<std::unique_ptr<RedisConnection>> connection =
        RedisConnection::Open(node, connect_timeout_, command_timeout_);
    absl::StatusOr<std::vector<RedisReply>> replies =
        connection.ok() ? (*connection)->Run({{"CLUSTER", "SLOTS"}}) : connection.status();
    if (!replies.ok()) {
      failures.push_back(absl::StrCat(node.ToString(), ": ", replies.status().message()));
      continue;
    }
    SlotMap map;
    absl::StatusOr<std::vector<int16_t>> owner = ParseSlots(replies->front(), node, map.primaries);
    if (!owner.ok()) {
      failures.push_back(absl::StrCat(node.ToString(), ": ", owner.status().message()));
      continue;
    }
    map.owner = *std::move(owner);
    return map;
  }
  return absl::UnavailableError(absl::StrCat("no cluster node gave its slot map (", absl::StrJoin(failures, "; "), ")"));
}

void ClusterTopology::Refresh() {
  {
    absl::MutexLock lock(&mu_);
    if (absl::Now() - refreshed_ < kLeastRefreshGap) return;
    refreshed_ = absl::Now();
  }
  absl::StatusOr<SlotMap> map = ReadMap(Candidates());
  absl::MutexLock lock(&mu_);
  if (!map.ok()) {
    last_failure_ = std::string(map.status().message());
    return;
  }
  map_ = *std::move(map);
  refresh_wanted_ = false;
  failed_.reset();
}

absl::StatusOr<RedisEndpoint> ClusterTopology::NodeFor(std::optional<int> slot) {
  bool wanted = false;
  bool empty = false;
  {
    absl::ReaderMutexLock lock(&mu_);
    wanted = refresh_wanted_;
    empty = map_.primaries.empty();
  }
  if (empty) {
    // Nothing to go on: wait for the map.
    absl::MutexLock refresh(&refresh_mu_);
    Refresh();
  } else if (wanted && refresh_mu_.TryLock()) {
    // Someone else is reading it: go on with this one meanwhile.
    Refresh();
    refresh_mu_.Unlock();
  }
  absl::ReaderMutexLock lock(&mu_);
  if (map_.primaries.empty()) return absl::UnavailableError(last_failure_);
  // A command with no key: any primary will do; the first serves slot 0.
  const int index = map_.owner[static_cast<size_t>(slot.value_or(0))];
  if (index < 0) {
    if (!slot.has_value()) return map_.primaries.front();
    return absl::UnavailableError(absl::StrCat("no cluster node serves slot ", *slot));
  }
  return map_.primaries[static_cast<size_t>(index)];
}

void ClusterTopology::NodeFailed(const RedisEndpoint& node) {
  absl::MutexLock lock(&mu_);
  refresh_wanted_ = true;
  failed_ = node;
}

void ClusterTopology::SlotMoved(int slot, const RedisEndpoint& node) {
  if (slot < 0 || slot >= kRedisSlotCount) return;
  absl::MutexLock lock(&mu_);
  if (map_.owner.empty()) map_.owner.assign(kRedisSlotCount, -1);
  map_.owner[static_cast<size_t>(slot)] = static_cast<int16_t>(IndexOf(map_.primaries, node));
  refresh_wanted_ = true;
}

bool ClusterTopology::Serves(const RedisEndpoint& node) const {
  absl::ReaderMutexLock lock(&mu_);
  return std::find(map_.primaries.begin(), map_.primaries.end(), node) != map_.primaries.end();
}

}  // namespace osteoflow
