#include "tests/support/store_contents.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/redis/redis_pool.h"

namespace osteoflow::testing {
namespace {

// A reply flattened: strings and numbers in order, arrays depth first.
void Flatten(const RedisReply& reply, std::string& out) {
  switch (reply.type) {
    case RedisReply::Type::kArray:
      for (const RedisReply& element : reply.elements) Flatten(element, out);
      return;
    case RedisReply::Type::kInteger:
      absl::StrAppend(&out, reply.integer, "\n");
      return;
    case RedisReply::Type::kNil:
      out += "(nil)\n";
      return;
    default:
      absl::StrAppend(&out, reply.text, "\n");
  }
}

// The command that reads a whole value of `type`.
std::vector<std::string> ReadWhole(const std::string& type, const std::string& key) {
  if (type == "hash") return {"HGETALL", key};
  if (type == "list") return {"LRANGE", key, "0", "-1"};
  if (type == "set") return {"SMEMBERS", key};
  if (type == "zset") return {"ZRANGE", key, "0", "-1", "WITHSCORES"};
  if (type == "stream") return {"XRANGE", key, "-", "+"};
  return {"GET", key};
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> StoreContents(int port) {
  RedisPoolOptions options;
  options.role = "test";
  options.port = port;
  options.command_timeout = absl::Seconds(5);
  RedisPool redis(options);
  std::map<std::string, std::string> contents;
  std::string cursor = "0";
  do {
    absl::StatusOr<RedisReply> page = redis.Execute({"SCAN", cursor, "COUNT", "1000"});
    if (!page.ok()) return page.status();
    if (page->elements.size() != 2) return absl::InternalError("SCAN: unexpected reply");
    cursor = page->elements[0].text;
    for (const RedisReply& key : page->elements[1].elements) {
      absl::StatusOr<RedisReply> type = redis.Execute({"TYPE", key.text});
      if (!type.ok()) return type.status();
      absl::StatusOr<RedisReply> value = redis.Execute(ReadWhole(type->text, key.text));
      if (!value.ok()) return value.status();
      std::string flat = type->text + "\n";
      Flatten(*value, flat);
      contents[key.text] = std::move(flat);
    }
  } while (cursor != "0");
  return contents;
}

}  // namespace osteoflow::testing
