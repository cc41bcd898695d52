// Programs::GetProgress: a programme's course, week by week, whole or a page
// of weeks at a time.
#include <algorithm>
#include <limits>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/paging/page_token.h"
#include "common/status/field_violations.h"
#include "common/text/identifiers.h"
#include "services/progress/domain/programs.h"
#include "services/progress/domain/record_dates.h"
#include "services/progress/domain/week_progress.h"

namespace osteoflow::progress {
namespace {

namespace v1 = osteoflow::progress::v1;
namespace scheduling_v1 = osteoflow::scheduling::v1;
namespace screening_v1 = osteoflow::screening::v1;

// As many weeks as a programme may have: a page of this size is the whole.
constexpr int kMostPageWeeks = 520;

// The weeks a report covers, and the dated records (measurements) within
// those weeks' days. Older weeks remain while first_week > 1.
struct ReportSpan {
  int first_week = 1;
  int last_week = 0;
  OrderRange dated;
};

absl::StatusOr<ReportSpan> SpanOf(const v1::GetProgressRequest& request, const v1::Program& program) {
  ReportSpan span;
  const int newest = program.week_index();
  span.last_week = newest;
  absl::StatusOr<std::string> cursor = PageCursor(request.page_token(), program.name());
  if (!cursor.ok()) return cursor.status();
  if (!cursor->empty()) {
    int week = 0;
    if (!absl::SimpleAtoi(*cursor, &week) || week < 1 || week >= newest) {
      return InvalidField("page_token", "not a page of this programme's report");
    }
    span.last_week = week;
  }
  if (request.page_size() > 0) span.first_week = std::max(1, span.last_week - request.page_size() + 1);
  // The oldest page reaches back to anything dated before week 1, the
  // newest forward to anything after the current week.
  if (span.first_week == 1 && span.last_week == newest) return span;
  absl::CivilDay start;
  if (!ParseIsoDate(program.start_date(), &start)) return absl::InternalError("stored programme has no start date");
  if (span.first_week > 1) {
    const absl::CivilDay first_day = start + 7 * (span.first_week - 1);
    span.dated.first = DatedOrders(first_day, first_day).first;
  }
  if (span.last_week < newest) {
    const absl::CivilDay last_day = start + 7 * span.last_week - 1;
    span.dated.last = DatedOrders(last_day, last_day).last;
  }
  return span;
}

}  // namespace

absl::Status Programs::GetProgress(const v1::GetProgressRequest& request, v1::ProgressReport* report) {
  if (request.page_size() < 0 || request.page_size() > kMostPageWeeks) {
    return InvalidField("page_size", absl::StrCat("must be 0..", kMostPageWeeks, ", not ", request.page_size()));
  }
  absl::StatusOr<LoadedProgram> loaded = repository_.Load(request.program(), "program");
  if (!loaded.ok()) return loaded.status();
  const v1::Program& program = loaded->program;
  absl::StatusOr<ReportSpan> span = SpanOf(request, program);
  if (!span.ok()) return span.status();
  absl::StatusOr<std::vector<v1::ProgramWeek>> weeks =
      repository_.FinishedWeeksForReport(loaded->key, {span->first_week, span->last_week});
  if (!weeks.ok()) return weeks.status();
  absl::StatusOr<std::vector<v1::Measurement>> measurements = repository_.Measurements(loaded->key, span->dated);
  if (!measurements.ok()) return measurements.status();

  // A finished week carries its progress and alerts; only the current
  // week's logs are read, so the cost follows the weeks, not the logs.
  report->set_program(program.name());
  const int soreness_hours = rules_->document().comfort().soreness_hours();
  const auto add_week_from_logs = [&](const scheduling_v1::WeeklyPlan& plan, int week_index) -> absl::Status {
    absl::StatusOr<std::vector<v1::SessionLog>> logs = repository_.WeekLogs(loaded->key, plan, week_index);
    if (!logs.ok()) return logs.status();
    std::vector<const v1::SessionLog*> week_logs;
    for (const v1::SessionLog& log : *logs) week_logs.push_back(&log);
    *report->add_weeks() = WeekOf(plan, week_index, week_logs, soreness_hours);
    AddAlertsOf(week_logs, report->mutable_alerts());
    return absl::OkStatus();
  };
  std::vector<v1::ProgramWeek>& finished = *weeks;
  std::sort(finished.begin(), finished.end(),
            [](const v1::ProgramWeek& a, const v1::ProgramWeek& b) { return a.week_index() < b.week_index(); });
  for (v1::ProgramWeek& week : finished) {
    if (week.has_progress()) {
      *report->add_weeks() = std::move(*week.mutable_progress());
      for (v1::Alert& alert : *week.mutable_alerts()) *report->add_alerts() = std::move(alert);
    } else if (absl::Status read = add_week_from_logs(week.plan(), week.week_index()); !read.ok()) {
      return read;  // a week finished before weeks kept their progress
    }
    for (const v1::ProgressionDecision& decision : week.decisions()) *report->add_decisions() = decision;
  }
  if (program.week_index() > 0 && span->last_week == program.week_index()) {
    if (absl::Status read = add_week_from_logs(program.current_plan(), program.week_index()); !read.ok()) return read;
  }
  for (const v1::Measurement& measurement : *measurements) {
    for (const v1::Alert& alert : measurement.alerts()) *report->add_alerts() = alert;
    for (const screening_v1::DxaSiteResult& site : measurement.dxa().sites()) {
      v1::BoneDensityPoint* point = report->add_bone_density();
      point->set_date(measurement.dxa().scan_date());
      point->set_site(site.site());
      if (site.has_t_score()) point->set_t_score(site.t_score());
      if (site.has_z_score()) point->set_z_score(site.z_score());
    }
  }
  std::stable_sort(report->mutable_alerts()->begin(), report->mutable_alerts()->end(),
                   [](const v1::Alert& a, const v1::Alert& b) { return a.date() < b.date(); });
  std::stable_sort(report->mutable_bone_density()->begin(), report->mutable_bone_density()->end(),
                   [](const v1::BoneDensityPoint& a, const v1::BoneDensityPoint& b) { return a.date() < b.date(); });
  *report->mutable_current_doses() = program.progression();
  if (span->first_week > 1) {
    report->set_next_page_token(MakePageToken(program.name(), absl::StrCat(span->first_week - 1)));
  }
  return absl::OkStatus();
}

}  // namespace osteoflow::progress
