// The command-line client's reading of JSON files: errors name the line.
#include "tools/cli/json_input.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "osteoflow/progress/v1/session_log.pb.h"
#include "tests/support/service_process.h"

namespace osteoflow::tools {
namespace {

using ::testing::HasSubstr;

std::string WriteFile(const std::string& text) {
  const std::string path = testing::NewTempPath("session") + ".json";
  std::ofstream(path) << text;
  return path;
}

TEST(JsonInput, AnUnknownFieldIsNamedWithItsLine) {
  const std::string path = WriteFile("{\n  \"date\": \"2026-11-23\",\n  \"items\": [\n    {\"exercise\": \"exercises/a\",\n     \"repsPerSett\": [10]}\n  ]\n}\n");
  osteoflow::progress::v1::SessionLog log;
  const absl::Status status = ReadJsonFile(path, &log);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr(": line 5: "));
  EXPECT_THAT(std::string(status.message()), HasSubstr("repsPerSett"));
}

TEST(JsonInput, AWrongValueIsNamedWithItsLine) {
  const std::string path = WriteFile("{\n  \"date\": \"2026-11-23\",\n  \"items\": [\n    {\"exercise\": \"exercises/a\",\n     \"effort\": \"high\"}\n  ]\n}\n");
  osteoflow::progress::v1::SessionLog log;
  const absl::Status status = ReadJsonFile(path, &log);
  EXPECT_THAT(std::string(status.message()), HasSubstr(": line 5: "));
}

TEST(JsonInput, AMissingFileIsSaidSoAndAGoodFileReads) {
  osteoflow::progress::v1::SessionLog log;
  EXPECT_EQ(ReadJsonFile("/nonexistent/session.json", &log).code(), absl::StatusCode::kNotFound);
  const std::string path = WriteFile("{\"date\": \"2026-11-23\", \"items\": [{\"exercise\": \"exercises/a\", \"pain\": 2}]}");
  ASSERT_TRUE(ReadJsonFile(path, &log).ok());
  EXPECT_EQ(log.items(0).pain(), 2);
}

TEST(JsonInput, AServersFieldPathPointsAtItsLine) {
  const std::string text = "{\n  \"date\": \"2026-11-23\",\n  \"items\": [\n    {\"exercise\": \"exercises/a\",\n     \"reps_per_set\": [10],\n     \"pain\": 11}\n  ]\n}\n";
  EXPECT_EQ(LineOfField(text, "session.items[0].pain"), 6);
  EXPECT_EQ(LineOfField(text, "session.items[0].reps_per_set[0]"), 5);
  EXPECT_EQ(LineOfField(text, "session.soreness.hours"), 0);
}

}  // namespace
}  // namespace osteoflow::tools
