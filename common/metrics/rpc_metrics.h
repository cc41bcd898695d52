#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/support/status_code_enum.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace google::protobuf {
class ServiceDescriptor;
}

namespace osteoflow {

// Calls served or made, under the names go-grpc-prometheus gave them, which
// dashboards and alerts already use: grpc_{server,client}_started_total,
// grpc_{server,client}_handled_total (by code) and
// grpc_{server,client}_handling_seconds. The methods are known at start, so
// a call finds its series without a lock or an allocation, and a path nobody
// serves is counted under "unknown" instead of making a series of its own.
class RpcMetrics {
 public:
  enum class Side { kServer, kClient };

  // The series of one method.
  struct Method {
    prometheus::Counter* started;
    std::array<prometheus::Counter*, 17> handled;  // by status code
    prometheus::Histogram* seconds;
  };

  // `services`: every method of each, with its streaming type. The standard
  // health and reflection services are added on the server side.
  RpcMetrics(Side side, const std::vector<const google::protobuf::ServiceDescriptor*>& services);

  RpcMetrics(const RpcMetrics&) = delete;
  RpcMetrics& operator=(const RpcMetrics&) = delete;

  // The series of "/package.Service/Method"; the unknown method's for any
  // other path. Never null.
  const Method* Find(absl::string_view path) const;

  static void Started(const Method& method) { method.started->Increment(); }
  static void Handled(const Method& method, grpc::StatusCode code, absl::Duration elapsed);

  // The code's name as Go spells it ("DeadlineExceeded"): the label value
  // dashboards match on.
  static absl::string_view CodeName(grpc::StatusCode code);

 private:
  void Add(absl::string_view service, absl::string_view method, absl::string_view type);
  std::unique_ptr<Method> MakeSeries(absl::string_view service, absl::string_view method, absl::string_view type);

  const Side side_;
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> methods_;
  std::unique_ptr<Method> unknown_;
};

}  // namespace osteoflow
