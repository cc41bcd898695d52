#include "common/config/settings.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

extern char** environ;

namespace osteoflow {
namespace {

constexpr absl::string_view kEnvPrefix = "OSTEOFLOW_";

// Flags defined by Abseil itself (flagfile, fromenv, ...) are not settings.
bool IsOurFlag(const absl::CommandLineFlag& flag) {
  return !absl::StrContains(flag.Filename(), "absl/");
}

void Fail(absl::string_view source, absl::string_view why) {
  std::fprintf(stderr, "invalid setting %.*s: %.*s\n", static_cast<int>(source.size()),
               source.data(), static_cast<int>(why.size()), why.data());
  std::exit(kExitInvalidSetting);
}

void PrintHelp(absl::string_view usage,
               const absl::flat_hash_map<absl::string_view, absl::CommandLineFlag*>& flags) {
  std::vector<absl::CommandLineFlag*> ours;
  for (const auto& [name, flag] : flags) {
    if (IsOurFlag(*flag)) ours.push_back(flag);
  }
  std::sort(ours.begin(), ours.end(),
            [](const auto* a, const auto* b) { return a->Name() < b->Name(); });
  std::printf("%.*s\n\nSettings (flag, environment variable, default):\n",
              static_cast<int>(usage.size()), usage.data());
  for (const auto* flag : ours) {
    std::printf("  --%s  %s  [%s]\n      %s\n", std::string(flag->Name()).c_str(),
                EnvironmentName(flag->Name()).c_str(), flag->DefaultValue().c_str(),
                flag->Help().c_str());
  }
}

void Apply(absl::CommandLineFlag* flag, absl::string_view value, absl::string_view source) {
  std::string error;
  if (!flag->ParseFrom(value, &error)) Fail(source, error);
}

}  // namespace

std::string EnvironmentName(absl::string_view flag_name) {
  return absl::StrCat(kEnvPrefix, absl::AsciiStrToUpper(flag_name));
}

void ExitInvalidSetting(absl::string_view flag_name, absl::string_view why) {
  Fail(absl::StrCat(flag_name, " (", EnvironmentName(flag_name), " / --", flag_name, ")"), why);
  std::abort();  // unreachable: Fail exits
}

void LoadSettings(int argc, char** argv, absl::string_view usage) {
  const auto flags = absl::GetAllFlags();

  // Environment first, so that the command line can override it.
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const absl::string_view assignment(*entry);
    if (!absl::StartsWith(assignment, kEnvPrefix)) continue;
    const size_t equals = assignment.find('=');
    if (equals == absl::string_view::npos) continue;
    const std::string env_name(assignment.substr(0, equals));
    const std::string flag_name =
        absl::AsciiStrToLower(absl::string_view(env_name).substr(kEnvPrefix.size()));
    const auto it = flags.find(flag_name);
    // Other services' settings may share one environment (docker-compose, a
    // ConfigMap): a variable this program does not know is not an error.
    if (it == flags.end() || !IsOurFlag(*it->second)) continue;
    Apply(it->second, assignment.substr(equals + 1), env_name);
  }

  for (int i = 1; i < argc; ++i) {
    absl::string_view arg(argv[i]);
    if (arg == "--help" || arg == "-h" || arg == "--helpfull") {
      PrintHelp(usage, flags);
      std::exit(0);
    }
    if (!absl::StartsWith(arg, "--")) Fail(arg, "unexpected argument (settings are --name=value)");
    arg.remove_prefix(2);
    absl::string_view name = arg;
    absl::string_view value;
    bool has_value = false;
    if (const size_t equals = arg.find('='); equals != absl::string_view::npos) {
      name = arg.substr(0, equals);
      value = arg.substr(equals + 1);
      has_value = true;
    }
    auto it = flags.find(name);
    if (it == flags.end() && !has_value && absl::StartsWith(name, "no")) {
      // --nofoo for a boolean foo.
      auto negated = flags.find(name.substr(2));
      if (negated != flags.end() && negated->second->IsOfType<bool>()) {
        Apply(negated->second, "false", absl::StrCat("--", name));
        continue;
      }
    }
    if (it == flags.end() || !IsOurFlag(*it->second)) {
      Fail(absl::StrCat("--", name), "unknown setting (see --help)");
    }
    absl::CommandLineFlag* flag = it->second;
    if (!has_value) {
      if (flag->IsOfType<bool>()) {
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        Fail(absl::StrCat("--", name), "missing value");
      }
    }
    Apply(flag, value, absl::StrCat("--", name));
  }
}

void ExitInvalidData(absl::string_view why) {
  std::fprintf(stderr, "refusing to start: %s\n", std::string(why).c_str());
  std::exit(kExitInvalidData);
}

}  // namespace osteoflow
