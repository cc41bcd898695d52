#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace osteoflow {

// An answer in wire form handed out without a copy: pieces made once (at
// load) that outlive every call, followed by a tail made for this call.
// Messages of one type concatenate: repeated fields append, others merge.
struct BorrowedWire {
  std::vector<absl::string_view> pieces;
  std::string tail;
};

}  // namespace osteoflow
