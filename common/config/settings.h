#pragma once

#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace osteoflow {

// Exit code of a process stopped by an invalid setting.
inline constexpr int kExitInvalidSetting = 2;
// Exit code when a reviewed data file (catalog, rules) is missing or invalid.
inline constexpr int kExitInvalidData = 3;

// Settings are absl flags. Each may also be given as an environment variable
// OSTEOFLOW_<FLAG NAME IN UPPER CASE>; a command-line flag wins over the
// environment. Any invalid value prints a message naming the setting and exits
// with kExitInvalidSetting. --help lists the settings and exits 0.
void LoadSettings(int argc, char** argv, absl::string_view usage);

// The name of the environment variable behind a flag ("OSTEOFLOW_LISTEN_ADDRESS").
std::string EnvironmentName(absl::string_view flag_name);

// Prints "invalid setting <name> (OSTEOFLOW_<NAME> / --<name>): <why>" and exits 2.
[[noreturn]] void ExitInvalidSetting(absl::string_view flag_name, absl::string_view why);

// Prints "refusing to start: <why>" and exits with kExitInvalidData.
[[noreturn]] void ExitInvalidData(absl::string_view why);

// Unwraps a settings check: on error the status message must start with the
// flag name and a colon ("drain_timeout: must be positive").
template <typename T>
T ValueOrExit(absl::StatusOr<T> value) {
  if (!value.ok()) {
    const absl::string_view message = value.status().message();
    const size_t colon = message.find(':');
    if (colon == absl::string_view::npos) ExitInvalidSetting("?", message);
    absl::string_view why = message.substr(colon + 1);
    while (!why.empty() && why.front() == ' ') why.remove_prefix(1);
    ExitInvalidSetting(message.substr(0, colon), why);
  }
  return *std::move(value);
}

// Unwraps a loaded data file; on error prints "refusing to start: <why>"
// (the loader's message names the file and entry, never patient data) and
// exits with kExitInvalidData.
template <typename T>
T DataOrExit(absl::StatusOr<T> loaded) {
  if (!loaded.ok()) ExitInvalidData(loaded.status().message());
  return *std::move(loaded);
}

}  // namespace osteoflow
