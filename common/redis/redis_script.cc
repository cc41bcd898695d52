#include "common/redis/redis_script.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/digest/content_digest.h"

namespace osteoflow {

RedisScript::RedisScript(std::string text) : text_(std::move(text)), sha1_(Sha1Hex(text_)) {}

absl::StatusOr<RedisReply> RedisScript::Run(RedisPool& pool, const std::vector<std::string>& keys,
                                            const std::vector<std::string>& args) const {
  std::vector<std::string> command;
  command.reserve(3 + keys.size() + args.size());
  command.push_back("EVALSHA");
  command.push_back(sha1_);
  command.push_back(absl::StrCat(keys.size()));
  command.insert(command.end(), keys.begin(), keys.end());
  command.insert(command.end(), args.begin(), args.end());
  absl::StatusOr<RedisReply> reply = pool.Execute(command);
  // Redis refuses an unknown script before running anything, so sending the
  // text now cannot apply a change twice.
  if (reply.ok() || !absl::StrContains(reply.status().message(), "NOSCRIPT")) return reply;
  command[0] = "EVAL";
  command[1] = text_;
  return pool.Execute(command);
}

}  // namespace osteoflow
