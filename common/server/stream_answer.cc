#include "common/server/stream_answer.h"

namespace osteoflow {
namespace {

std::atomic<int> max_streams{64};
std::atomic<int> open_streams{0};

}  // namespace

void SetMaxServerStreams(int streams) { max_streams = streams; }

bool TakeServerStream() {
  if (open_streams.fetch_add(1) < max_streams.load()) return true;
  open_streams.fetch_sub(1);
  return false;
}

void ReleaseServerStream() { open_streams.fetch_sub(1); }

}  // namespace osteoflow
