#include "tools/cli/json_input.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/config/json_file.h"

namespace osteoflow::tools {
namespace {

// "reps_per_set" → "repsPerSet".
std::string JsonName(absl::string_view name) {
  std::string out;
  bool upper = false;
  for (const char c : name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out.push_back(upper ? absl::ascii_toupper(static_cast<unsigned char>(c)) : c);
    upper = false;
  }
  return out;
}

int LineOf(absl::string_view text, absl::string_view needle) {
  const size_t at = text.find(needle);
  if (at == absl::string_view::npos) return 0;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

}  // namespace

int LineOfField(absl::string_view text, absl::string_view field_path) {
  absl::string_view last = field_path;
  if (const size_t dot = last.rfind('.'); dot != absl::string_view::npos) last = last.substr(dot + 1);
  if (const size_t bracket = last.find('['); bracket != absl::string_view::npos) last = last.substr(0, bracket);
  if (last.empty()) return 0;
  for (const std::string& name : {std::string(last), JsonName(last)}) {
    if (const int line = LineOf(text, absl::StrCat("\"", name, "\"")); line > 0) return line;
  }
  return 0;
}

absl::Status ReadJsonFile(const std::string& path, google::protobuf::Message* message) {
  std::string text;
  if (absl::Status read = ReadWholeFile(path, &text); !read.ok()) return read;
  absl::Status parsed = ParseJsonMessage(text, message);
  if (parsed.ok()) return parsed;
  // protobuf names the field at fault: "(items[0]) repsPerSett: Cannot find
  // field." or "Invalid value for field ...", which points at a line.
  const std::string why(parsed.message());
  int line = 0;
  std::string name;
  if (const size_t at = why.find(": Cannot find field"); at != std::string::npos) {
    const size_t start = why.find_last_of(" )", at);
    name = why.substr(start == std::string::npos ? 0 : start + 1, at - (start == std::string::npos ? 0 : start + 1));
  } else if (const size_t value = why.find("field "); value != std::string::npos) {
    name = why.substr(value + 6);
    name = name.substr(0, name.find_first_of(" :,.\n"));
  }
  if (!name.empty()) line = LineOf(text, absl::StrCat("\"", name, "\""));
  // Or "(items[0].effort): invalid value ...": the path in brackets.
  if (line == 0) {
    const size_t open = why.find('(');
    const size_t close = why.find(')', open == std::string::npos ? 0 : open);
    if (open != std::string::npos && close != std::string::npos) {
      line = LineOfField(text, why.substr(open + 1, close - open - 1));
    }
  }
  return absl::InvalidArgumentError(
      line > 0 ? absl::StrCat(path, ": line ", line, ": ", why) : absl::StrCat(path, ": ", why));
}

}  // namespace osteoflow::tools
