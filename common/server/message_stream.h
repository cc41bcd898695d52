#pragma once

#include "absl/time/time.h"

namespace osteoflow {

// Where a use case that answers with a stream of messages writes them: no
// transport in sight. Write blocks until the message is sent (flow control
// included) and says false once the caller has gone; the use case then
// stops. A use case ends by returning its status.
template <typename Message>
class MessageStream {
 public:
  virtual ~MessageStream() = default;
  virtual bool Write(const Message& message) = 0;
  // True once the caller has gone or cancelled.
  virtual bool Gone() = 0;
  // The caller's deadline (InfiniteFuture when it set none).
  virtual absl::Time deadline() const = 0;
};

}  // namespace osteoflow
