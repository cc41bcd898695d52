// RedisPool's calls: which node each goes to, and what is done with the
// redirects and refusals a Sentinel or Cluster topology answers with.
#include <algorithm>
#include <numeric>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/redis/redis_command_keys.h"
#include "common/redis/redis_connection.h"
#include "common/redis/redis_pool.h"
#include "common/redis/redis_redirect.h"
#include "common/redis/redis_topology.h"

namespace osteoflow {
namespace {

// Redirects and retries of one call, whatever its budget: a loop of MOVED
// between two nodes that disagree must end.
constexpr int kMostAttempts = 16;
constexpr absl::Duration kFirstBackoff = absl::Milliseconds(5);
constexpr absl::Duration kLongestBackoff = absl::Milliseconds(100);

// Whether a redirect of this kind may be acted on for these commands.
bool MayFollow(RedisRedirect::Kind kind, bool read_only) {
  switch (kind) {
    case RedisRedirect::Kind::kNone:
      return false;
    case RedisRedirect::Kind::kScriptKeyMoved:
      // The script stopped midway: only one that writes nothing may run again.
      return read_only;
    case RedisRedirect::Kind::kMoved:
    case RedisRedirect::Kind::kAsk:
    case RedisRedirect::Kind::kTryAgain:
    case RedisRedirect::Kind::kClusterDown:
    case RedisRedirect::Kind::kReadOnly:
      return true;
  }
  return false;
}

// Whether a call runs a script or function (which may read keys it does not
// declare).
bool HasScript(const std::vector<std::vector<std::string>>& commands) {
  for (const std::vector<std::string>& command : commands) {
    if (command.empty()) continue;
    const absl::string_view name = command[0];
    if (absl::StartsWithIgnoreCase(name, "EVAL") || absl::StartsWithIgnoreCase(name, "FCALL")) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<std::vector<RedisReply>> RedisPool::ExecutePipeline(
    const std::vector<std::vector<std::string>>& commands) {
  std::optional<int> slot;
  if (options_.topology == RedisAddress::Kind::kCluster) {
    absl::StatusOr<std::optional<int>> found = PipelineSlot(commands);
    if (!found.ok()) return found.status();
    slot = *found;
  }
  const bool read_only = !MayWrite(commands);
  const bool reads_by_script = read_only && HasScript(commands);
  const bool acknowledge = options_.acknowledgement.replicas > 0 && !read_only;
  // A transaction runs whole or not at all, so it is sent again whole; the
  // commands of a plain pipeline each ran or were redirected on their own.
  const bool transaction = IsTransaction(commands);
  const absl::Time deadline = absl::Now() + options_.command_timeout;
  // The latency series counts from the first send, as it always has.
  std::optional<absl::Time> first_sent;

  std::vector<RedisReply> replies(commands.size());
  std::vector<size_t> pending(commands.size());
  std::iota(pending.begin(), pending.end(), size_t{0});
  // The node an ASK sent the next attempt to (a plain flag and node rather
  // than an optional, which GCC 12 wrongly finds maybe-uninitialized).
  bool asking = false;
  RedisEndpoint asking_node;
  absl::Duration backoff = kFirstBackoff;
  for (int attempt = 1;; ++attempt) {
    absl::StatusOr<RedisEndpoint> node = asking ? asking_node : topology_->NodeFor(slot);
    if (!node.ok()) {
      metrics_.Error(RedisMetrics::ErrorKind::kUnavailable);
      return absl::UnavailableError(
          absl::StrCat("redis ", options_.role, " (", topology_->Describe(), "): ", node.status().message()));
    }
    // ASKING lets the importing node take the next command, or a whole
    // transaction when it comes before MULTI. The caller's commands are
    // sent from where they are, not copied (a plan is tens of kilobytes).
    static const std::vector<std::string> kAsking = {"ASKING"};
    std::vector<std::vector<std::string>> acknowledgement;
    if (acknowledge) {
      // A keyless call goes to the node of slot 0 (see NodeFor), whose fence
      // key is local to it.
      const std::optional<int> fence_slot =
          options_.topology == RedisAddress::Kind::kCluster ? std::optional<int>(slot.value_or(0)) : std::nullopt;
      acknowledgement = AcknowledgementCommands(options_.acknowledgement, fence_slot);
    }
    std::vector<const std::vector<std::string>*> request;
    std::vector<size_t> reply_at;
    if (asking && transaction) request.push_back(&kAsking);
    for (const size_t i : pending) {
      if (asking && !transaction) request.push_back(&kAsking);
      reply_at.push_back(request.size());
      request.push_back(&commands[i]);
    }
    const size_t acknowledgement_at = request.size();
    for (const std::vector<std::string>& command : acknowledgement) request.push_back(&command);

    bool node_failed = false;
    absl::StatusOr<std::unique_ptr<RedisConnection>> connection = Acquire(*node, &node_failed);
    if (!connection.ok()) {
      if (!node_failed) return connection.status();
      topology_->NodeFailed(*node);
      // Nothing was sent: if the topology now names another node (a
      // failover the sentinels or the cluster already know of), try it.
      if (topology_->FollowsRedirects() && attempt < kMostAttempts && absl::Now() < deadline) {
        absl::StatusOr<RedisEndpoint> next = topology_->NodeFor(slot);
        if (next.ok() && *next != *node) {
          asking = false;
          continue;
        }
      }
      return connection.status();
    }
    // A retry gets what is left of the budget, no more.
    const bool shortened = attempt > 1;
    if (shortened) (*connection)->SetCommandTimeout(std::max(deadline - absl::Now(), absl::Milliseconds(1)));
    if (!first_sent.has_value()) first_sent = absl::Now();
    absl::StatusOr<std::vector<RedisReply>> raw = (*connection)->Run(request);
    if (!raw.ok()) {
      // I/O error or timeout: what Redis did is unknown, and the connection
      // may hold a late reply, so it is closed.
      metrics_.Error(absl::IsDeadlineExceeded(raw.status()) ? RedisMetrics::ErrorKind::kTimeout
                                                            : RedisMetrics::ErrorKind::kUnavailable);
      Release(*std::move(connection), /*healthy=*/false);
      topology_->NodeFailed(*node);
      return Unavailable(*node, raw.status().message());
    }
    if (shortened) (*connection)->SetCommandTimeout(options_.command_timeout);
    Release(*std::move(connection), /*healthy=*/true);

    RedisRedirect redirect;
    std::vector<size_t> again;
    bool wrote = false;
    for (size_t k = 0; k < pending.size(); ++k) {
      const size_t i = pending[k];
      replies[i] = std::move((*raw)[reply_at[k]]);
      const RedisRedirect this_one = RedirectOf(replies[i], *node);
      if (topology_->FollowsRedirects() && MayFollow(this_one.kind, read_only)) {
        if (redirect.kind == RedisRedirect::Kind::kNone) redirect = this_one;
        again.push_back(i);
      } else if (!read_only && !commands[i].empty() && !IsReadOnlyCommand(commands[i][0])) {
        wrote = true;
      }
    }
    // A redirected transaction ran nothing.
    if (transaction && redirect.kind != RedisRedirect::Kind::kNone) wrote = false;
    if (acknowledge && wrote) {
      absl::Status acknowledged = CheckAcknowledgement(options_.acknowledgement, (*raw)[acknowledgement_at],
                                                       (*raw)[acknowledgement_at + 1], options_.role, *node);
      if (!acknowledged.ok()) {
        metrics_.Error(RedisMetrics::ErrorKind::kUnavailable);
        return acknowledged;
      }
    }
    if (redirect.kind == RedisRedirect::Kind::kNone || attempt >= kMostAttempts || absl::Now() >= deadline) {
      // Done, or out of budget: the caller sees the last replies, error
      // replies (TRYAGAIN, CLUSTERDOWN...) included.
      break;
    }
    if (!transaction) pending = std::move(again);
    asking = false;
    switch (redirect.kind) {
      case RedisRedirect::Kind::kMoved:
        topology_->SlotMoved(redirect.slot, redirect.node);
        continue;
      case RedisRedirect::Kind::kAsk:
        if (!reads_by_script) {
          asking = true;
          asking_node = redirect.node;
          continue;
        }
        // A read-only script may read keys it does not declare, and the
        // importing node answers nil for those not moved yet: it would see
        // half the slot. It waits for the move to end instead (MOVED).
        break;
      case RedisRedirect::Kind::kReadOnly:
        topology_->NodeFailed(*node);
        break;
      default:
        break;
    }
    // The slot or the primary is in the middle of a change: give it a
    // moment.
    absl::SleepFor(std::min(backoff, deadline - absl::Now()));
    backoff = std::min(backoff * 2, kLongestBackoff);
  }
  if (first_sent.has_value()) metrics_.Command(absl::Now() - *first_sent);
  for (const RedisReply& reply : replies) {
    if (reply.type == RedisReply::Type::kError) CountErrorReply(reply);
  }
  return replies;
}

absl::StatusOr<RedisReply> RedisPool::Execute(const std::vector<std::string>& command) {
  absl::StatusOr<std::vector<RedisReply>> replies = ExecutePipeline({command});
  if (!replies.ok()) return replies.status();
  RedisReply reply = std::move(replies->front());
  if (absl::Status status = StatusOfReply(reply, options_.role); !status.ok()) return status;
  return reply;
}

absl::Status RedisPool::Ping() {
  absl::StatusOr<RedisReply> reply = Execute({"PING"});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

}  // namespace osteoflow
