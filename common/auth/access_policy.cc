#include "common/auth/access_policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace osteoflow {

void AccessPolicy::Allow(std::string method, MethodAccess access) { methods_[std::move(method)] = std::move(access); }

const MethodAccess* AccessPolicy::Find(absl::string_view method) const {
  auto found = methods_.find(method);
  return found == methods_.end() ? nullptr : &found->second;
}

absl::Status AccessPolicy::Decide(absl::string_view method, const Caller& caller,
                                  absl::string_view patient_id) const {
  const MethodAccess* access = Find(method);
  if (access == nullptr) return absl::PermissionDeniedError(absl::StrCat(method, " is open to no one"));
  if (std::find(access->roles.begin(), access->roles.end(), caller.role) == access->roles.end()) {
    return absl::PermissionDeniedError(absl::StrCat("a ", NameOf(caller.role), " may not call ", method));
  }
  if (access->patient_data && caller.role == Role::kPatientApp) {
    if (patient_id.empty()) return absl::PermissionDeniedError("a patient app's request must name its patient");
    if (patient_id != caller.patient_id) {
      return absl::PermissionDeniedError("a patient app reaches only its own patient's records");
    }
  }
  return absl::OkStatus();
}

}  // namespace osteoflow
