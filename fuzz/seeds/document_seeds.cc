#include <set>
#include <string>

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "common/config/json_file.h"
#include "fuzz/seeds/seed_files.h"
#include "fuzz/seeds/seeds.h"
#include "fuzz/support/shipped_data.h"
#include "osteoflow/catalog/v1/catalog_document.pb.h"
#include "osteoflow/screening/v1/rule_set.pb.h"

namespace osteoflow::fuzz {
namespace {

std::string ShippedText(const std::string& relative) {
  std::string text;
  (void)ReadWholeFile(SourcePath(relative), &text);
  return text;
}

// The shipped catalog with its first few exercises only: a small document
// the fuzzer can change quickly (it refers to rules and tags of entries it
// lost, so it is near-valid rather than valid).
std::string SmallCatalog() {
  osteoflow::catalog::v1::CatalogDocument document;
  (void)ParseJsonMessage(ShippedText("services/catalog/data/catalog.json"), &document);
  while (document.exercises_size() > 3) document.mutable_exercises()->RemoveLast();
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  (void)google::protobuf::util::MessageToJsonString(document, &json, options);
  return json;
}

}  // namespace

void MakeDocumentSeeds(const std::filesystem::path& corpus) {
  const SeedFolder catalog(corpus, "catalog_file");
  catalog.Add("shipped.json", ShippedText("services/catalog/data/catalog.json"));
  catalog.Add("three-exercises.json", SmallCatalog());
  SeedFolder(corpus, "screening_rule_set_file").Add("shipped.json", ShippedText("services/screening/data/rules.json"));
  SeedFolder(corpus, "scheduling_plan_rules_file")
      .Add("shipped.json", ShippedText("services/scheduling/data/plan_rules.json"));
  SeedFolder(corpus, "progress_progression_rules_file")
      .Add("shipped.json", ShippedText("services/progress/data/progression_rules.json"));

  // Every distinct condition of the shipped rules, one seed each.
  osteoflow::screening::v1::RuleSetDocument rules;
  (void)ParseJsonMessage(ShippedText("services/screening/data/rules.json"), &rules);
  std::set<std::string> conditions;
  for (const auto& rule : rules.rules()) {
    for (const auto& clause : rule.clauses()) conditions.insert(clause.when());
  }
  const SeedFolder condition(corpus, "screening_condition");
  int number = 0;
  for (const std::string& text : conditions) condition.Add(absl::StrCat("rule-", ++number), text);
}

}  // namespace osteoflow::fuzz
