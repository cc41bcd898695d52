#include "common/redis/redis_acknowledgement.h"

#include "absl/strings/str_cat.h"
#include "common/redis/redis_slot.h"

namespace osteoflow {
namespace {

constexpr absl::string_view kFencePrefix = "osteoflow:v1:ack-fence";

// A key per slot, with a hash tag found by counting up until every slot has
// one (about 170,000 CRCs, once, on the first acknowledged write).
const std::vector<std::string>& FenceKeys() {
  static const std::vector<std::string>* const keys = [] {
    auto* found = new std::vector<std::string>(kRedisSlotCount);
    int missing = kRedisSlotCount;
    for (int n = 0; missing > 0; ++n) {
      const std::string tag = absl::StrCat(n);
      std::string& key = (*found)[static_cast<size_t>(RedisKeySlot(tag))];
      if (!key.empty()) continue;
      key = absl::StrCat(kFencePrefix, ":{", tag, "}");
      --missing;
    }
    return found;
  }();
  return *keys;
}

}  // namespace

const std::string& AcknowledgementFenceKey(int slot) { return FenceKeys()[static_cast<size_t>(slot)]; }

std::vector<std::vector<std::string>> AcknowledgementCommands(const RedisAcknowledgement& policy,
                                                              std::optional<int> slot) {
  return {{"SET", slot.has_value() ? AcknowledgementFenceKey(*slot) : std::string(kFencePrefix), ""},
          {"WAIT", absl::StrCat(policy.replicas), absl::StrCat(absl::ToInt64Milliseconds(policy.timeout))}};
}

absl::Status CheckAcknowledgement(const RedisAcknowledgement& policy, const RedisReply& fence,
                                  const RedisReply& wait, absl::string_view role, const RedisEndpoint& node) {
  if (fence.type == RedisReply::Type::kError || wait.type != RedisReply::Type::kInteger) {
    const std::string why = fence.type == RedisReply::Type::kError ? fence.text
                            : wait.type == RedisReply::Type::kError ? wait.text
                                                                    : std::string("no count");
    return absl::UnavailableError(absl::StrCat("redis ", role, " at ", node.ToString(),
                                               ": the write may be applied but its replication could not be "
                                               "confirmed (",
                                               why, "); retry the same request"));
  }
  if (wait.integer >= policy.replicas) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat("redis ", role, " at ", node.ToString(),
                                             ": the write is applied on the primary but only ", wait.integer,
                                             " of ", policy.replicas, " replicas acknowledged it within ",
                                             absl::FormatDuration(policy.timeout), "; retry the same request"));
}

}  // namespace osteoflow
