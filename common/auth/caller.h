#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace osteoflow {

// Who may call the suite, in the words of the access policy.
enum class Role {
  kClinician,
  // A patient's own app: bound to one patient id by its token.
  kPatientApp,
  // Another service: a platform team's, or one of ours calling a peer.
  kService,
  // Runs the system: health, catalog; no patient records.
  kOperator,
};

std::optional<Role> RoleNamed(absl::string_view name);
absl::string_view NameOf(Role role);

// An authenticated caller. `subject` is an opaque id (the token's "sub", or a
// peer service's certificate name), never a person's name.
struct Caller {
  std::string subject;
  Role role = Role::kService;
  // For kPatientApp: the only patient whose records it may reach.
  std::string patient_id;
};

}  // namespace osteoflow
