#include "tests/support/redis_cluster_set.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/redis/redis_slot.h"
#include "tests/support/redis_sentinel_set.h"

namespace osteoflow::testing {

absl::StatusOr<std::unique_ptr<RedisClusterSet>> RedisClusterSet::Start(Options options) {
  std::unique_ptr<RedisClusterSet> set(new RedisClusterSet(options));
  std::vector<std::string> args = DurableNodeArgs();
  args.insert(args.end(), {"--cluster-node-timeout", absl::StrCat(absl::ToInt64Milliseconds(options.node_timeout))});
  const int count = options.primaries * (1 + options.replicas_each);
  std::vector<std::string> create = {"--cluster", "create"};
  for (int i = 0; i < count; ++i) {
    absl::StatusOr<std::unique_ptr<RedisProcess>> node = RedisProcess::Start({.args = args, .cluster = true});
    if (!node.ok()) return node.status();
    create.push_back((*node)->address());
    set->nodes_.push_back(*std::move(node));
  }
  create.insert(create.end(), {"--cluster-replicas", absl::StrCat(options.replicas_each), "--cluster-yes"});
  absl::StatusOr<ProcessResult> created = set->Cli(create, absl::Seconds(60));
  if (!created.ok()) return created.status();
  if (created->exit_code != 0) {
    return absl::InternalError(absl::StrCat("redis-cli --cluster create failed:\n", created->output));
  }
  if (absl::Status healthy = set->WaitUntilHealthy(absl::Seconds(30)); !healthy.ok()) return healthy;
  return set;
}

std::string RedisClusterSet::address() const {
  std::vector<std::string> nodes;
  for (const auto& node : nodes_) nodes.push_back(node->address());
  return absl::StrCat("redis-cluster://", absl::StrJoin(nodes, ","));
}

RedisProcess* RedisClusterSet::NodeOnPort(int port) {
  for (const auto& node : nodes_) {
    if (node->port() == port) return node.get();
  }
  return nullptr;
}

absl::StatusOr<ProcessResult> RedisClusterSet::Cli(const std::vector<std::string>& args,
                                                   absl::Duration timeout) const {
  return RunToExit("/usr/bin/redis-cli", args, {}, timeout);
}

absl::StatusOr<std::string> RedisClusterSet::NodeId(int port) const {
  absl::StatusOr<RedisReply> id = RedisCommand(port, {"CLUSTER", "MYID"});
  if (!id.ok()) return id.status();
  if (id->type != RedisReply::Type::kString) return absl::InternalError(id->text);
  return id->text;
}

absl::StatusOr<int> RedisClusterSet::PrimaryOfSlot(int slot) const {
  for (const auto& node : nodes_) {
    if (!node->running()) continue;
    absl::StatusOr<RedisReply> slots = node->Command({"CLUSTER", "SLOTS"});
    if (!slots.ok()) continue;
    for (const RedisReply& range : slots->elements) {
      if (range.elements.size() >= 3 && range.elements[0].integer <= slot && slot <= range.elements[1].integer) {
        return static_cast<int>(range.elements[2].elements[1].integer);
      }
    }
    return absl::NotFoundError(absl::StrCat("no primary serves slot ", slot));
  }
  return absl::UnavailableError("no node running");
}

absl::Status RedisClusterSet::WaitUntilHealthy(absl::Duration timeout) const {
  return WaitFor("a healthy cluster", timeout, [&]() -> absl::Status {
    for (const auto& node : nodes_) {
      if (!node->running()) continue;
      if (node->Info("cluster_enabled") != "1") return absl::UnavailableError("cluster not enabled");
      absl::StatusOr<RedisReply> info = node->Command({"CLUSTER", "INFO"});
      if (!info.ok()) return info.status();
      if (!absl::StrContains(info->text, "cluster_state:ok") ||
          !absl::StrContains(info->text, "cluster_slots_ok:16384")) {
        return absl::UnavailableError(absl::StrCat(node->address(), " is not ok yet"));
      }
      absl::StatusOr<RedisReply> slots = node->Command({"CLUSTER", "SLOTS"});
      if (!slots.ok()) return slots.status();
      for (const RedisReply& range : slots->elements) {
        // [first, last, primary, replicas...]; a dead replica may still be
        // listed, so replicas are checked by their own link below.
        if (range.elements.size() < 3) return absl::UnavailableError("a slot range without a primary");
      }
      if (node->Info("role") == "slave" && node->Info("master_link_status") != "up") {
        return absl::UnavailableError(absl::StrCat(node->address(), " is not in sync"));
      }
    }
    return absl::OkStatus();
  });
}

std::vector<std::string> PatientsInSlots(int first, int last, int how_many, absl::string_view stem) {
  std::vector<std::string> patients;
  for (int n = 0; static_cast<int>(patients.size()) < how_many; ++n) {
    std::string id = absl::StrCat(stem, "-", n);
    const int slot = RedisKeySlot(id);
    if (slot >= first && slot <= last) patients.push_back(std::move(id));
  }
  return patients;
}

}  // namespace osteoflow::testing
