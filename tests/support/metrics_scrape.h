#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace osteoflow::testing {

// What a service started with this argument serves: /metrics on a port the
// kernel picks, named by the serving line (ServiceProcess::metrics_port()).
inline constexpr char kMetricsOnAnyLoopbackPort[] = "--metrics_address=127.0.0.1:0";

// One HTTP/1.0 exchange with a loopback port, over a plain socket.
struct HttpResponse {
  int status = 0;       // from the status line, e.g. 200
  std::string headers;  // the header block as sent, without the blank line
  std::string body;     // de-chunked when the server chunked it
};
absl::StatusOr<HttpResponse> HttpGet(int port, const std::string& path,
                                     absl::Duration timeout = absl::Seconds(10));

// One sample of Prometheus' text exposition format.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};
using Labels = std::map<std::string, std::string>;

// A parsed exposition: every sample line (comments and blank lines skipped),
// and the types the TYPE comments declare.
class Exposition {
 public:
  // INVALID_ARGUMENT naming the line when a sample line does not parse.
  static absl::StatusOr<Exposition> Parse(absl::string_view text);

  const std::vector<Sample>& samples() const { return samples_; }
  // The type a "# TYPE" line gives a family ("counter", "histogram", ...);
  // "" when none does.
  std::string TypeOf(const std::string& family) const;

  // How many series (sample lines) there are in all.
  size_t SeriesCount() const { return samples_.size(); }
  // The value of the series named `name` whose label set is exactly
  // `labels`; nullopt when there is none.
  std::optional<double> Value(const std::string& name, const Labels& labels = {}) const;
  // The series named `name` whose labels include every one of `labels`.
  std::vector<const Sample*> Matching(const std::string& name, const Labels& labels = {}) const;
  // The sum of the values of Matching(name, labels); 0 when none match.
  double Sum(const std::string& name, const Labels& labels = {}) const;
  // Every label value of every series.
  std::set<std::string> LabelValues() const;

 private:
  std::vector<Sample> samples_;
  std::map<std::string, std::string> types_;
};

// GET /metrics from 127.0.0.1:`port`: an error unless the answer is 200 and
// its body parses.
absl::StatusOr<Exposition> Scrape(int port);
// The body as served, for checks that need the text itself (promtool).
absl::StatusOr<std::string> ScrapeText(int port);

// `promtool check metrics` on `exposition` (given on its standard input).
struct PromtoolVerdict {
  bool available = false;  // false: no promtool on PATH
  int exit_code = -1;      // 0: no problems; promtool names each problem in `output`
  std::string output;
};
PromtoolVerdict CheckWithPromtool(const std::string& exposition);

}  // namespace osteoflow::testing
