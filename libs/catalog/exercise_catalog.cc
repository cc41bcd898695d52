#include "libs/catalog/exercise_catalog.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/text/resource_names.h"
#include "osteoflow/catalog/v1/catalog_service.pb.h"
#include "libs/catalog/catalog_validation.h"
#include "common/digest/content_digest.h"

namespace osteoflow::catalog {

constexpr absl::string_view kExercisePrefix = "exercises/";

std::string ExerciseName(absl::string_view id) { return absl::StrCat(kExercisePrefix, id); }

absl::StatusOr<std::string> ParseExerciseName(absl::string_view name, absl::string_view field) {
  absl::StatusOr<std::vector<std::string>> ids = SplitResourceName(name, "exercises/{id}", field);
  if (!ids.ok()) return ids.status();
  return std::move((*ids)[0]);
}

absl::StatusOr<std::shared_ptr<const ExerciseCatalog>> ExerciseCatalog::Create(
    v1::CatalogDocument document) {
  if (absl::Status valid = ValidateCatalog(document); !valid.ok()) return valid;
  std::sort(document.mutable_exercises()->begin(), document.mutable_exercises()->end(),
            [](const v1::Exercise& a, const v1::Exercise& b) { return a.id() < b.id(); });
  for (v1::Exercise& exercise : *document.mutable_exercises()) {
    exercise.set_name(ExerciseName(exercise.id()));
  }
  return std::shared_ptr<const ExerciseCatalog>(new ExerciseCatalog(std::move(document)));
}

ExerciseCatalog::ExerciseCatalog(v1::CatalogDocument document)
    : document_(std::move(document)),
      digest_(ContentDigest(document_)),
      document_wire_(document_.SerializeAsString()) {
  for (const v1::Exercise& exercise : document_.exercises()) {
    v1::ListExercisesResponse item;
    *item.add_exercises() = exercise;
    by_id_.emplace(exercise.id(),
                   Indexed{&exercise, WireForms{exercise.SerializeAsString(), item.SerializeAsString()}});
  }
}

const ExerciseCatalog::WireForms& ExerciseCatalog::Wire(const v1::Exercise& exercise) const {
  return by_id_.at(exercise.id()).wire;
}

const v1::Exercise* ExerciseCatalog::Find(absl::string_view id) const {
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second.exercise;
}

const v1::SafetyTagDefinition* ExerciseCatalog::TagDefinition(
    osteoflow::common::v1::SafetyTag tag) const {
  for (const auto& definition : document_.safety_tags()) {
    if (definition.tag() == tag) return &definition;
  }
  return nullptr;
}

const v1::RuleDefinition* ExerciseCatalog::Rule(absl::string_view rule_id) const {
  for (const auto& rule : document_.rules()) {
    if (rule.rule_id() == rule_id) return &rule;
  }
  return nullptr;
}

}  // namespace osteoflow::catalog
