// osteoflow-plan-table: prints a weekly plan (its JSON, as osteoflow-call
// prints BuildWeeklyPlan's answer, on stdin) as a day-by-day table.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "common/config/json_file.h"
#include "common/config/settings.h"
#include "tools/plan_table/plan_table.h"

int main(int argc, char** argv) {
  osteoflow::LoadSettings(argc, argv,
                          "osteoflow-plan-table: a WeeklyPlan's JSON on stdin, a readable table out");
  const std::string json((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  osteoflow::scheduling::v1::WeeklyPlan plan;
  if (absl::Status parsed = osteoflow::ParseJsonMessage(json, &plan); !parsed.ok()) {
    std::fprintf(stderr, "error: stdin is not a weekly plan: %s\n", std::string(parsed.message()).c_str());
    return 1;
  }
  std::fputs(osteoflow::tools::PlanTable(plan).c_str(), stdout);
  return 0;
}
