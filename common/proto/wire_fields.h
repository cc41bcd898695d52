#pragma once

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace osteoflow {

// Appends fields to a message in protobuf's wire format with protobuf's own
// encoders, for answers assembled from parts serialised earlier (an embedded
// message is its bytes behind a length). Writing fields in field-number order
// gives the bytes protobuf's serialiser would.
class WireFields {
 public:
  explicit WireFields(std::string& out) : out_(out) {}

  // proto3: a zero value is not written.
  void Varint(int field, uint64_t value) {
    if (value == 0) return;
    Tag(field, google::protobuf::internal::WireFormatLite::WIRETYPE_VARINT);
    Raw(value);
  }
  void Bool(int field, bool value) { Varint(field, value ? 1 : 0); }
  // For `optional double`: written whenever present, zero included.
  void Double(int field, double value) {
    using google::protobuf::internal::WireFormatLite;
    Tag(field, WireFormatLite::WIRETYPE_FIXED64);
    uint8_t buffer[8];
    google::protobuf::io::CodedOutputStream::WriteLittleEndian64ToArray(
        WireFormatLite::EncodeDouble(value), buffer);
    out_.append(reinterpret_cast<const char*>(buffer), sizeof(buffer));
  }
  // A string, bytes or an embedded message already serialised. Written even
  // when empty: an embedded message that is set but empty still counts.
  void Bytes(int field, absl::string_view bytes) {
    Tag(field, google::protobuf::internal::WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
    Raw(bytes.size());
    out_.append(bytes.data(), bytes.size());
  }
  // proto3 string: an empty one is not written.
  void String(int field, absl::string_view text) {
    if (!text.empty()) Bytes(field, text);
  }

 private:
  void Tag(int field, google::protobuf::internal::WireFormatLite::WireType type) {
    Raw(google::protobuf::internal::WireFormatLite::MakeTag(field, type));
  }
  void Raw(uint64_t value) {
    uint8_t buffer[10];  // the longest varint
    uint8_t* end = google::protobuf::io::CodedOutputStream::WriteVarint64ToArray(value, buffer);
    out_.append(reinterpret_cast<const char*>(buffer), static_cast<size_t>(end - buffer));
  }

  std::string& out_;
};

}  // namespace osteoflow
