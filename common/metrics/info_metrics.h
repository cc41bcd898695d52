#pragma once

#include "absl/strings/string_view.h"

namespace osteoflow {

// osteoflow_build_info{service, version} 1: which build answers.
void PublishBuildInfo(absl::string_view service);

// osteoflow_data_version_info{data, version, digest} 1: the reviewed data a
// service loaded at start ("catalog", "screening_rules", "plan_rules",
// "progression_rules"), so a dashboard shows which rules every replica runs.
void PublishDataVersion(absl::string_view data, absl::string_view version, absl::string_view digest);

}  // namespace osteoflow
