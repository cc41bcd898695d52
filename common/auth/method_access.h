#pragma once

#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth/caller.h"

namespace osteoflow {

// Who may call one method, read from the access option its contract declares
// (osteoflow/common/v1/access.proto), with the request fields it names
// resolved once at start.
class MethodAccess {
 public:
  // INVALID_ARGUMENT naming the method when it declares no access, names no
  // role, names a field its request does not have, or lets a patient app
  // reach patients' records without saying where a request names its patient.
  static absl::StatusOr<MethodAccess> Of(const google::protobuf::MethodDescriptor& method);

  // "/package.Service/Method", as gRPC names it on the wire.
  const std::string& method() const { return method_; }
  bool patient_records() const { return patient_records_; }

  // OK, or PERMISSION_DENIED saying why. `patient_id` is the patient the
  // request names ("" when it names none).
  absl::Status Decide(const Caller& caller, absl::string_view patient_id) const;

  // The patient a request names: the first declared patient field that is
  // set; "" when none is, or when its value is not an opaque id (the use
  // case refuses those).
  std::string PatientOf(const google::protobuf::Message& request) const;

  // The first field a patient app may not set itself that `request` sets;
  // nullptr when there is none.
  const google::protobuf::FieldDescriptor* FieldOnlyViaSuiteServices(
      const google::protobuf::Message& request) const;

 private:
  struct PatientField {
    // From the request down to the field holding the name or id.
    std::vector<const google::protobuf::FieldDescriptor*> path;
    bool resource_name = false;
  };

  std::string method_;
  std::vector<Role> roles_;
  bool patient_records_ = false;
  std::vector<PatientField> patient_fields_;
  std::vector<const google::protobuf::FieldDescriptor*> only_via_suite_services_;
};

}  // namespace osteoflow
