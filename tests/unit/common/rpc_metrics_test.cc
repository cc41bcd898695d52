// The call series: known methods by name, anything else folded into one.
#include "common/metrics/rpc_metrics.h"

#include <gtest/gtest.h>

#include "osteoflow/catalog/v1/catalog_service.pb.h"

namespace osteoflow {
namespace {

const google::protobuf::ServiceDescriptor* Catalog() {
  // Through a message of the file, so that the file is linked in.
  return osteoflow::catalog::v1::GetExerciseRequest::descriptor()->file()->FindServiceByName("CatalogService");
}

TEST(RpcMetrics, AContractsMethodHasItsOwnSeriesAndAnyOtherPathTheUnknownOnes) {
  ASSERT_NE(Catalog(), nullptr);
  const RpcMetrics metrics(RpcMetrics::Side::kServer, {Catalog()});
  const RpcMetrics::Method* get = metrics.Find("/osteoflow.catalog.v1.CatalogService/GetExercise");
  const RpcMetrics::Method* unknown = metrics.Find("/osteoflow.catalog.v1.CatalogService/Nonesuch");
  EXPECT_NE(get, unknown);
  EXPECT_EQ(unknown, metrics.Find("/made/up"));
  EXPECT_EQ(unknown, metrics.Find(""));
  EXPECT_NE(metrics.Find("/grpc.health.v1.Health/Check"), unknown);

  const double before = get->handled[3]->Value();
  RpcMetrics::Started(*get);
  RpcMetrics::Handled(*get, grpc::StatusCode::INVALID_ARGUMENT, absl::Milliseconds(2));
  EXPECT_EQ(get->handled[3]->Value(), before + 1);
  // A code gRPC does not have is counted as Unknown.
  const double unknown_code = get->handled[2]->Value();
  RpcMetrics::Handled(*get, static_cast<grpc::StatusCode>(99), absl::Milliseconds(1));
  EXPECT_EQ(get->handled[2]->Value(), unknown_code + 1);
}

TEST(RpcMetrics, CodesAreNamedAsGoNamesThem) {
  EXPECT_EQ(RpcMetrics::CodeName(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(RpcMetrics::CodeName(grpc::StatusCode::CANCELLED), "Canceled");
  EXPECT_EQ(RpcMetrics::CodeName(grpc::StatusCode::DEADLINE_EXCEEDED), "DeadlineExceeded");
  EXPECT_EQ(RpcMetrics::CodeName(grpc::StatusCode::UNAUTHENTICATED), "Unauthenticated");
  EXPECT_EQ(RpcMetrics::CodeName(static_cast<grpc::StatusCode>(17)), "Unknown");
}

}  // namespace
}  // namespace osteoflow
