#pragma once

#include <string>

namespace osteoflow::bench {

// The wire bytes of one string field `field_number` = `value`. Appended to a
// serialised request it replaces that field's earlier value (for a singular
// field the last occurrence wins), so each call can carry its own
// idempotency key without parsing or re-serialising the request.
std::string EncodedStringField(int field_number, const std::string& value);

}  // namespace osteoflow::bench
