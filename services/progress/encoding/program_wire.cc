#include "services/progress/encoding/program_wire.h"

#include <memory>
#include <utility>

namespace osteoflow::progress {

std::string ProgramRecordBytes(osteoflow::progress::v1::Program& program) {
  // Lent out and back rather than copied: a plan is about 20 KB.
  std::unique_ptr<osteoflow::scheduling::v1::WeeklyPlan> plan(
      program.has_current_plan() ? program.release_current_plan() : nullptr);
  std::string bytes = program.SerializeAsString();
  if (plan != nullptr) program.set_allocated_current_plan(plan.release());
  return bytes;
}

void MoveProgram(osteoflow::progress::v1::Program& from, osteoflow::progress::v1::Program* to) {
  if (from.GetArena() == to->GetArena()) {
    *to = std::move(from);
    return;
  }
  std::unique_ptr<osteoflow::scheduling::v1::WeeklyPlan> plan(
      from.has_current_plan() && from.GetArena() == nullptr ? from.release_current_plan() : nullptr);
  *to = std::move(from);  // what is left is a copy of about 1.4 KB
  if (plan != nullptr) to->set_allocated_current_plan(plan.release());
}

}  // namespace osteoflow::progress
