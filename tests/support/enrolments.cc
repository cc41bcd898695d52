#include "tests/support/enrolments.h"

namespace osteoflow::testing {

osteoflow::progress::v1::EnrollRequest ThreeDayEnrolment(const osteoflow::screening::v1::Intake& intake,
                                                          const std::string& patient,
                                                          const std::string& request_id) {
  osteoflow::progress::v1::EnrollRequest request;
  request.set_request_id(request_id);
  *request.mutable_intake() = intake;
  request.mutable_intake()->set_patient_id(patient);
  osteoflow::scheduling::v1::Preferences* preferences = request.mutable_preferences();
  for (const auto day : {osteoflow::scheduling::v1::WEEKDAY_MONDAY, osteoflow::scheduling::v1::WEEKDAY_WEDNESDAY,
                         osteoflow::scheduling::v1::WEEKDAY_FRIDAY}) {
    preferences->add_available_days(day);
  }
  preferences->set_minutes_per_day(40);
  request.set_start_date("2026-11-23");
  return request;
}

}  // namespace osteoflow::testing
