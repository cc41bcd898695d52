#include "bench/load/echo_request.h"

#include "osteoflow/bench/v1/echo.pb.h"

namespace osteoflow::bench {

std::string EchoRequestOfSize(size_t size) {
  osteoflow::bench::v1::EchoMessage message;
  // Field tag (1 byte) and length prefix take 2..6 bytes of the total.
  size_t payload = size > 6 ? size - 6 : 0;
  while (true) {
    message.set_payload(std::string(payload, 'x'));
    if (message.ByteSizeLong() >= size) break;
    ++payload;
  }
  return message.SerializeAsString();
}

}  // namespace osteoflow::bench
