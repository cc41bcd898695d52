#include "bench/load/redis_write_loop.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/redis/redis_settings.h"

namespace osteoflow::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct WriterResult {
  std::vector<int64_t> latencies_ns;
  int64_t ok_in_window = 0;
  int64_t errors = 0;
  std::string first_error;
};

void RecordError(WriterResult& result, std::string error) {
  if (result.errors++ == 0) result.first_error = std::move(error);
}

constexpr char kGetKey[] = "osteoflow:bench:get";

void Loop(const std::string& host, int port, RedisBaseline command, int writer,
          Clock::time_point stop_at, size_t value_bytes, absl::Duration timeout,
          WriterResult& result) {
  const timeval tv = absl::ToTimeval(timeout);
  redisContext* context = redisConnectWithTimeout(host.c_str(), port, tv);
  if (context == nullptr || context->err != 0) {
    RecordError(result, absl::StrCat("UNAVAILABLE: ", context ? context->errstr : "no memory"));
    if (context != nullptr) redisFree(context);
    return;
  }
  redisSetTimeout(context, tv);
  const std::string value(value_bytes, 'x');
  for (int64_t n = 0; Clock::now() < stop_at; ++n) {
    const std::string key = absl::StrCat("osteoflow:bench:", writer, ":", n);
    const Clock::time_point started = Clock::now();
    auto* reply = static_cast<redisReply*>(
        command == RedisBaseline::kSet
            ? redisCommand(context, "SET %b %b", key.data(), key.size(), value.data(), value.size())
            : redisCommand(context, "GET %s", kGetKey));
    const Clock::time_point now = Clock::now();
    if (reply == nullptr) {
      RecordError(result, absl::StrCat("UNAVAILABLE: ", context->errstr));
      break;  // the connection is unusable after an I/O error
    }
    if (reply->type == REDIS_REPLY_ERROR) {
      RecordError(result, absl::StrCat("INTERNAL: ", reply->str));
    } else if (command == RedisBaseline::kGet && reply->len != static_cast<size_t>(value_bytes)) {
      RecordError(result, "INTERNAL: the GET baseline's key is missing or of another size");
    } else {
      result.latencies_ns.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now - started).count());
      if (now <= stop_at) ++result.ok_in_window;
    }
    freeReplyObject(reply);
  }
  redisFree(context);
}

}  // namespace

RoundSample RunRedisLoop(const std::string& address, RedisBaseline command, int concurrency,
                         absl::Duration duration, size_t value_bytes, absl::Duration command_timeout) {
  RoundSample sample;
  sample.elapsed = duration;
  // The services' own reading of a Redis address, so both sides agree on it.
  const absl::StatusOr<RedisPoolOptions> where =
      RedisPoolOptionsFor("baseline", {address, absl::Seconds(1), absl::Seconds(1), 1});
  if (!where.ok()) {
    sample.errors = 1;
    sample.first_error = absl::StrCat("INVALID_ARGUMENT: ", where.status().message());
    return sample;
  }
  const std::string& host = where->host;
  const int port = where->port;
  if (command == RedisBaseline::kGet) {
    // The value every GET reads, written once per round.
    const timeval tv = absl::ToTimeval(command_timeout);
    redisContext* context = redisConnectWithTimeout(host.c_str(), port, tv);
    if (context == nullptr || context->err != 0) {
      sample.errors = 1;
      sample.first_error = absl::StrCat("UNAVAILABLE: ", context ? context->errstr : "no memory");
      if (context != nullptr) redisFree(context);
      return sample;
    }
    const std::string value(value_bytes, 'x');
    auto* reply = static_cast<redisReply*>(
        redisCommand(context, "SET %s %b", kGetKey, value.data(), value.size()));
    if (reply != nullptr) freeReplyObject(reply);
    redisFree(context);
  }
  std::vector<WriterResult> results(concurrency);
  std::vector<std::thread> writers;
  const Clock::time_point stop_at = Clock::now() + absl::ToChronoNanoseconds(duration);
  for (int i = 0; i < concurrency; ++i) {
    writers.emplace_back(Loop, host, port, command, i, stop_at, value_bytes, command_timeout,
                         std::ref(results[i]));
  }
  for (std::thread& writer : writers) writer.join();
  for (WriterResult& result : results) {
    sample.latencies_ns.insert(sample.latencies_ns.end(), result.latencies_ns.begin(),
                               result.latencies_ns.end());
    sample.ok_calls_in_window += result.ok_in_window;
    sample.errors += result.errors;
    if (sample.first_error.empty()) sample.first_error = result.first_error;
  }
  sample.ok_calls = static_cast<int64_t>(sample.latencies_ns.size());
  std::sort(sample.latencies_ns.begin(), sample.latencies_ns.end());
  return sample;
}

}  // namespace osteoflow::bench
