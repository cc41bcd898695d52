#include "common/redis/redis_script.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/digest/content_digest.h"
#include "common/redis/redis_command_keys.h"

namespace osteoflow {

bool ScriptOnlyReads(absl::string_view text) {
  for (size_t at = text.find("redis."); at != absl::string_view::npos; at = text.find("redis.", at + 1)) {
    absl::string_view rest = text.substr(at + 6);
    if (absl::StartsWith(rest, "call")) {
      rest.remove_prefix(4);
    } else if (absl::StartsWith(rest, "pcall")) {
      rest.remove_prefix(5);
    } else {
      continue;  // redis.sha1hex, redis.log...: not commands
    }
    rest = absl::StripLeadingAsciiWhitespace(rest);
    if (!absl::ConsumePrefix(&rest, "(")) return false;
    rest = absl::StripLeadingAsciiWhitespace(rest);
    if (rest.empty() || (rest.front() != '\'' && rest.front() != '"')) return false;  // a computed name
    const char quote = rest.front();
    const size_t end = rest.find(quote, 1);
    if (end == absl::string_view::npos || !IsReadOnlyCommand(rest.substr(1, end - 1))) return false;
  }
  return true;
}

RedisScript::RedisScript(std::string text)
    : text_(std::move(text)), sha1_(Sha1Hex(text_)), read_only_(ScriptOnlyReads(text_)) {}

absl::StatusOr<RedisReply> RedisScript::Run(RedisPool& pool, const std::vector<std::string>& keys,
                                            const std::vector<std::string>& args) const {
  std::vector<std::string> command;
  command.reserve(3 + keys.size() + args.size());
  command.push_back(read_only_ ? "EVALSHA_RO" : "EVALSHA");
  command.push_back(sha1_);
  command.push_back(absl::StrCat(keys.size()));
  command.insert(command.end(), keys.begin(), keys.end());
  command.insert(command.end(), args.begin(), args.end());
  absl::StatusOr<RedisReply> reply = pool.Execute(command);
  // Redis refuses an unknown script before running anything, so sending the
  // text now cannot apply a change twice.
  if (reply.ok() || !absl::StrContains(reply.status().message(), "NOSCRIPT")) return reply;
  command[0] = read_only_ ? "EVAL_RO" : "EVAL";
  command[1] = text_;
  return pool.Execute(command);
}

}  // namespace osteoflow
