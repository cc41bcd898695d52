#pragma once

#include <string>

#include "osteoflow/common/v1/clinical.pb.h"
#include "osteoflow/scheduling/v1/plan.pb.h"

namespace osteoflow::scheduling {

// How a plan names a component in session titles and reasons.
const char* ComponentWords(osteoflow::scheduling::v1::Component component);

// How a plan names a strength movement pattern.
const char* PatternWords(int pattern);

// The text with its first letter in upper case.
std::string Capitalised(std::string text);

// Adds a citation unless the list already cites its rule: a plan cites each
// rule once per place. Citations without a rule id are left out.
void AddCitation(const osteoflow::common::v1::RuleCitation& citation,
                 google::protobuf::RepeatedPtrField<osteoflow::common::v1::RuleCitation>* rules);
void AddCitations(
    const google::protobuf::RepeatedPtrField<osteoflow::common::v1::RuleCitation>& citations,
    google::protobuf::RepeatedPtrField<osteoflow::common::v1::RuleCitation>* rules);

}  // namespace osteoflow::scheduling
