#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace osteoflow {

// The keys a command names, as Redis Cluster routes it: EVAL, EVALSHA and
// FCALL (and their _RO forms) the numkeys keys after the script; the commands
// that take several keys (MGET, DEL, MSET, BLPOP...) all of them; commands
// that take none (PING, MULTI, EXEC, WAIT, INFO...) none; any other command
// its first argument.
std::vector<absl::string_view> CommandKeys(const std::vector<std::string>& command);

// The one hash slot every key of these commands hashes to, nullopt when they
// name no key. INTERNAL, naming the command, when keys fall in different
// slots: Redis Cluster would refuse the request (CROSSSLOT), and a
// transaction or script cannot be split.
absl::StatusOr<std::optional<int>> PipelineSlot(const std::vector<std::vector<std::string>>& commands);

// Whether a command only reads (GET, ZRANGEBYSCORE, EVALSHA_RO...); any
// command not known to be a read counts as a write.
bool IsReadOnlyCommand(absl::string_view name);

// Whether any command may change data.
bool MayWrite(const std::vector<std::vector<std::string>>& commands);

// Whether the commands hold a MULTI ... EXEC transaction, which Redis runs
// whole or not at all.
bool IsTransaction(const std::vector<std::vector<std::string>>& commands);

}  // namespace osteoflow
