// The rule condition language: Condition::Parse fed arbitrary text, and a
// condition it accepts evaluated against facts: none at all, each sample
// patient's, and facts read from the input.
//
// Input: the condition's text, optionally followed by a NUL byte and bytes
// the facts are drawn from (in the range an intake that passed validation
// could give: flags 0/1, symbols as small enum numbers, numbers within
// +-1000). A seed is a condition alone.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstring>
#include <vector>

#include "fuzz/support/shipped_data.h"
#include "services/screening/domain/condition.h"
#include "services/screening/domain/intake_facts.h"

namespace screening = osteoflow::screening;

namespace {

const std::vector<screening::FactValues>& SampleFacts() {
  static const std::vector<screening::FactValues>* const facts = [] {
    auto* made = new std::vector<screening::FactValues>(1);  // the first has no facts
    for (const osteoflow::fuzz::SamplePatient& patient : osteoflow::fuzz::SamplePatients()) {
      screening::DensityReading reading;
      made->push_back(screening::ExtractFacts(patient.intake, &reading));
    }
    return made;
  }();
  return *facts;
}

screening::FactValues DrawFacts(FuzzedDataProvider& bytes) {
  screening::FactValues facts;
  for (const screening::FactDefinition& definition : screening::FactDefinitions()) {
    if (!bytes.ConsumeBool()) continue;  // absent
    switch (definition.type) {
      case screening::FactType::kFlag:
        facts.SetFlag(definition.fact, bytes.ConsumeBool());
        break;
      case screening::FactType::kSymbol:
        facts.Set(definition.fact, bytes.ConsumeIntegralInRange<int>(0, 16));
        break;
      case screening::FactType::kNumber:
        facts.Set(definition.fact, bytes.ConsumeFloatingPointInRange<double>(-1000.0, 1000.0));
        break;
    }
  }
  return facts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto* nul = static_cast<const uint8_t*>(std::memchr(data, 0, size));
  const size_t text_size = nul == nullptr ? size : static_cast<size_t>(nul - data);
  const absl::string_view text(reinterpret_cast<const char*>(data), text_size);
  absl::StatusOr<screening::Condition> condition = screening::Condition::Parse(text);
  if (!condition.ok()) return 0;
  for (const screening::FactValues& facts : SampleFacts()) (void)condition->Evaluate(facts);
  if (nul != nullptr) {
    FuzzedDataProvider rest(nul + 1, size - text_size - 1);
    (void)condition->Evaluate(DrawFacts(rest));
  }
  return 0;
}
