#pragma once

#include <string>

#include "osteoflow/progress/v1/program_event.pb.h"

namespace osteoflow::tools {

// One line for a feed event: time, type, programme, rules, record; nothing
// but what the event carries. A heartbeat gives "".
std::string EventLine(const osteoflow::progress::v1::FeedEvent& event);

}  // namespace osteoflow::tools
