#include "fuzz/support/shipped_data.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "common/config/json_file.h"
#include "libs/catalog/catalog_file.h"

namespace osteoflow::fuzz {
namespace {

void StopUnless(const absl::Status& status) {
  if (status.ok()) return;
  std::fprintf(stderr, "fuzz: %s\n", status.ToString().c_str());
  std::abort();
}

template <typename T>
T OrStop(absl::StatusOr<T> loaded) {
  StopUnless(loaded.status());
  return *std::move(loaded);
}

template <typename Message>
Message ReadJson(const std::string& path) {
  std::string text;
  Message message;
  absl::Status read = ReadWholeFile(path, &text);
  if (read.ok()) read = ParseJsonMessage(text, &message);
  StopUnless(read);
  return message;
}

}  // namespace

std::string SourcePath(const std::string& relative) { return std::string(OSTEOFLOW_SOURCE_DIR) + "/" + relative; }

const ShippedData& Shipped() {
  static const ShippedData* const shipped = [] {
    auto* data = new ShippedData;
    data->catalog = OrStop(catalog::LoadCatalogFile(SourcePath("services/catalog/data/catalog.json")));
    data->rule_set = OrStop(screening::LoadRuleSetFile(SourcePath("services/screening/data/rules.json")));
    data->plan_rules = OrStop(scheduling::LoadPlanRulesFile(SourcePath("services/scheduling/data/plan_rules.json")));
    data->progression_rules =
        OrStop(progress::LoadProgressionRulesFile(SourcePath("services/progress/data/progression_rules.json")));
    return data;
  }();
  return *shipped;
}

const std::vector<SamplePatient>& SamplePatients() {
  static const std::vector<SamplePatient>* const samples = [] {
    auto* patients = new std::vector<SamplePatient>;
    std::vector<std::filesystem::path> intakes;
    for (const auto& entry : std::filesystem::directory_iterator(SourcePath("samples/intakes"))) {
      intakes.push_back(entry.path());
    }
    std::sort(intakes.begin(), intakes.end());
    for (const std::filesystem::path& intake : intakes) {
      SamplePatient patient;
      patient.name = intake.stem().string();
      patient.intake = ReadJson<osteoflow::screening::v1::Intake>(intake.string());
      patient.preferences = ReadJson<osteoflow::scheduling::v1::Preferences>(
          SourcePath("samples/preferences/" + patient.name + ".json"));
      patients->push_back(std::move(patient));
    }
    return patients;
  }();
  return *samples;
}

const std::vector<osteoflow::common::v1::Restrictions>& SampleRestrictions() {
  static const std::vector<osteoflow::common::v1::Restrictions>* const samples = [] {
    auto* restrictions = new std::vector<osteoflow::common::v1::Restrictions>;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(SourcePath("samples/restrictions"))) {
      files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const std::filesystem::path& file : files) {
      restrictions->push_back(ReadJson<osteoflow::common::v1::Restrictions>(file.string()));
    }
    return restrictions;
  }();
  return *samples;
}

absl::Time FuzzNow() { return absl::FromCivil(absl::CivilSecond(2026, 12, 7, 12, 0, 0), absl::UTCTimeZone()); }

}  // namespace osteoflow::fuzz
