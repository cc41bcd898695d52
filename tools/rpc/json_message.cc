#include "tools/rpc/json_message.h"

#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace osteoflow::tools {
namespace {

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> NewMessage(
    const google::protobuf::Descriptor& type) {
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type);
  if (prototype == nullptr) {
    return absl::InternalError(absl::StrCat("no generated class for ", type.full_name()));
  }
  return std::unique_ptr<google::protobuf::Message>(prototype->New());
}

}  // namespace

absl::StatusOr<std::string> JsonToWire(const google::protobuf::Descriptor& type,
                                       absl::string_view json) {
  auto message = NewMessage(type);
  if (!message.ok()) return message.status();
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(std::string(json), message->get());
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request is not valid JSON for ", type.full_name(), ": ", parsed.message().as_string()));
  }
  std::string wire;
  if (!(*message)->SerializeToString(&wire)) {
    return absl::InvalidArgumentError(absl::StrCat("cannot serialize ", type.full_name()));
  }
  return wire;
}

absl::StatusOr<std::string> WireToJson(const google::protobuf::Descriptor& type,
                                       absl::string_view wire, JsonStyle style) {
  auto message = NewMessage(type);
  if (!message.ok()) return message.status();
  if (!(*message)->ParseFromArray(wire.data(), static_cast<int>(wire.size()))) {
    return absl::DataLossError(absl::StrCat("response does not parse as ", type.full_name()));
  }
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = style.pretty;
  options.always_print_primitive_fields = style.print_defaults;
  options.preserve_proto_field_names = false;
  std::string json;
  const auto printed = google::protobuf::util::MessageToJsonString(**message, &json, options);
  if (!printed.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot print ", type.full_name(), ": ", printed.message().as_string()));
  }
  // The pretty printer ends with a newline of its own; callers add theirs.
  while (!json.empty() && json.back() == '\n') json.pop_back();
  return json;
}

}  // namespace osteoflow::tools
