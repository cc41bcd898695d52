#include "common/auth/caller.h"

namespace osteoflow {

std::optional<Role> RoleNamed(absl::string_view name) {
  if (name == "clinician") return Role::kClinician;
  if (name == "patient_app") return Role::kPatientApp;
  if (name == "service") return Role::kService;
  if (name == "operator") return Role::kOperator;
  return std::nullopt;
}

absl::string_view NameOf(Role role) {
  switch (role) {
    case Role::kClinician: return "clinician";
    case Role::kPatientApp: return "patient_app";
    case Role::kService: return "service";
    case Role::kOperator: return "operator";
  }
  return "unknown";
}

}  // namespace osteoflow
