// osteoflow-catalog: serves the exercise catalog over gRPC.
#include <cstdio>

#include "absl/flags/flag.h"
#include "common/clock/test_clock_service.h"
#include "common/config/settings.h"
#include "common/metrics/info_metrics.h"
#include "common/log/json_log.h"
#include "common/server/service_host.h"
#include "common/server/server_process.h"
#include "libs/catalog/catalog_file.h"
#include "services/catalog/grpc/catalog_service.h"

ABSL_FLAG(std::string, catalog_file, OSTEOFLOW_CATALOG_FILE_DEFAULT,
          "the catalog data file (JSON form of osteoflow.catalog.v1.CatalogDocument)");

int main(int argc, char** argv) {
  osteoflow::PrepareServerProcess();
  osteoflow::LoadSettings(argc, argv, "osteoflow-catalog: the exercise catalog service");
  osteoflow::ServerSettings settings =
      osteoflow::ValueOrExit(osteoflow::ServerSettingsFromFlags("127.0.0.1:50051"));

  const auto catalog =
      osteoflow::DataOrExit(osteoflow::catalog::LoadCatalogFile(absl::GetFlag(FLAGS_catalog_file)));
  osteoflow::LogLine("catalog_loaded")
      .Add("version", catalog->version())
      .Add("entries", catalog->size())
      .Add("content_digest", catalog->content_digest())
      .Write();
  osteoflow::PublishDataVersion("catalog", catalog->version(), catalog->content_digest());

  const std::unique_ptr<osteoflow::UnaryService> service = osteoflow::catalog::CatalogService(catalog);
  const auto test_clock = osteoflow::TestClockServing::FromFlags("catalog", settings, {}, nullptr);
  osteoflow::ServiceHost host("catalog", settings);
  host.AddService(service.get());
  if (test_clock != nullptr) host.AddService(test_clock->service());
  return host.Run();
}
