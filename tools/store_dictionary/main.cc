// osteoflow-store-dictionary: trains the next zstd dictionary for the
// progress store from the records of a store it reads (plans, finished weeks,
// session logs, measurements), for services/progress/data/packing/.
// Run it against a store filled by a generated cohort (bench/cohort), never
// against real patients' records: the dictionary ships in every binary.
#include <zdict.h>
#include <zstd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/config/settings.h"
#include "common/redis/redis_address.h"
#include "common/redis/redis_pool.h"
#include "services/progress/store/packed_values.h"
#include "services/progress/store/store_dictionaries.h"

ABSL_FLAG(std::string, store, "127.0.0.1:6380", "host:port of the Redis to read the records from");
ABSL_FLAG(int, id, 0, "the new dictionary's id: above every shipped one");
ABSL_FLAG(int, max_bytes, 65536, "the dictionary's size at most");
ABSL_FLAG(std::string, out, "", "where to write the dictionary");

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "osteoflow-store-dictionary: %s\n", message.c_str());
  return 1;
}

// Records the store packs; the programme record itself is never packed.
bool IsPackedRecord(absl::string_view key) {
  return absl::EndsWith(key, ":plan") || absl::StrContains(key, ":week:") || absl::StrContains(key, ":session:") ||
         absl::StrContains(key, ":measurement:");
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("osteoflow-store-dictionary --store=HOST:PORT --id=N --out=FILE");
  absl::ParseCommandLine(argc, argv);
  const int id = absl::GetFlag(FLAGS_id);
  const int max_bytes = absl::GetFlag(FLAGS_max_bytes);
  const std::string out = absl::GetFlag(FLAGS_out);
  const osteoflow::progress::StoreDictionary* newest = osteoflow::progress::NewestStoreDictionary();
  if (id < 1 || id > 32767) osteoflow::ExitInvalidSetting("id", "must be 1..32767");
  if (newest != nullptr && static_cast<uint32_t>(id) <= newest->id()) {
    osteoflow::ExitInvalidSetting("id", absl::StrCat("must be above the newest shipped, ", newest->id()));
  }
  if (max_bytes < 4096 || max_bytes > (1 << 20)) osteoflow::ExitInvalidSetting("max_bytes", "must be 4096..1048576");
  if (out.empty()) osteoflow::ExitInvalidSetting("out", "required");
  absl::StatusOr<osteoflow::RedisAddress> address = osteoflow::ParseRedisAddress(absl::GetFlag(FLAGS_store));
  if (!address.ok() || address->kind != osteoflow::RedisAddress::Kind::kSingle) {
    osteoflow::ExitInvalidSetting("store", "want host:port of one Redis");
  }
  osteoflow::RedisPoolOptions options;
  options.role = "store";
  options.host = address->nodes[0].host;
  options.port = address->nodes[0].port;
  options.command_timeout = absl::Seconds(10);
  osteoflow::RedisPool pool(options);

  std::string samples;
  std::vector<size_t> sizes;
  std::string cursor = "0";
  do {
    absl::StatusOr<osteoflow::RedisReply> page =
        pool.Execute({"SCAN", cursor, "MATCH", "osteoflow:v1:{*}:program:*", "COUNT", "1000"});
    if (!page.ok()) return Fail(std::string(page.status().message()));
    if (page->elements.size() != 2) return Fail("unexpected reply to SCAN");
    cursor = page->elements[0].text;
    for (const osteoflow::RedisReply& key : page->elements[1].elements) {
      if (!IsPackedRecord(key.text)) continue;
      absl::StatusOr<osteoflow::RedisReply> value = pool.Execute({"GET", key.text});
      if (!value.ok() || value->type != osteoflow::RedisReply::Type::kString) continue;
      absl::StatusOr<std::string> record = osteoflow::progress::UnpackValue(std::move(value->text));
      if (!record.ok()) return Fail(absl::StrCat(key.text, ": ", record.status().message()));
      samples += *record;
      sizes.push_back(record->size());
    }
  } while (cursor != "0");
  if (sizes.size() < 100) return Fail(absl::StrCat("only ", sizes.size(), " records: fill the store first"));

  // Trained with zstd's default method, then given our id (zstd's own pick
  // is random).
  std::string trained(static_cast<size_t>(max_bytes), '\0');
  const size_t trained_size = ZDICT_trainFromBuffer(trained.data(), trained.size(), samples.data(), sizes.data(),
                                                    static_cast<unsigned>(sizes.size()));
  if (ZDICT_isError(trained_size)) return Fail(ZDICT_getErrorName(trained_size));
  const size_t header = ZDICT_getDictHeaderSize(trained.data(), trained_size);
  if (ZDICT_isError(header)) return Fail(ZDICT_getErrorName(header));
  ZDICT_params_t parameters = {};
  parameters.compressionLevel = 1;
  parameters.dictID = static_cast<unsigned>(id);
  std::string dictionary(static_cast<size_t>(max_bytes), '\0');
  const size_t size = ZDICT_finalizeDictionary(dictionary.data(), dictionary.size(), trained.data() + header,
                                               trained_size - header, samples.data(), sizes.data(),
                                               static_cast<unsigned>(sizes.size()), parameters);
  if (ZDICT_isError(size)) return Fail(ZDICT_getErrorName(size));
  dictionary.resize(size);

  FILE* file = std::fopen(out.c_str(), "wb");
  if (file == nullptr || std::fwrite(dictionary.data(), 1, dictionary.size(), file) != dictionary.size() ||
      std::fclose(file) != 0) {
    return Fail(absl::StrCat("cannot write ", out));
  }
  std::printf("dictionary %d: %zu bytes from %zu records (%zu bytes)\n", id, dictionary.size(), sizes.size(),
              samples.size());
  return 0;
}
