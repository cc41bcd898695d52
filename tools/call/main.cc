// osteoflow-call: one unary call to any osteoflow method, JSON in and JSON out.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "common/config/settings.h"
#include "tools/call/metadata_setting.h"
#include "tools/rpc/channel.h"
#include "tools/rpc/json_message.h"
#include "tools/rpc/method_lookup.h"
#include "tools/rpc/request_source.h"
#include "tools/rpc/unary_call.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "server address, host:port");
ABSL_FLAG(std::string, method, "",
          "full method name, e.g. osteoflow.catalog.v1.CatalogService/GetExercise");
ABSL_FLAG(std::string, request_json, "", "the request as JSON; default {}");
ABSL_FLAG(std::string, request_file, "", "a file holding the request JSON; - for stdin");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(10), "deadline of the call");
ABSL_FLAG(std::vector<std::string>, metadata, {},
          "request metadata key=value; repeat the flag or give a comma list");
ABSL_FLAG(bool, show_request_id, false, "print the response's x-request-id to stderr");
ABSL_FLAG(bool, print_defaults, false, "also print response fields holding default values");

namespace {

constexpr char kUsage[] =
    "osteoflow-call: makes one unary call and prints the response as JSON.\n"
    "  osteoflow-call --target=127.0.0.1:50051 \\\n"
    "    --method=osteoflow.catalog.v1.CatalogService/GetExercise \\\n"
    "    --request_json='{\"name\":\"exercises/ID\"}'\n"
    "Exit codes: 0 OK, 1 the call failed (\"error: CODE: message\" on stderr), 2 bad settings.";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args = osteoflow::tools::MergeRepeatedFlag(argc, argv, "metadata");
  std::vector<char*> arg_pointers;
  for (std::string& arg : args) arg_pointers.push_back(arg.data());
  osteoflow::LoadSettings(static_cast<int>(arg_pointers.size()), arg_pointers.data(), kUsage);

  const std::string method_name = absl::GetFlag(FLAGS_method);
  if (method_name.empty()) osteoflow::ExitInvalidSetting("method", "required");
  const auto method = osteoflow::tools::FindUnaryMethod(method_name);
  if (!method.ok()) osteoflow::ExitInvalidSetting("method", method.status().message());
  if (absl::GetFlag(FLAGS_deadline) <= absl::ZeroDuration()) {
    osteoflow::ExitInvalidSetting("deadline", "must be positive");
  }
  const std::string json = osteoflow::ValueOrExit(osteoflow::tools::ReadRequestJson(
      absl::GetFlag(FLAGS_request_json), absl::GetFlag(FLAGS_request_file)));
  const auto request = osteoflow::tools::JsonToWire(*method->descriptor->input_type(), json);
  if (!request.ok()) {
    const bool from_file = !absl::GetFlag(FLAGS_request_file).empty();
    osteoflow::ExitInvalidSetting(from_file ? "request_file" : "request_json",
                                  request.status().message());
  }

  osteoflow::tools::CallOptions options;
  options.deadline = absl::GetFlag(FLAGS_deadline);
  options.metadata =
      osteoflow::ValueOrExit(osteoflow::tools::ParseMetadata(absl::GetFlag(FLAGS_metadata)));

  grpc::GenericStub stub(osteoflow::tools::MakeChannel(absl::GetFlag(FLAGS_target), {}));
  const osteoflow::tools::CallResult result =
      osteoflow::tools::CallUnary(stub, method->path, *request, options);

  if (absl::GetFlag(FLAGS_show_request_id)) {
    std::fprintf(stderr, "x-request-id: %s\n",
                 osteoflow::tools::FindHeader(result, "x-request-id").c_str());
  }
  if (!result.status.ok()) {
    std::fprintf(stderr, "error: %s: %s\n",
                 osteoflow::tools::CodeName(result.status.error_code()).c_str(),
                 result.status.error_message().c_str());
    return 1;
  }
  osteoflow::tools::JsonStyle style;
  style.print_defaults = absl::GetFlag(FLAGS_print_defaults);
  const auto response =
      osteoflow::tools::WireToJson(*method->descriptor->output_type(), result.response, style);
  if (!response.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(response.status().message()).c_str());
    return 1;
  }
  std::printf("%s\n", response->c_str());
  return 0;
}
