#pragma once

#include <string>

#include <grpcpp/support/byte_buffer.h>

#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "common/proto/borrowed_wire.h"

namespace osteoflow {

// Our methods take and give raw bytes so that a request that does not parse
// is answered INVALID_ARGUMENT naming the request, as any other bad input is
// (gRPC's own parser would answer INTERNAL), and so that a method may answer
// with bytes it made earlier.

// Parses `bytes` into `request`, dropping every field the contract does not
// declare, at any depth; INVALID_ARGUMENT "request: ..." when it is not a
// valid message of that type.
absl::Status ParseRequest(const grpc::ByteBuffer& bytes, google::protobuf::Message& request);

// Serialises `response` into `bytes`.
absl::Status SerializeResponse(const google::protobuf::Message& response, grpc::ByteBuffer& bytes);

// A response already in wire form, handed over without a copy.
void WireResponse(std::string wire, grpc::ByteBuffer& bytes);

// A response of borrowed pieces (which outlive the call) and a tail, handed
// over without copying the pieces.
void BorrowedResponse(BorrowedWire wire, grpc::ByteBuffer& bytes);

}  // namespace osteoflow
