#pragma once

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/status.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace osteoflow::tools {

using Metadata = std::vector<std::pair<std::string, std::string>>;

struct CallOptions {
  absl::Duration deadline = absl::Seconds(10);
  Metadata metadata;
  // Wait for the channel to connect instead of failing fast.
  bool wait_for_ready = false;
};

struct CallResult {
  grpc::Status status;
  std::string response;  // wire bytes; empty unless status is OK
  Metadata initial_metadata;
  Metadata trailing_metadata;
};

// One blocking unary call of `path` ("/package.Service/Method") with
// already-serialised request bytes.
CallResult CallUnary(grpc::GenericStub& stub, const std::string& path, absl::string_view request,
                     const CallOptions& options);

// The first value of `key` in the initial metadata, else in the trailing
// metadata; empty when absent.
std::string FindHeader(const CallResult& result, absl::string_view key);

// The canonical name of a status code ("NOT_FOUND").
std::string CodeName(grpc::StatusCode code);

}  // namespace osteoflow::tools
