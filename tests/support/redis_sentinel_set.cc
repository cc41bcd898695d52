#include "tests/support/redis_sentinel_set.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace osteoflow::testing {

std::vector<std::string> DurableNodeArgs() {
  return {"--appendonly", "yes", "--appendfsync", "always", "--maxmemory-policy", "noeviction",
          "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"};
}

absl::StatusOr<std::unique_ptr<RedisSentinelSet>> RedisSentinelSet::Start(Options options) {
  std::unique_ptr<RedisSentinelSet> set(new RedisSentinelSet(options));
  absl::StatusOr<std::unique_ptr<RedisProcess>> primary = RedisProcess::Start({.args = DurableNodeArgs()});
  if (!primary.ok()) return primary.status();
  const int primary_port = (*primary)->port();
  set->nodes_.push_back(*std::move(primary));
  for (int i = 0; i < options.replicas; ++i) {
    std::vector<std::string> args = DurableNodeArgs();
    args.insert(args.end(), {"--replicaof", "127.0.0.1", std::to_string(primary_port)});
    absl::StatusOr<std::unique_ptr<RedisProcess>> replica = RedisProcess::Start({.args = args});
    if (!replica.ok()) return replica.status();
    set->nodes_.push_back(*std::move(replica));
  }
  if (absl::Status synced = set->WaitForReplicas(primary_port, options.replicas, absl::Seconds(15)); !synced.ok()) {
    return synced;
  }
  const std::string& name = options.primary_name;
  const int quorum = options.sentinels / 2 + 1;
  for (int i = 0; i < options.sentinels; ++i) {
    absl::StatusOr<std::unique_ptr<RedisProcess>> sentinel = RedisProcess::Start(
        {.sentinel = true,
         .sentinel_config = {
             absl::StrCat("sentinel monitor ", name, " 127.0.0.1 ", primary_port, " ", quorum),
             absl::StrCat("sentinel down-after-milliseconds ", name, " ", absl::ToInt64Milliseconds(options.down_after)),
             absl::StrCat("sentinel failover-timeout ", name, " ", absl::ToInt64Milliseconds(options.failover_timeout)),
             absl::StrCat("sentinel parallel-syncs ", name, " ", options.replicas)}});
    if (!sentinel.ok()) return sentinel.status();
    set->sentinels_.push_back(*std::move(sentinel));
  }
  // A failover needs sentinels that know each other (to agree) and the
  // replicas (to promote one): hello messages go every two seconds.
  for (const auto& sentinel : set->sentinels_) {
    absl::Status known = WaitFor("sentinel discovery", absl::Seconds(20), [&]() -> absl::Status {
      absl::StatusOr<RedisReply> others = sentinel->Command({"SENTINEL", "SENTINELS", name});
      absl::StatusOr<RedisReply> replicas = sentinel->Command({"SENTINEL", "REPLICAS", name});
      if (!others.ok()) return others.status();
      if (!replicas.ok()) return replicas.status();
      if (static_cast<int>(others->elements.size()) != options.sentinels - 1 ||
          static_cast<int>(replicas->elements.size()) != options.replicas) {
        return absl::UnavailableError(absl::StrCat(sentinel->address(), " knows ", others->elements.size(),
                                                   " sentinels and ", replicas->elements.size(), " replicas"));
      }
      return absl::OkStatus();
    });
    if (!known.ok()) return known;
  }
  return set;
}

std::string RedisSentinelSet::address() const {
  std::vector<std::string> sentinels;
  for (const auto& sentinel : sentinels_) sentinels.push_back(sentinel->address());
  return absl::StrCat("redis-sentinel://", absl::StrJoin(sentinels, ","), "/", options_.primary_name);
}

RedisProcess* RedisSentinelSet::NodeOnPort(int port) {
  for (const auto& node : nodes_) {
    if (node->port() == port) return node.get();
  }
  return nullptr;
}

namespace {

absl::StatusOr<int> NamedPrimary(const RedisProcess& sentinel, const std::string& name) {
  absl::StatusOr<RedisReply> reply = sentinel.Command({"SENTINEL", "get-master-addr-by-name", name});
  if (!reply.ok()) return reply.status();
  int port = 0;
  if (reply->elements.size() != 2 || !absl::SimpleAtoi(reply->elements[1].text, &port)) {
    return absl::UnavailableError(absl::StrCat(sentinel.address(), " names no primary"));
  }
  return port;
}

}  // namespace

absl::StatusOr<int> RedisSentinelSet::PrimaryPort() const {
  absl::Status last = absl::UnavailableError("no sentinel running");
  for (const auto& sentinel : sentinels_) {
    if (!sentinel->running()) continue;
    absl::StatusOr<int> port = NamedPrimary(*sentinel, options_.primary_name);
    if (port.ok()) return port;
    last = port.status();
  }
  return last;
}

absl::StatusOr<int> RedisSentinelSet::WaitForNewPrimary(int old_port, absl::Duration timeout) const {
  int found = 0;
  absl::Status done = WaitFor("a new primary", timeout, [&]() -> absl::Status {
    for (const auto& sentinel : sentinels_) {
      if (!sentinel->running()) continue;
      absl::StatusOr<int> port = NamedPrimary(*sentinel, options_.primary_name);
      if (!port.ok()) return port.status();
      if (*port == old_port) return absl::UnavailableError(absl::StrCat(sentinel->address(), " still names ", old_port));
      found = *port;
    }
    absl::StatusOr<RedisReply> role = RedisCommand(found, {"ROLE"});
    if (!role.ok()) return role.status();
    if (role->elements.empty() || role->elements[0].text != "master") {
      return absl::UnavailableError(absl::StrCat(found, " is not a master yet"));
    }
    return absl::OkStatus();
  });
  if (!done.ok()) return done;
  return found;
}

absl::Status RedisSentinelSet::WaitForReplicas(int primary_port, int replicas, absl::Duration timeout) const {
  return WaitFor("replicas in sync", timeout, [&]() -> absl::Status {
    absl::StatusOr<RedisReply> role = RedisCommand(primary_port, {"ROLE"});
    if (!role.ok()) return role.status();
    // ROLE of a master: ["master", offset, [[host, port, offset], ...]].
    if (role->elements.size() != 3 || role->elements[0].text != "master") {
      return absl::UnavailableError(absl::StrCat(primary_port, " is not a master"));
    }
    if (static_cast<int>(role->elements[2].elements.size()) < replicas) {
      return absl::UnavailableError(
          absl::StrCat(primary_port, " has ", role->elements[2].elements.size(), " replicas"));
    }
    return absl::OkStatus();
  });
}

}  // namespace osteoflow::testing
