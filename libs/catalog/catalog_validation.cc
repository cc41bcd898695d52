#include "libs/catalog/catalog_validation.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status/field_violations.h"

namespace osteoflow::catalog {
namespace {

namespace v1 = osteoflow::catalog::v1;
namespace common = osteoflow::common::v1;

constexpr size_t kMaxDescription = 300;

bool IsValidId(const std::string& id) {
  if (id.size() < 3 || id.size() > 64) return false;
  if (!absl::ascii_islower(static_cast<unsigned char>(id[0])) &&
      !absl::ascii_isdigit(static_cast<unsigned char>(id[0]))) {
    return false;
  }
  for (const char c : id) {
    const auto u = static_cast<unsigned char>(c);
    if (!absl::ascii_islower(u) && !absl::ascii_isdigit(u) && c != '-') return false;
  }
  return true;
}

bool IsAerobicOrImpact(v1::Category category) {
  return category == v1::CATEGORY_WEIGHT_BEARING_AEROBIC || category == v1::CATEGORY_IMPACT_DRILL;
}

void CheckDose(const common::Dose& dose, const std::string& at, v1::Category category,
               FieldViolations& problems) {
  switch (dose.amount_case()) {
    case common::Dose::kSetsReps: {
      const common::SetsReps& s = dose.sets_reps();
      if (s.sets() < 1 || s.sets() > 10) problems.Add(at + ".sets_reps.sets", "must be 1..10");
      if (s.reps_min() < 1 || s.reps_min() > 100) {
        problems.Add(at + ".sets_reps.reps_min", "must be 1..100");
      }
      if (s.reps_max() < s.reps_min() || s.reps_max() > 100) {
        problems.Add(at + ".sets_reps.reps_max", "must be reps_min..100");
      }
      if (s.hold_seconds() < 0 || s.hold_seconds() > 600) {
        problems.Add(at + ".sets_reps.hold_seconds", "must be 0..600");
      }
      break;
    }
    case common::Dose::kMinutes:
      if (dose.minutes() < 1 || dose.minutes() > 240) problems.Add(at + ".minutes", "must be 1..240");
      break;
    case common::Dose::kImpacts:
      if (dose.impacts() < 1 || dose.impacts() > 500) problems.Add(at + ".impacts", "must be 1..500");
      break;
    case common::Dose::AMOUNT_NOT_SET:
      problems.Add(at, "needs one of sets_reps, minutes or impacts");
      return;
  }
  if (category == v1::CATEGORY_RESISTANCE && dose.amount_case() != common::Dose::kSetsReps) {
    problems.Add(at, "resistance entries are dosed in sets_reps (DOSE-REPS)");
  }
  if (category == v1::CATEGORY_IMPACT_DRILL && dose.amount_case() != common::Dose::kImpacts) {
    problems.Add(at, "impact drills are dosed in impacts (DOSE-IMPACT)");
  }
}

}  // namespace

bool IsAvoidTag(common::SafetyTag tag) {
  switch (tag) {
    case common::SAFETY_TAG_AVOID_FLEXION:
    case common::SAFETY_TAG_AVOID_TWIST:
    case common::SAFETY_TAG_AVOID_NECK:
    case common::SAFETY_TAG_AVOID_JERK:
    case common::SAFETY_TAG_AVOID_FLOORLIFT:
    case common::SAFETY_TAG_AVOID_FALLRISK:
    case common::SAFETY_TAG_AVOID_SLR:
      return true;
    default:
      return false;
  }
}

absl::Status ValidateCatalog(const v1::CatalogDocument& document) {
  FieldViolations problems;
  if (document.version().empty()) problems.Add("version", "required");

  absl::flat_hash_set<std::string> source_keys;
  for (int i = 0; i < document.sources_size(); ++i) {
    const auto& source = document.sources(i);
    const std::string at = absl::StrCat("sources[", i, "]");
    if (source.key().empty()) problems.Add(at + ".key", "required");
    if (source.citation().empty()) problems.Add(at + ".citation", "required");
    if (!source_keys.insert(source.key()).second) {
      problems.Add(at + ".key", absl::StrCat("duplicate source key '", source.key(), "'"));
    }
  }
  auto check_sources = [&](const auto& keys, const std::string& at) {
    if (keys.empty()) problems.Add(at, "at least one source key is required");
    for (const std::string& key : keys) {
      if (!source_keys.contains(key)) {
        problems.Add(at, absl::StrCat("unknown source key '", key, "'"));
      }
    }
  };

  absl::flat_hash_set<std::string> rule_ids;
  for (int i = 0; i < document.rules_size(); ++i) {
    const auto& rule = document.rules(i);
    const std::string at = absl::StrCat("rules[", i, "]");
    if (rule.rule_id().empty()) problems.Add(at + ".rule_id", "required");
    if (rule.summary().empty()) problems.Add(at + ".summary", "required");
    if (!rule_ids.insert(rule.rule_id()).second) {
      problems.Add(at + ".rule_id", absl::StrCat("duplicate rule '", rule.rule_id(), "'"));
    }
    check_sources(rule.source_keys(), at + ".source_keys");
  }
  if (!rule_ids.contains("NWB")) problems.Add("rules", "must define rule 'NWB'");

  absl::flat_hash_set<int> defined_tags;
  for (int i = 0; i < document.safety_tags_size(); ++i) {
    const auto& definition = document.safety_tags(i);
    const std::string at = absl::StrCat("safety_tags[", i, "]");
    if (definition.tag() == common::SAFETY_TAG_UNSPECIFIED) problems.Add(at + ".tag", "required");
    if (!defined_tags.insert(definition.tag()).second) {
      problems.Add(at + ".tag", "defined twice");
    }
    if (definition.rule_id().empty()) problems.Add(at + ".rule_id", "required");
    if (definition.reason().empty()) problems.Add(at + ".reason", "required");
    check_sources(definition.source_keys(), at + ".source_keys");
  }

  absl::flat_hash_map<std::string, const v1::Exercise*> by_id;
  for (int i = 0; i < document.exercises_size(); ++i) {
    const v1::Exercise& exercise = document.exercises(i);
    if (!by_id.emplace(exercise.id(), &exercise).second) {
      problems.Add(absl::StrCat("exercises[", i, "] (", exercise.id(), ").id"), "duplicate id");
    }
  }
  if (document.exercises().empty()) problems.Add("exercises", "the catalog has no entries");

  for (int i = 0; i < document.exercises_size(); ++i) {
    const v1::Exercise& e = document.exercises(i);
    const std::string at = absl::StrCat("exercises[", i, "] (", e.id(), ")");
    auto field = [&](absl::string_view name) { return absl::StrCat(at, ".", name); };

    if (!IsValidId(e.id())) {
      problems.Add(field("id"), "must be 3..64 of a-z, 0-9 and '-', starting with a letter or digit");
    }
    if (!e.name().empty()) problems.Add(field("name"), "is output only; leave it out of the file");
    if (e.display_name().empty()) problems.Add(field("display_name"), "required");
    if (e.description().empty()) problems.Add(field("description"), "required");
    if (e.description().size() > kMaxDescription) {
      problems.Add(field("description"), absl::StrCat("longer than ", kMaxDescription, " characters"));
    }
    if (e.category() == v1::CATEGORY_UNSPECIFIED) problems.Add(field("category"), "required");
    if (e.movement_pattern() == v1::MOVEMENT_PATTERN_UNSPECIFIED) {
      problems.Add(field("movement_pattern"), "required");
    }
    if (e.impact_level() == common::IMPACT_LEVEL_UNSPECIFIED) {
      problems.Add(field("impact_level"), "required");
    }
    if (e.intensity() == common::INTENSITY_UNSPECIFIED) problems.Add(field("intensity"), "required");

    // Contradictions between attributes.
    if (!e.weight_bearing() && e.impact_level() > common::IMPACT_LEVEL_NONE) {
      problems.Add(field("weight_bearing"), "an entry with impact must be weight-bearing");
    }
    if (e.category() == v1::CATEGORY_NON_WEIGHT_BEARING_AEROBIC && e.weight_bearing()) {
      problems.Add(field("weight_bearing"), "non-weight-bearing aerobic entries never count as weight-bearing (NWB)");
    }
    if (IsAerobicOrImpact(e.category()) &&
        (!e.weight_bearing() || e.impact_level() < common::IMPACT_LEVEL_LOW)) {
      problems.Add(field("impact_level"),
                   "weight-bearing aerobic and impact entries are weight-bearing with at least low impact");
    }
    if (e.category() == v1::CATEGORY_IMPACT_DRILL && e.impact_level() < common::IMPACT_LEVEL_MODERATE) {
      problems.Add(field("impact_level"), "impact drills are at least moderate impact");
    }
    // PROG-BALANCE: the planner walks the ladder by these levels.
    if (e.category() == v1::CATEGORY_BALANCE && e.balance_level() == v1::BALANCE_LEVEL_UNSPECIFIED) {
      problems.Add(field("balance_level"), "required for balance entries");
    } else if (e.category() != v1::CATEGORY_BALANCE && e.balance_level() != v1::BALANCE_LEVEL_UNSPECIFIED) {
      problems.Add(field("balance_level"), "only balance entries stand on the balance ladder");
    }
    if (!v1::BalanceLevel_IsValid(e.balance_level())) problems.Add(field("balance_level"), "unknown value");
    if (e.load_percent_one_rep_max() < 0 || e.load_percent_one_rep_max() > 100) {
      problems.Add(field("load_percent_one_rep_max"), "must be 0..100");
    }
    if (e.load_percent_one_rep_max() > 0 && e.category() != v1::CATEGORY_RESISTANCE) {
      problems.Add(field("load_percent_one_rep_max"), "only resistance entries carry a load");
    }
    if (!e.has_default_dose()) {
      problems.Add(field("default_dose"), "required");
    } else {
      CheckDose(e.default_dose(), field("default_dose"), e.category(), problems);
    }
    for (const int equipment : e.equipment()) {
      if (equipment == common::EQUIPMENT_UNSPECIFIED) problems.Add(field("equipment"), "unspecified value");
    }
    check_sources(e.source_keys(), field("source_keys"));

    bool not_recommended = false;
    for (const int raw_tag : e.safety_tags()) {
      const auto tag = static_cast<common::SafetyTag>(raw_tag);
      if (!defined_tags.contains(tag)) {
        problems.Add(field("safety_tags"),
                     absl::StrCat("tag ", common::SafetyTag_Name(tag), " is not defined in safety_tags"));
      }
      not_recommended = not_recommended || IsAvoidTag(tag);
    }

    // References to other entries.
    auto check_ref = [&](const std::string& id, absl::string_view name) -> const v1::Exercise* {
      if (id == e.id()) {
        problems.Add(field(name), "refers to the entry itself");
        return nullptr;
      }
      const auto it = by_id.find(id);
      if (it == by_id.end()) {
        problems.Add(field(name), absl::StrCat("'", id, "' does not name an entry"));
        return nullptr;
      }
      return it->second;
    };
    // Variant links run both ways: an easier variant lists this entry as harder.
    auto check_variants = [&](const auto& ids, absl::string_view name, auto back_links,
                              absl::string_view back_word) {
      for (const std::string& id : ids) {
        const v1::Exercise* other = check_ref(id, name);
        if (other == nullptr) continue;
        const auto& back = back_links(*other);
        if (std::find(back.begin(), back.end(), e.id()) == back.end()) {
          problems.Add(field(name),
                       absl::StrCat("'", id, "' does not list this entry as ", back_word));
        }
      }
    };
    check_variants(e.easier_variant_ids(), "easier_variant_ids",
                   [](const v1::Exercise& x) -> const auto& { return x.harder_variant_ids(); },
                   "harder");
    check_variants(e.harder_variant_ids(), "harder_variant_ids",
                   [](const v1::Exercise& x) -> const auto& { return x.easier_variant_ids(); },
                   "easier");
    if (not_recommended && e.safer_alternative_id().empty()) {
      problems.Add(field("safer_alternative_id"),
                   "required: the entry carries an AVOID-* tag and so is not recommended");
    }
    if (!e.safer_alternative_id().empty()) {
      if (const v1::Exercise* alternative = check_ref(e.safer_alternative_id(), "safer_alternative_id")) {
        for (const int tag : alternative->safety_tags()) {
          if (IsAvoidTag(static_cast<common::SafetyTag>(tag)) ||
              tag == common::SAFETY_TAG_BALANCE_CHALLENGE) {
            problems.Add(field("safer_alternative_id"),
                         absl::StrCat("'", alternative->id(), "' is itself tagged ",
                                      common::SafetyTag_Name(static_cast<common::SafetyTag>(tag))));
          }
        }
      }
    }
  }
  return problems.ToStatus();
}

}  // namespace osteoflow::catalog
