#pragma once

#include <filesystem>
#include <string>

// Each family of seeds, written under `corpus` (one folder per target).
namespace osteoflow::fuzz {

// Requests of the four services, from the JSON samples (samples/) and what
// the in-process suite answers for them (page tokens, programme names).
void MakeCatalogRequestSeeds(const std::filesystem::path& corpus);
void MakeScreeningRequestSeeds(const std::filesystem::path& corpus);
void MakeSchedulingRequestSeeds(const std::filesystem::path& corpus);
void MakeProgressRequestSeeds(const std::filesystem::path& corpus);

// The shipped data files, a cut-down catalog, and the conditions of the
// shipped rule set.
void MakeDocumentSeeds(const std::filesystem::path& corpus);

// Bearer tokens signed with `private_key_pem` (ES256), good and bad.
void MakeTokenSeeds(const std::filesystem::path& corpus, const std::string& private_key_pem);

}  // namespace osteoflow::fuzz
