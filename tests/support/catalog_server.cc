#include "tests/support/catalog_server.h"

#include "tests/support/test_catalog.h"

namespace osteoflow::testing {

absl::StatusOr<std::unique_ptr<ServiceProcess>> StartCatalogServer(
    std::vector<std::string> extra_args, std::vector<std::pair<std::string, std::string>> env) {
  ServiceProcess::Options options;
  options.args = {"--listen_address=127.0.0.1:0", "--catalog_file=" + ShippedCatalogPath()};
  options.args.insert(options.args.end(), extra_args.begin(), extra_args.end());
  options.env = std::move(env);
  return ServiceProcess::Start(BinaryPath("services/catalog/osteoflow-catalog"), std::move(options));
}

}  // namespace osteoflow::testing
