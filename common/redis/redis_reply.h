#pragma once

#include <string>
#include <vector>

namespace osteoflow {

// A Redis reply, copied out of hiredis so that the connection can go back to
// the pool at once.
struct RedisReply {
  enum class Type { kNil, kString, kStatus, kInteger, kArray, kError };

  Type type = Type::kNil;
  std::string text;  // kString, kStatus, kError
  long long integer = 0;
  std::vector<RedisReply> elements;  // kArray

  bool is_nil() const { return type == Type::kNil; }
};

}  // namespace osteoflow
