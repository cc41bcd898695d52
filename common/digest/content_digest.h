#pragma once

#include <string>
#include "absl/strings/string_view.h"

#include <google/protobuf/message.h>

namespace osteoflow {

// "sha256:<hex>" of a message's deterministic serialization: the same content
// gives the same digest in every process and on every machine.
std::string ContentDigest(const google::protobuf::Message& message);

// A message's deterministic serialization (no map-order freedom).
std::string DeterministicBytes(const google::protobuf::Message& message);

// Lower-case hex SHA-1 of bytes, as Redis's redis.sha1hex gives it: for
// compare-and-set on stored values, not for anything that needs a secure hash.
std::string Sha1Hex(absl::string_view bytes);

// Raw SHA-256 of bytes (32 bytes).
std::string Sha256(absl::string_view bytes);

}  // namespace osteoflow
