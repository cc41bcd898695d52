#include "common/server/raw_messages.h"

#include <grpcpp/impl/codegen/proto_utils.h>

#include <vector>

#include "absl/strings/str_cat.h"

namespace osteoflow {

absl::Status ParseRequest(const grpc::ByteBuffer& bytes, google::protobuf::Message& request) {
  grpc::ByteBuffer copy(bytes);  // shares the slices; deserialising consumes the buffer
  if (!grpc::GenericDeserialize<grpc::ProtoBufferReader, google::protobuf::Message>(&copy, &request)
           .ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("request: not a valid ", request.GetDescriptor()->full_name()));
  }
  // Fields the contract does not declare would otherwise be kept, stored and
  // served back: a caller could store megabytes past every field's limit.
  request.DiscardUnknownFields();
  return absl::OkStatus();
}

absl::Status SerializeResponse(const google::protobuf::Message& response, grpc::ByteBuffer& bytes) {
  bool own_buffer = false;
  const grpc::Status status =
      grpc::GenericSerialize<grpc::ProtoBufferWriter, google::protobuf::Message>(response, &bytes,
                                                                                 &own_buffer);
  if (!status.ok()) return absl::InternalError("response could not be serialised");
  return absl::OkStatus();
}

void WireResponse(std::string wire, grpc::ByteBuffer& bytes) {
  auto* owned = new std::string(std::move(wire));
  grpc::Slice slice(owned->data(), owned->size(),
                    [](void* text) { delete static_cast<std::string*>(text); }, owned);
  bytes = grpc::ByteBuffer(&slice, 1);
}

void BorrowedResponse(BorrowedWire wire, grpc::ByteBuffer& bytes) {
  std::vector<grpc::Slice> slices;
  slices.reserve(wire.pieces.size() + 1);
  for (absl::string_view piece : wire.pieces) slices.emplace_back(piece.data(), piece.size(), grpc::Slice::STATIC_SLICE);
  if (!wire.tail.empty()) slices.emplace_back(std::move(wire.tail));
  bytes = grpc::ByteBuffer(slices.data(), slices.size());
}

}  // namespace osteoflow
