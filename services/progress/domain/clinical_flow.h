#pragma once

#include "osteoflow/progress/v1/measurement.pb.h"
#include "osteoflow/progress/v1/program.pb.h"
#include "osteoflow/progress/v1/progress_report.pb.h"
#include "osteoflow/progress/v1/session_log.pb.h"

namespace osteoflow::progress {

// What happened to programmes, told once each change is committed (never for
// a retry that found it already stored): enrolments, session logs with their
// alerts, measurements, finished weeks with their decisions, resumptions.
// For counting the clinical flow; an implementation must not block and
// must keep nothing that names a person.
class ClinicalFlow {
 public:
  virtual ~ClinicalFlow() = default;
  virtual void Enrolled(const osteoflow::progress::v1::Program& program) = 0;
  virtual void SessionLogged(const osteoflow::progress::v1::SessionLog& log) = 0;
  virtual void MeasurementRecorded(const osteoflow::progress::v1::Measurement& measurement) = 0;
  virtual void WeekFinished(const osteoflow::progress::v1::ProgramWeek& week) = 0;
  virtual void Resumed() = 0;
};

// Tells nobody: for programmes served without metrics, and tests.
class UntoldClinicalFlow final : public ClinicalFlow {
 public:
  void Enrolled(const osteoflow::progress::v1::Program&) override {}
  void SessionLogged(const osteoflow::progress::v1::SessionLog&) override {}
  void MeasurementRecorded(const osteoflow::progress::v1::Measurement&) override {}
  void WeekFinished(const osteoflow::progress::v1::ProgramWeek&) override {}
  void Resumed() override {}
};

}  // namespace osteoflow::progress
