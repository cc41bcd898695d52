#include "common/redis/redis_redirect.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace osteoflow {

RedisRedirect RedirectOf(const RedisReply& reply, const RedisEndpoint& answering) {
  RedisRedirect redirect;
  if (reply.type != RedisReply::Type::kError) return redirect;
  const absl::string_view text = reply.text;
  if (absl::StartsWith(text, "MOVED ") || absl::StartsWith(text, "ASK ")) {
    const std::vector<absl::string_view> parts = absl::StrSplit(text, ' ');
    int slot = -1;
    if (parts.size() != 3 || !absl::SimpleAtoi(parts[1], &slot) || slot < 0) return redirect;
    // Redis names an unknown endpoint "?" or leaves the host out.
    absl::StatusOr<RedisEndpoint> node = ParseRedisEndpoint(parts[2]);
    if (!node.ok() && absl::StartsWith(parts[2], ":")) {
      node = ParseRedisEndpoint(absl::StrCat(answering.host, parts[2]));
    }
    if (!node.ok()) return redirect;
    if (node->host == "?" || node->host.empty()) node->host = answering.host;
    redirect.kind = absl::StartsWith(text, "MOVED ") ? RedisRedirect::Kind::kMoved : RedisRedirect::Kind::kAsk;
    redirect.slot = slot;
    redirect.node = *std::move(node);
    return redirect;
  }
  if (absl::StartsWith(text, "TRYAGAIN")) {
    redirect.kind = RedisRedirect::Kind::kTryAgain;
  } else if (absl::StartsWith(text, "CLUSTERDOWN")) {
    redirect.kind = RedisRedirect::Kind::kClusterDown;
  } else if (absl::StartsWith(text, "READONLY")) {
    redirect.kind = RedisRedirect::Kind::kReadOnly;
  } else if (absl::StrContains(text, "Script attempted to access a non local key in a cluster node") ||
             absl::StrContains(text, "undeclared keys were accessed during rehashing")) {
    redirect.kind = RedisRedirect::Kind::kScriptKeyMoved;
  }
  return redirect;
}

}  // namespace osteoflow
