#include "common/auth/method_access.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/text/identifiers.h"
#include "osteoflow/common/v1/access.pb.h"

namespace osteoflow {
namespace {

namespace pb = google::protobuf;
namespace access_v1 = osteoflow::common::v1;

absl::StatusOr<Role> RoleOf(int declared, const std::string& method) {
  switch (declared) {
    case access_v1::CALLER_ROLE_CLINICIAN: return Role::kClinician;
    case access_v1::CALLER_ROLE_PATIENT_APP: return Role::kPatientApp;
    case access_v1::CALLER_ROLE_SERVICE: return Role::kService;
    case access_v1::CALLER_ROLE_OPERATOR: return Role::kOperator;
    default: return absl::InvalidArgumentError(absl::StrCat(method, ": access names an unknown role ", declared));
  }
}

// The fields from `message` down a dotted path; the last must be a singular
// string, the ones before it singular messages.
absl::StatusOr<std::vector<const pb::FieldDescriptor*>> ResolvePath(const pb::Descriptor& message,
                                                                    absl::string_view path,
                                                                    const std::string& method) {
  std::vector<const pb::FieldDescriptor*> fields;
  const pb::Descriptor* current = &message;
  const std::vector<absl::string_view> names = absl::StrSplit(path, '.');
  for (size_t i = 0; i < names.size(); ++i) {
    const pb::FieldDescriptor* field = current == nullptr ? nullptr : current->FindFieldByName(std::string(names[i]));
    const bool last = i + 1 == names.size();
    const bool fits = field != nullptr && !field->is_repeated() &&
                      (last ? field->type() == pb::FieldDescriptor::TYPE_STRING
                            : field->type() == pb::FieldDescriptor::TYPE_MESSAGE);
    if (!fits) {
      return absl::InvalidArgumentError(
          absl::StrCat(method, ": access names ", path, ", which is not a string field of ", message.full_name()));
    }
    fields.push_back(field);
    current = field->message_type();
  }
  return fields;
}

// The patient id a resource name "patients/{id}/..." carries; "" otherwise.
absl::string_view PatientInResourceName(absl::string_view name) {
  const std::vector<absl::string_view> parts = absl::StrSplit(name, absl::MaxSplits('/', 2));
  if (parts.size() >= 2 && parts[0] == "patients") return parts[1];
  return "";
}

bool IsSet(const pb::Message& message, const pb::FieldDescriptor& field) {
  const pb::Reflection& reflection = *message.GetReflection();
  if (field.is_repeated()) return reflection.FieldSize(message, &field) > 0;
  if (field.message_type() != nullptr || field.has_presence()) return reflection.HasField(message, &field);
  return true;
}

}  // namespace

absl::StatusOr<MethodAccess> MethodAccess::Of(const pb::MethodDescriptor& method) {
  MethodAccess access;
  access.method_ = absl::StrCat("/", method.service()->full_name(), "/", method.name());
  const std::string& name = access.method_;
  if (!method.options().HasExtension(access_v1::access)) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": its contract declares no access (option (osteoflow.common.v1.access))"));
  }
  const access_v1::MethodAccess& declared = method.options().GetExtension(access_v1::access);
  if (declared.roles().empty()) return absl::InvalidArgumentError(absl::StrCat(name, ": access names no role"));
  for (int role : declared.roles()) {
    absl::StatusOr<Role> known = RoleOf(role, name);
    if (!known.ok()) return known.status();
    access.roles_.push_back(*known);
  }
  access.patient_records_ = declared.patient_records();
  const pb::Descriptor& request = *method.input_type();
  for (const access_v1::PatientField& field : declared.patient_fields()) {
    if (field.form() == access_v1::PATIENT_FIELD_FORM_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": access gives ", field.path(), " no form"));
    }
    absl::StatusOr<std::vector<const pb::FieldDescriptor*>> path = ResolvePath(request, field.path(), name);
    if (!path.ok()) return path.status();
    access.patient_fields_.push_back(
        PatientField{*std::move(path), field.form() == access_v1::PATIENT_FIELD_FORM_RESOURCE_NAME});
  }
  if (!access.patient_records_ && !access.patient_fields_.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": access names patient fields but no patient records"));
  }
  const bool apps_may_call =
      std::find(access.roles_.begin(), access.roles_.end(), Role::kPatientApp) != access.roles_.end();
  if (access.patient_records_ && apps_may_call && access.patient_fields_.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": a patient app may call it, but access names no field naming the patient"));
  }
  for (const std::string& field_name : declared.only_via_suite_services()) {
    const pb::FieldDescriptor* field = request.FindFieldByName(field_name);
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": access names ", field_name, ", which is not a field of ", request.full_name()));
    }
    access.only_via_suite_services_.push_back(field);
  }
  return access;
}

absl::Status MethodAccess::Decide(const Caller& caller, absl::string_view patient_id) const {
  if (std::find(roles_.begin(), roles_.end(), caller.role) == roles_.end()) {
    return absl::PermissionDeniedError(absl::StrCat("a ", NameOf(caller.role), " may not call ", method_));
  }
  if (patient_records_ && caller.role == Role::kPatientApp) {
    if (patient_id.empty()) return absl::PermissionDeniedError("a patient app's request must name its patient");
    if (patient_id != caller.patient_id) {
      return absl::PermissionDeniedError("a patient app reaches only its own patient's records");
    }
  }
  return absl::OkStatus();
}

std::string MethodAccess::PatientOf(const pb::Message& request) const {
  std::string scratch;
  for (const PatientField& field : patient_fields_) {
    const pb::Message* holder = &request;
    for (size_t i = 0; i + 1 < field.path.size() && holder != nullptr; ++i) {
      const pb::Reflection& reflection = *holder->GetReflection();
      holder = reflection.HasField(*holder, field.path[i]) ? &reflection.GetMessage(*holder, field.path[i]) : nullptr;
    }
    if (holder == nullptr) continue;
    const std::string& value = holder->GetReflection()->GetStringReference(*holder, field.path.back(), &scratch);
    const absl::string_view id = field.resource_name ? PatientInResourceName(value) : absl::string_view(value);
    if (id.empty()) continue;
    return IsOpaqueId(id) ? std::string(id) : std::string();
  }
  return "";
}

const pb::FieldDescriptor* MethodAccess::FieldOnlyViaSuiteServices(const pb::Message& request) const {
  for (const pb::FieldDescriptor* field : only_via_suite_services_) {
    if (IsSet(request, *field)) return field;
  }
  return nullptr;
}

}  // namespace osteoflow
