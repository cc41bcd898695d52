#include "common/redis/redis_command_keys.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/redis/redis_slot.h"

namespace osteoflow {
namespace {

using NameSet = absl::flat_hash_set<std::string>;

// Commands about the server or the connection, not about keys.
const NameSet& KeylessCommands() {
  static const NameSet* const names = new NameSet{
      "ACL",      "ASKING",    "AUTH",     "BGREWRITEAOF", "BGSAVE",   "CLIENT",    "CLUSTER",
      "COMMAND",  "CONFIG",    "DBSIZE",   "DEBUG",        "DISCARD",  "ECHO",      "EXEC",
      "FAILOVER", "FLUSHALL",  "FLUSHDB",  "FUNCTION",     "HELLO",    "INFO",      "LASTSAVE",
      "LATENCY",  "LOLWUT",    "MODULE",   "MONITOR",      "MULTI",    "PING",      "PUBLISH",
      "QUIT",     "RANDOMKEY", "READONLY", "READWRITE",    "REPLICAOF", "RESET",    "ROLE",
      "SAVE",     "SCAN",      "SCRIPT",   "SELECT",       "SENTINEL", "SHUTDOWN",  "SLAVEOF",
      "SLOWLOG",  "SWAPDB",    "TIME",     "UNWATCH",      "WAIT"};
  return *names;
}

// Commands whose every argument is a key.
const NameSet& AllKeysCommands() {
  static const NameSet* const names = new NameSet{
      "DEL",    "EXISTS",      "MGET",        "PFCOUNT", "PFMERGE", "SDIFF", "SDIFFSTORE",
      "SINTER", "SINTERSTORE", "SUNION",      "SUNIONSTORE", "TOUCH", "UNLINK", "WATCH"};
  return *names;
}

// Commands whose arguments are keys but the last (a timeout).
const NameSet& BlockingPopCommands() {
  static const NameSet* const names = new NameSet{"BLPOP", "BRPOP", "BZPOPMAX", "BZPOPMIN"};
  return *names;
}

// Commands with a source and a destination key.
const NameSet& TwoKeyCommands() {
  static const NameSet* const names = new NameSet{"BLMOVE", "BRPOPLPUSH", "COPY", "GEOSEARCHSTORE", "LMOVE",
                                                   "RENAME", "RENAMENX", "RPOPLPUSH", "SMOVE", "ZRANGESTORE"};
  return *names;
}

// Commands that read and never change data. Anything else is a write.
const NameSet& ReadOnlyCommands() {
  static const NameSet* const names = new NameSet{
      "BITCOUNT",  "BITPOS",    "DBSIZE",     "DUMP",      "ECHO",       "EVALSHA_RO", "EVAL_RO",
      "EXISTS",    "EXPIRETIME", "FCALL_RO",  "GET",       "GETBIT",     "GETRANGE",   "HEXISTS",
      "HGET",      "HGETALL",   "HKEYS",      "HLEN",      "HMGET",      "HSTRLEN",    "HVALS",
      "INFO",      "LINDEX",    "LLEN",       "LPOS",      "LRANGE",     "MGET",       "PEXPIRETIME",
      "PING",      "PTTL",      "ROLE",       "SCAN",      "SCARD",      "SISMEMBER",  "SMEMBERS",
      "SMISMEMBER", "SRANDMEMBER", "STRLEN",  "TIME",      "TTL",        "TYPE",       "XLEN",
      "XRANGE",    "XREVRANGE", "ZCARD",      "ZCOUNT",    "ZLEXCOUNT",  "ZMSCORE",    "ZRANDMEMBER",
      "ZRANGE",    "ZRANGEBYLEX", "ZRANGEBYSCORE", "ZRANK", "ZREVRANGE", "ZREVRANGEBYLEX",
      "ZREVRANGEBYSCORE", "ZREVRANK", "ZSCORE",
      // A transaction's commands are judged one by one; WAIT and ASKING are
      // what the pool itself adds.
      "ASKING",    "DISCARD",   "EXEC",       "MULTI",     "WAIT"};
  return *names;
}

std::string Upper(absl::string_view name) { return absl::AsciiStrToUpper(name); }

// The keys after a numkeys argument at `at`; none when numkeys is not a
// number that fits (Redis refuses such a command anyway).
std::vector<absl::string_view> KeysAfterCount(const std::vector<std::string>& command, size_t at) {
  std::vector<absl::string_view> keys;
  size_t count = 0;
  if (at >= command.size() || !absl::SimpleAtoi(command[at], &count) || count > command.size() - at - 1) {
    return keys;
  }
  for (size_t i = at + 1; i <= at + count; ++i) keys.emplace_back(command[i]);
  return keys;
}

}  // namespace

std::vector<absl::string_view> CommandKeys(const std::vector<std::string>& command) {
  std::vector<absl::string_view> keys;
  if (command.size() < 2) return keys;
  const std::string name = Upper(command[0]);
  if (KeylessCommands().contains(name)) return keys;
  if (name == "EVAL" || name == "EVALSHA" || name == "EVAL_RO" || name == "EVALSHA_RO" || name == "FCALL" ||
      name == "FCALL_RO") {
    return KeysAfterCount(command, 2);
  }
  if (name == "ZUNIONSTORE" || name == "ZINTERSTORE" || name == "ZDIFFSTORE") {
    keys = KeysAfterCount(command, 2);
    keys.emplace(keys.begin(), command[1]);
    return keys;
  }
  if (name == "ZUNION" || name == "ZINTER" || name == "ZDIFF" || name == "ZINTERCARD" || name == "SINTERCARD" ||
      name == "LMPOP" || name == "ZMPOP") {
    return KeysAfterCount(command, 1);
  }
  if (name == "OBJECT" || name == "MEMORY") {  // OBJECT ENCODING key, MEMORY USAGE key
    if (command.size() > 2) keys.emplace_back(command[2]);
    return keys;
  }
  if (AllKeysCommands().contains(name)) {
    for (size_t i = 1; i < command.size(); ++i) keys.emplace_back(command[i]);
    return keys;
  }
  if (BlockingPopCommands().contains(name)) {
    for (size_t i = 1; i + 1 < command.size(); ++i) keys.emplace_back(command[i]);
    return keys;
  }
  if (name == "MSET" || name == "MSETNX") {
    for (size_t i = 1; i < command.size(); i += 2) keys.emplace_back(command[i]);
    return keys;
  }
  if (TwoKeyCommands().contains(name)) {
    keys.emplace_back(command[1]);
    if (command.size() > 2) keys.emplace_back(command[2]);
    return keys;
  }
  keys.emplace_back(command[1]);
  return keys;
}

absl::StatusOr<std::optional<int>> PipelineSlot(const std::vector<std::vector<std::string>>& commands) {
  std::optional<int> slot;
  for (const std::vector<std::string>& command : commands) {
    for (const absl::string_view key : CommandKeys(command)) {
      const int this_slot = RedisKeySlot(key);
      if (!slot.has_value()) {
        slot = this_slot;
      } else if (*slot != this_slot) {
        // The key itself may hold a person's id: the command and the slots
        // say enough.
        return absl::InternalError(absl::StrCat("redis: ", Upper(command[0]), " names a key in slot ", this_slot,
                                                " where the request's other keys are in slot ", *slot,
                                                "; a request must stay in one slot"));
      }
    }
  }
  return slot;
}

bool IsReadOnlyCommand(absl::string_view name) { return ReadOnlyCommands().contains(Upper(name)); }

bool MayWrite(const std::vector<std::vector<std::string>>& commands) {
  for (const std::vector<std::string>& command : commands) {
    if (!command.empty() && !IsReadOnlyCommand(command[0])) return true;
  }
  return false;
}

bool IsTransaction(const std::vector<std::vector<std::string>>& commands) {
  for (const std::vector<std::string>& command : commands) {
    if (!command.empty() && Upper(command[0]) == "MULTI") return true;
  }
  return false;
}

}  // namespace osteoflow
