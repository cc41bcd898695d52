#pragma once

#include <filesystem>
#include <string>

#include <google/protobuf/message.h>

namespace osteoflow::fuzz {

// Where one target's seeds are written: a folder of its own under the
// corpus folder, one file per seed.
class SeedFolder {
 public:
  SeedFolder(const std::filesystem::path& corpus, const std::string& target);

  // A seed of raw bytes (text files, tokens, conditions).
  void Add(const std::string& name, const std::string& bytes) const;
  // A request as a client sends it: its wire form, written deterministically
  // so that seeds made again from the same samples are the same files.
  void Add(const std::string& name, const google::protobuf::Message& message) const;

 private:
  std::filesystem::path folder_;
};

}  // namespace osteoflow::fuzz
