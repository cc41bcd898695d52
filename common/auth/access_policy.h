#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/auth/caller.h"

namespace osteoflow {

// Who may call a method, and whether it reaches one patient's records (then
// a patient app only reaches its own patient's, and every call is audited).
struct MethodAccess {
  std::vector<Role> roles;
  bool patient_data = false;
  // Request fields a patient app may set only when its call comes through
  // one of our services (which made them), never directly: an inline
  // screening result, for example, would let an app plan from a result it
  // made up.
  std::vector<std::string> fields_only_via_our_services;
};

// The per-method table of who may call what. A method not in the table is
// refused to everyone: a new method is closed until someone decides.
class AccessPolicy {
 public:
  // The suite's table: every method of the four services (suite_policy.cc).
  static const AccessPolicy& Suite();

  void Allow(std::string method, MethodAccess access);
  // nullptr when the method is not in the table.
  const MethodAccess* Find(absl::string_view method) const;

  // OK, or PERMISSION_DENIED saying why. `patient_id` is the patient the
  // request names ("" when it names none).
  absl::Status Decide(absl::string_view method, const Caller& caller, absl::string_view patient_id) const;

 private:
  absl::flat_hash_map<std::string, MethodAccess> methods_;
};

}  // namespace osteoflow
