#pragma once

#include <cstdint>

#include "absl/strings/string_view.h"

namespace osteoflow {

// Redis Cluster shards keys over this many hash slots.
inline constexpr int kRedisSlotCount = 16384;

// CRC16 as Redis Cluster uses it (XMODEM: polynomial 0x1021, initial value 0).
uint16_t RedisCrc16(absl::string_view bytes);

// The hash slot of a key: CRC16 of the key modulo 16384, or of its hash tag
// when it has one. The tag is what lies between the first '{' and the first
// '}' after it, if that is not empty ("a{b}{c}" hashes "b"; "{}x" and "{x"
// hash the whole key). Keys that share a tag share a slot.
int RedisKeySlot(absl::string_view key);

}  // namespace osteoflow
