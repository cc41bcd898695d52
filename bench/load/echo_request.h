#pragma once

#include <cstddef>
#include <string>

namespace osteoflow::bench {

// The wire bytes of an osteoflow.bench.v1.EchoMessage whose serialised size is
// `size`, so that the echo's response is as large as the measured call's.
// Some sizes cannot be hit exactly (where the length prefix grows a byte);
// those get the nearest larger size.
std::string EchoRequestOfSize(size_t size);

}  // namespace osteoflow::bench
