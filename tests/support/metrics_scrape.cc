#include "tests/support/metrics_scrape.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/support/service_process.h"

extern char** environ;

namespace osteoflow::testing {
namespace {

// Sends all of `data`; false when the socket fails or times out.
bool SendAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    data.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

// A body sent with "Transfer-Encoding: chunked", joined; nullopt when the
// chunks do not add up.
std::optional<std::string> Dechunk(absl::string_view chunked) {
  std::string body;
  while (true) {
    const size_t line_end = chunked.find("\r\n");
    if (line_end == absl::string_view::npos) return std::nullopt;
    absl::string_view size_text = chunked.substr(0, line_end);
    size_text = size_text.substr(0, size_text.find(';'));  // chunk extensions
    size_t size = 0;
    if (!absl::SimpleHexAtoi(absl::StripAsciiWhitespace(size_text), &size)) return std::nullopt;
    chunked.remove_prefix(line_end + 2);
    if (size == 0) return body;
    if (chunked.size() < size + 2) return std::nullopt;
    body.append(chunked.data(), size);
    chunked.remove_prefix(size + 2);
  }
}

// The label set of `text`, the part between the braces of a sample line.
absl::Status ParseLabels(absl::string_view text, std::map<std::string, std::string>* labels) {
  size_t i = 0;
  const auto skip_blanks = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  };
  while (true) {
    skip_blanks();
    if (i == text.size()) return absl::OkStatus();
    const size_t name_start = i;
    while (i < text.size() && (absl::ascii_isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
    const std::string name(text.substr(name_start, i - name_start));
    if (name.empty() || absl::ascii_isdigit(static_cast<unsigned char>(name[0]))) {
      return absl::InvalidArgumentError(absl::StrCat("bad label name at ", name_start));
    }
    skip_blanks();
    if (i >= text.size() || text[i] != '=') return absl::InvalidArgumentError("'=' expected after " + name);
    ++i;
    skip_blanks();
    if (i >= text.size() || text[i] != '"') return absl::InvalidArgumentError("'\"' expected for " + name);
    ++i;
    std::string value;
    while (true) {
      if (i >= text.size()) return absl::InvalidArgumentError("unterminated value of " + name);
      const char c = text[i++];
      if (c == '"') break;
      if (c != '\\') {
        value.push_back(c);
        continue;
      }
      if (i >= text.size()) return absl::InvalidArgumentError("dangling escape in " + name);
      const char escaped = text[i++];
      if (escaped == 'n') {
        value.push_back('\n');
      } else if (escaped == '\\' || escaped == '"') {
        value.push_back(escaped);
      } else {
        return absl::InvalidArgumentError(absl::StrCat("unknown escape \\", std::string(1, escaped), " in ", name));
      }
    }
    if (!labels->emplace(name, std::move(value)).second) {
      return absl::InvalidArgumentError("label repeated: " + name);
    }
    skip_blanks();
    if (i == text.size()) return absl::OkStatus();
    if (text[i] != ',') return absl::InvalidArgumentError(absl::StrCat("',' expected after ", name));
    ++i;
  }
}

// A sample value as the format writes it: a Go float, "+Inf", "-Inf", "NaN".
bool ParseValue(absl::string_view text, double* value) {
  if (text == "+Inf" || text == "Inf") {
    *value = std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "-Inf") {
    *value = -std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "NaN") {
    *value = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  return absl::SimpleAtod(text, value);
}

absl::Status ParseSampleLine(absl::string_view line, Sample* sample) {
  size_t i = 0;
  while (i < line.size() &&
         (absl::ascii_isalnum(static_cast<unsigned char>(line[i])) || line[i] == '_' || line[i] == ':')) {
    ++i;
  }
  sample->name = std::string(line.substr(0, i));
  if (sample->name.empty() || absl::ascii_isdigit(static_cast<unsigned char>(sample->name[0]))) {
    return absl::InvalidArgumentError("bad metric name");
  }
  absl::string_view rest = line.substr(i);
  rest = absl::StripLeadingAsciiWhitespace(rest);
  if (absl::ConsumePrefix(&rest, "{")) {
    // The closing brace is the first one outside a quoted value.
    size_t close = absl::string_view::npos;
    bool quoted = false;
    for (size_t j = 0; j < rest.size(); ++j) {
      if (quoted && rest[j] == '\\') {
        ++j;
      } else if (rest[j] == '"') {
        quoted = !quoted;
      } else if (!quoted && rest[j] == '}') {
        close = j;
        break;
      }
    }
    if (close == absl::string_view::npos) return absl::InvalidArgumentError("'}' missing");
    if (absl::Status labels = ParseLabels(rest.substr(0, close), &sample->labels); !labels.ok()) return labels;
    rest = rest.substr(close + 1);
  }
  const std::vector<absl::string_view> fields =
      absl::StrSplit(absl::StripAsciiWhitespace(rest), absl::ByAnyChar(" \t"), absl::SkipEmpty());
  if (fields.empty() || fields.size() > 2) return absl::InvalidArgumentError("a value (and a timestamp) expected");
  if (!ParseValue(fields[0], &sample->value)) return absl::InvalidArgumentError("bad value");
  int64_t timestamp = 0;
  if (fields.size() == 2 && !absl::SimpleAtoi(fields[1], &timestamp)) {
    return absl::InvalidArgumentError("bad timestamp");
  }
  return absl::OkStatus();
}

bool Includes(const std::map<std::string, std::string>& labels, const Labels& wanted) {
  for (const auto& [name, value] : wanted) {
    const auto found = labels.find(name);
    if (found == labels.end() || found->second != value) return false;
  }
  return true;
}

// The executable `name` on PATH; "" when there is none.
std::string OnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  for (const absl::string_view dir : absl::StrSplit(path == nullptr ? "/usr/bin:/bin" : path, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = absl::StrCat(dir, "/", name);
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

}  // namespace

absl::StatusOr<HttpResponse> HttpGet(int port, const std::string& path, absl::Duration timeout) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket failed");
  timeval limit{};
  limit.tv_sec = static_cast<time_t>(absl::ToInt64Seconds(timeout));
  limit.tv_usec = static_cast<suseconds_t>(absl::ToInt64Microseconds(timeout) % 1000000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    const int error = errno;
    ::close(fd);
    return absl::UnavailableError(absl::StrCat("connect to 127.0.0.1:", port, ": ", std::strerror(error)));
  }
  // HTTP/1.0: the server closes the connection after the answer, so the
  // answer is everything read until end of stream.
  if (!SendAll(fd, absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1:", port, "\r\n\r\n"))) {
    ::close(fd);
    return absl::UnavailableError("send failed");
  }
  std::string raw;
  char buffer[16384];
  while (true) {
    const ssize_t got = ::recv(fd, buffer, sizeof(buffer), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      ::close(fd);
      return absl::DeadlineExceededError(absl::StrCat("no complete answer from 127.0.0.1:", port, path));
    }
    if (got == 0) break;
    raw.append(buffer, static_cast<size_t>(got));
  }
  ::close(fd);

  HttpResponse response;
  const size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) return absl::DataLossError("no end of headers in: " + raw.substr(0, 200));
  const absl::string_view head = absl::string_view(raw).substr(0, head_end);
  const absl::string_view status_line = head.substr(0, head.find("\r\n"));
  const std::vector<absl::string_view> status_fields = absl::StrSplit(status_line, ' ');
  if (status_fields.size() < 2 || !absl::StartsWith(status_fields[0], "HTTP/") ||
      !absl::SimpleAtoi(status_fields[1], &response.status)) {
    return absl::DataLossError(absl::StrCat("bad status line: ", status_line));
  }
  response.headers = std::string(head);
  absl::string_view body = absl::string_view(raw).substr(head_end + 4);
  bool chunked = false;
  size_t content_length = std::string::npos;
  for (const absl::string_view header : absl::StrSplit(head, "\r\n")) {
    const size_t colon = header.find(':');
    if (colon == absl::string_view::npos) continue;
    const std::string name = absl::AsciiStrToLower(header.substr(0, colon));
    const absl::string_view value = absl::StripAsciiWhitespace(header.substr(colon + 1));
    if (name == "transfer-encoding" && absl::StrContains(absl::AsciiStrToLower(value), "chunked")) chunked = true;
    if (name == "content-length" && !absl::SimpleAtoi(value, &content_length)) {
      return absl::DataLossError(absl::StrCat("bad content-length: ", value));
    }
  }
  if (chunked) {
    std::optional<std::string> joined = Dechunk(body);
    if (!joined.has_value()) return absl::DataLossError("chunks do not add up");
    response.body = *std::move(joined);
  } else {
    if (content_length != std::string::npos && content_length != body.size()) {
      return absl::DataLossError(
          absl::StrCat("content-length ", content_length, " but ", body.size(), " bytes came"));
    }
    response.body = std::string(body);
  }
  return response;
}

absl::StatusOr<Exposition> Exposition::Parse(absl::string_view text) {
  Exposition exposition;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    if (absl::ConsumePrefix(&line, "#")) {
      const std::vector<absl::string_view> words =
          absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
      if (words.size() >= 3 && words[0] == "TYPE") exposition.types_[std::string(words[1])] = std::string(words[2]);
      continue;
    }
    Sample sample;
    if (absl::Status parsed = ParseSampleLine(line, &sample); !parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_number, " (", line, "): ", parsed.message()));
    }
    exposition.samples_.push_back(std::move(sample));
  }
  return exposition;
}

std::string Exposition::TypeOf(const std::string& family) const {
  const auto found = types_.find(family);
  return found == types_.end() ? "" : found->second;
}

std::optional<double> Exposition::Value(const std::string& name, const Labels& labels) const {
  for (const Sample& sample : samples_) {
    if (sample.name == name && sample.labels == labels) return sample.value;
  }
  return std::nullopt;
}

std::vector<const Sample*> Exposition::Matching(const std::string& name, const Labels& labels) const {
  std::vector<const Sample*> found;
  for (const Sample& sample : samples_) {
    if (sample.name == name && Includes(sample.labels, labels)) found.push_back(&sample);
  }
  return found;
}

double Exposition::Sum(const std::string& name, const Labels& labels) const {
  double sum = 0;
  for (const Sample* sample : Matching(name, labels)) sum += sample->value;
  return sum;
}

std::set<std::string> Exposition::LabelValues() const {
  std::set<std::string> values;
  for (const Sample& sample : samples_) {
    for (const auto& [name, value] : sample.labels) values.insert(value);
  }
  return values;
}

absl::StatusOr<std::string> ScrapeText(int port) {
  if (port <= 0) return absl::FailedPreconditionError("no metrics port");
  absl::StatusOr<HttpResponse> response = HttpGet(port, "/metrics");
  if (!response.ok()) return response.status();
  if (response->status != 200) {
    return absl::UnavailableError(absl::StrCat("GET /metrics answered ", response->status, ":\n", response->headers));
  }
  return std::move(response->body);
}

absl::StatusOr<Exposition> Scrape(int port) {
  absl::StatusOr<std::string> text = ScrapeText(port);
  if (!text.ok()) return text.status();
  return Exposition::Parse(*text);
}

PromtoolVerdict CheckWithPromtool(const std::string& exposition) {
  PromtoolVerdict verdict;
  const std::string promtool = OnPath("promtool");
  if (promtool.empty()) return verdict;
  verdict.available = true;
  // The exposition goes to promtool's standard input from a file, so that a
  // promtool that stops reading early cannot block or signal the test.
  const std::string input_path = NewTempPath("osteoflow-exposition");
  const std::string output_path = NewTempPath("osteoflow-promtool");
  {
    std::ofstream input(input_path, std::ios::binary | std::ios::trunc);
    input << exposition;
  }
  std::vector<std::string> argv_storage = {promtool, "check", "metrics"};
  std::vector<char*> argv;
  for (std::string& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int in = ::open(input_path.c_str(), O_RDONLY);
    const int out = ::open(output_path.c_str(), O_WRONLY | O_TRUNC);
    if (in < 0 || out < 0) ::_exit(126);
    ::dup2(in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(out, STDERR_FILENO);
    ::execve(argv[0], argv.data(), environ);
    ::_exit(127);
  }
  if (pid > 0) {
    absl::StatusOr<int> code = WaitForProcess(pid, absl::Seconds(30));
    if (!code.ok() && code.status().code() == absl::StatusCode::kDeadlineExceeded) {
      ::kill(pid, SIGKILL);
      int status = 0;
      ::waitpid(pid, &status, 0);
    }
    verdict.exit_code = code.ok() ? *code : -1;
    verdict.output = ReadFile(output_path);
    if (!code.ok()) absl::StrAppend(&verdict.output, "\n", code.status().ToString());
  } else {
    verdict.output = "fork failed";
  }
  ::unlink(input_path.c_str());
  ::unlink(output_path.c_str());
  return verdict;
}

}  // namespace osteoflow::testing
