#include "services/scheduling/domain/plan_wording.h"

#include "osteoflow/catalog/v1/exercise.pb.h"

namespace osteoflow::scheduling {
namespace {

namespace v1 = osteoflow::scheduling::v1;
namespace catalog_v1 = osteoflow::catalog::v1;
namespace common = osteoflow::common::v1;

}  // namespace

const char* ComponentWords(v1::Component component) {
  switch (component) {
    case v1::COMPONENT_STRENGTH: return "strength";
    case v1::COMPONENT_IMPACT: return "impact";
    case v1::COMPONENT_WEIGHT_BEARING_AEROBIC: return "weight-bearing activity";
    case v1::COMPONENT_BALANCE: return "balance";
    case v1::COMPONENT_POSTURE: return "posture";
    case v1::COMPONENT_FLEXIBILITY: return "stretching";
    case v1::COMPONENT_NON_WEIGHT_BEARING: return "non-weight-bearing activity";
    default: return "exercise";
  }
}

const char* PatternWords(int pattern) {
  switch (pattern) {
    case catalog_v1::MOVEMENT_PATTERN_HINGE: return "hinge";
    case catalog_v1::MOVEMENT_PATTERN_SQUAT: return "squat";
    case catalog_v1::MOVEMENT_PATTERN_PUSH: return "push";
    case catalog_v1::MOVEMENT_PATTERN_PULL: return "pull";
    case catalog_v1::MOVEMENT_PATTERN_SPINAL_EXTENSION: return "back extensors";
    default: return "movement";
  }
}

std::string Capitalised(std::string text) {
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 'a' + 'A');
  return text;
}

void AddCitation(const common::RuleCitation& citation,
                 google::protobuf::RepeatedPtrField<common::RuleCitation>* rules) {
  if (citation.rule_id().empty()) return;
  for (const common::RuleCitation& present : *rules) {
    if (present.rule_id() == citation.rule_id()) return;
  }
  *rules->Add() = citation;
}

void AddCitations(const google::protobuf::RepeatedPtrField<common::RuleCitation>& citations,
                  google::protobuf::RepeatedPtrField<common::RuleCitation>* rules) {
  for (const common::RuleCitation& citation : citations) AddCitation(citation, rules);
}

}  // namespace osteoflow::scheduling
