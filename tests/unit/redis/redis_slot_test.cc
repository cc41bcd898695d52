// Hash slots computed here against Redis's own CLUSTER KEYSLOT, for many
// keys and the hash tag's edge cases.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "common/redis/redis_connection.h"
#include "common/redis/redis_slot.h"
#include "tests/support/redis_process.h"

namespace osteoflow {
namespace {

TEST(RedisSlot, Crc16IsXmodem) {
  // The check value of CRC-16/XMODEM, which the cluster specification uses.
  EXPECT_EQ(RedisCrc16("123456789"), 0x31C3);
  EXPECT_EQ(RedisCrc16(""), 0);
}

TEST(RedisSlot, HashTagRules) {
  EXPECT_EQ(RedisKeySlot("{user1000}.following"), RedisKeySlot("{user1000}.followers"));
  EXPECT_EQ(RedisKeySlot("a{b}{c}"), RedisKeySlot("b"));            // the first tag only
  EXPECT_EQ(RedisKeySlot("{}x"), RedisCrc16("{}x") % kRedisSlotCount);  // empty tag: the whole key
  EXPECT_EQ(RedisKeySlot("x{"), RedisCrc16("x{") % kRedisSlotCount);    // no closing brace
  EXPECT_EQ(RedisKeySlot("{{a}}"), RedisKeySlot("{a"));             // from the first '{' to the first '}'
  EXPECT_EQ(RedisKeySlot("osteoflow:v1:{p-1}:program:x:plan"), RedisKeySlot("osteoflow:v1:{p-1}:programs"));
}

std::vector<std::string> KeysToCompare() {
  std::vector<std::string> keys = {"",        "{",          "}",         "{}",        "}{",       "{}{}",
                                   "{}{a}",   "a{}b",       "a{b}{c}",   "a{b",       "a}b{c}",   "{{a}}",
                                   "{a}}",    "{{}}",       "x{y}",      "{ }",       "foo",      "bar",
                                   "ключ",    "{ключ}:1",   std::string("\0{\0}\0", 5),
                                   std::string(1000, 'k'),  "osteoflow:v1:{patient-1}:screenings",
                                   "osteoflow:v1:readiness:screening", "osteoflow:v1:ack-fence"};
  // Random binary keys, some with braces where they matter most.
  absl::BitGen random;
  for (int i = 0; i < 3000; ++i) {
    std::string key(absl::Uniform(random, 0u, 24u), '\0');
    for (char& c : key) {
      const int pick = absl::Uniform(random, 0, 10);
      c = pick == 0 ? '{' : pick == 1 ? '}' : static_cast<char>(absl::Uniform(random, 0, 256));
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

TEST(RedisSlot, AgreesWithClusterKeyslot) {
  // CLUSTER KEYSLOT needs a node started in cluster mode, slots or none.
  auto node = testing::RedisProcess::Start({.cluster = true});
  ASSERT_TRUE(node.ok()) << node.status();
  auto connection = RedisConnection::Open((*node)->endpoint(), absl::Seconds(1), absl::Seconds(10));
  ASSERT_TRUE(connection.ok()) << connection.status();
  const std::vector<std::string> keys = KeysToCompare();
  std::vector<std::vector<std::string>> commands;
  for (const std::string& key : keys) commands.push_back({"CLUSTER", "KEYSLOT", key});
  auto replies = (*connection)->Run(commands);
  ASSERT_TRUE(replies.ok()) << replies.status();
  int compared = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_EQ((*replies)[i].type, RedisReply::Type::kInteger) << (*replies)[i].text;
    EXPECT_EQ(RedisKeySlot(keys[i]), (*replies)[i].integer) << "key #" << i << " (" << keys[i].size() << " bytes)";
    ++compared;
  }
  EXPECT_GT(compared, 3000);
}

}  // namespace
}  // namespace osteoflow
