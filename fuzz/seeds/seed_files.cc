#include "fuzz/seeds/seed_files.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

namespace osteoflow::fuzz {

SeedFolder::SeedFolder(const std::filesystem::path& corpus, const std::string& target) : folder_(corpus / target) {
  std::filesystem::create_directories(folder_);
}

void SeedFolder::Add(const std::string& name, const std::string& bytes) const {
  std::ofstream file(folder_ / name, std::ios::binary | std::ios::trunc);
  file << bytes;
  if (!file) {
    std::fprintf(stderr, "seeds: cannot write %s\n", (folder_ / name).c_str());
    std::exit(1);
  }
}

void SeedFolder::Add(const std::string& name, const google::protobuf::Message& message) const {
  std::string wire;
  {
    google::protobuf::io::StringOutputStream stream(&wire);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  Add(name, wire);
}

}  // namespace osteoflow::fuzz
