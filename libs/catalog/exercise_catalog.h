#pragma once

#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "osteoflow/catalog/v1/catalog_document.pb.h"
#include "osteoflow/catalog/v1/exercise.pb.h"

namespace osteoflow::catalog {

// The validated, immutable catalog a service answers from. Safe to share
// between threads: nothing changes after construction.
class ExerciseCatalog {
 public:
  // Validates the document (see ValidateCatalog), fills in resource names,
  // orders entries by id and computes the content digest.
  static absl::StatusOr<std::shared_ptr<const ExerciseCatalog>> Create(
      osteoflow::catalog::v1::CatalogDocument document);

  const std::string& version() const { return document_.version(); }
  // "sha256:<hex>" of the validated content.
  const std::string& content_digest() const { return digest_; }
  int size() const { return document_.exercises_size(); }

  // Entries ordered by id.
  const google::protobuf::RepeatedPtrField<osteoflow::catalog::v1::Exercise>& exercises() const {
    return document_.exercises();
  }

  // nullptr when no entry has the id.
  const osteoflow::catalog::v1::Exercise* Find(absl::string_view id) const;

  // The definition of a safety tag; nullptr if the catalog does not define it.
  const osteoflow::catalog::v1::SafetyTagDefinition* TagDefinition(
      osteoflow::common::v1::SafetyTag tag) const;

  // A rule the catalog cites; nullptr if not defined.
  const osteoflow::catalog::v1::RuleDefinition* Rule(absl::string_view rule_id) const;

  // An entry's wire form, made once at load so that answers need not copy or
  // serialise it again: `exercise` is the Exercise message, `list_item` is a
  // ListExercisesResponse holding only this entry (concatenated list items
  // are the wire form of a page). `exercise` must belong to this catalog.
  struct WireForms {
    std::string exercise;
    std::string list_item;
  };
  const WireForms& Wire(const osteoflow::catalog::v1::Exercise& exercise) const;

  // The whole validated document's wire form, made once at load.
  const std::string& DocumentWire() const { return document_wire_; }

 private:
  explicit ExerciseCatalog(osteoflow::catalog::v1::CatalogDocument document);

  osteoflow::catalog::v1::CatalogDocument document_;
  std::string digest_;
  std::string document_wire_;
  // One index for lookups by id and for wire forms; keys view the ids held
  // by document_, which never changes after construction.
  struct Indexed {
    const osteoflow::catalog::v1::Exercise* exercise;
    WireForms wire;
  };
  absl::flat_hash_map<absl::string_view, Indexed> by_id_;
};

// "exercises/{id}" for an id, and back. ParseExerciseName returns
// INVALID_ARGUMENT naming `field` when the name is malformed.
std::string ExerciseName(absl::string_view id);
absl::StatusOr<std::string> ParseExerciseName(absl::string_view name, absl::string_view field);

}  // namespace osteoflow::catalog
