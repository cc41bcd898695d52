#pragma once

#include <string>

#include "osteoflow/progress/v1/program.pb.h"

// A programme's record bytes, and moves between arenas, without copying its
// plan: the plan is most of a programme (about 17 KB of it).
namespace osteoflow::progress {

// The programme record as stored: the Program without its current plan,
// which is stored apart (see StoredProgram).
std::string ProgramRecordBytes(osteoflow::progress::v1::Program& program);

// Moves a programme into an answer, which may live on the call's arena,
// without copying its plan: a move between arenas is a copy, about 20 µs for
// a programme with its 17 KB plan; the arena takes the plan over instead.
void MoveProgram(osteoflow::progress::v1::Program& from, osteoflow::progress::v1::Program* to);

}  // namespace osteoflow::progress
