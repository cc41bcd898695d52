#include "common/redis/redis_pool.h"

#include <hiredis/hiredis.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace osteoflow {
namespace {

RedisReply CopyReply(const redisReply& raw) {
  RedisReply reply;
  switch (raw.type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      reply.type = raw.type == REDIS_REPLY_STRING   ? RedisReply::Type::kString
                   : raw.type == REDIS_REPLY_STATUS ? RedisReply::Type::kStatus
                                                    : RedisReply::Type::kError;
      reply.text.assign(raw.str, raw.len);
      break;
    case REDIS_REPLY_INTEGER:
      reply.type = RedisReply::Type::kInteger;
      reply.integer = raw.integer;
      break;
    case REDIS_REPLY_ARRAY:
      reply.type = RedisReply::Type::kArray;
      reply.elements.reserve(raw.elements);
      for (size_t i = 0; i < raw.elements; ++i) reply.elements.push_back(CopyReply(*raw.element[i]));
      break;
    default:
      reply.type = RedisReply::Type::kNil;
  }
  return reply;
}

// Appends one command to the connection's output buffer.
bool Append(redisContext* context, const std::vector<std::string>& command) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  argv.reserve(command.size());
  lengths.reserve(command.size());
  for (const std::string& part : command) {
    argv.push_back(part.data());
    lengths.push_back(part.size());
  }
  return redisAppendCommandArgv(context, static_cast<int>(argv.size()), argv.data(),
                                lengths.data()) == REDIS_OK;
}

// Whether the server has closed an idle connection (after a restart, or an
// idle timeout): a peek that returns end-of-file, an error, or bytes nobody
// asked for. Costs one non-blocking system call.
bool ClosedByServer(const redisContext& context) {
  char byte;
  const ssize_t peeked = recv(context.fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (peeked < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  return true;  // 0: end of file; > 0: a stray reply, never ours to read
}

// Whether a failed connect or read ran out of time (hiredis reports the
// socket's timeout as an I/O error with the system's message for it).
bool TimedOut(const redisContext& context) {
  if (context.err != REDIS_ERR_IO) return false;
  const absl::string_view why(context.errstr);
  return absl::StrContains(why, "timed out") || absl::StrContains(why, "temporarily unavailable");
}

}  // namespace

struct RedisPool::Connection {
  explicit Connection(redisContext* c) : context(c) {}
  ~Connection() { redisFree(context); }
  redisContext* context;
};

absl::Status StatusOfReply(const RedisReply& reply, absl::string_view role) {
  if (reply.type != RedisReply::Type::kError) return absl::OkStatus();
  for (const absl::string_view transient :
       {"LOADING", "MISCONF", "OOM", "READONLY", "MASTERDOWN", "BUSY", "TRYAGAIN", "CLUSTERDOWN",
        "NOREPLICAS"}) {
    if (absl::StartsWith(reply.text, transient)) {
      return absl::UnavailableError(absl::StrCat("redis ", role, " cannot serve: ", reply.text));
    }
  }
  return absl::InternalError(absl::StrCat("redis ", role, " refused a command: ", reply.text));
}

RedisPool::RedisPool(RedisPoolOptions options)
    : options_(std::move(options)), metrics_(options_.role, options_.max_connections) {}

void RedisPool::ReportConnections() { metrics_.Connections(open_, static_cast<int>(idle_.size())); }

RedisPool::~RedisPool() = default;

void RedisPool::CountErrorReply(const RedisReply& reply) {
  // A script Redis has not cached yet is sent again in full by its caller:
  // a step of running it, not a failure.
  if (absl::StartsWith(reply.text, "NOSCRIPT")) return;
  metrics_.Error(StatusOfReply(reply, options_.role).code() == absl::StatusCode::kUnavailable
                     ? RedisMetrics::ErrorKind::kUnavailable
                     : RedisMetrics::ErrorKind::kRefused);
}

absl::Status RedisPool::Unavailable(absl::string_view what) const {
  return absl::UnavailableError(
      absl::StrCat("redis ", options_.role, " at ", options_.host, ":", options_.port, ": ", what));
}

absl::StatusOr<std::unique_ptr<RedisPool::Connection>> RedisPool::Acquire() {
  const absl::Time deadline = absl::Now() + options_.acquire_timeout;
  for (;;) {
    std::unique_ptr<Connection> idle;
    {
      absl::MutexLock lock(&mu_);
      auto can_proceed = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return !idle_.empty() || open_ < options_.max_connections;
      };
      if (!can_proceed()) {
        metrics_.Waited();
        if (!mu_.AwaitWithDeadline(absl::Condition(&can_proceed), deadline)) {
          metrics_.Error(RedisMetrics::ErrorKind::kTimeout);
          return Unavailable(absl::StrCat("all ", options_.max_connections, " connections are busy"));
        }
      }
      if (idle_.empty()) {
        ++open_;  // reserve a slot; connect outside the lock
        ReportConnections();
        break;
      }
      idle = std::move(idle_.back());
      idle_.pop_back();
      ReportConnections();
    }
    if (!ClosedByServer(*idle->context)) return idle;
    // Redis restarted or dropped it while it sat idle: using it would fail
    // the caller's command for nothing.
    Release(std::move(idle), /*healthy=*/false);
  }
  redisContext* context = redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                                  absl::ToTimeval(options_.connect_timeout));
  if (context == nullptr || context->err != 0) {
    const std::string why = context == nullptr ? "cannot allocate a connection" : context->errstr;
    metrics_.Error(context != nullptr && TimedOut(*context) ? RedisMetrics::ErrorKind::kTimeout
                                                            : RedisMetrics::ErrorKind::kUnavailable);
    if (context != nullptr) redisFree(context);
    absl::MutexLock lock(&mu_);
    --open_;
    ReportConnections();
    return Unavailable(why);
  }
  redisSetTimeout(context, absl::ToTimeval(options_.command_timeout));
  return std::make_unique<Connection>(context);
}

void RedisPool::Release(std::unique_ptr<Connection> connection, bool healthy) {
  if (!healthy) connection.reset();  // closes it outside the lock
  absl::MutexLock lock(&mu_);
  if (healthy) {
    idle_.push_back(std::move(connection));
  } else {
    --open_;
  }
  ReportConnections();
}

absl::StatusOr<std::vector<RedisReply>> RedisPool::ExecutePipeline(
    const std::vector<std::vector<std::string>>& commands) {
  absl::StatusOr<std::unique_ptr<Connection>> connection = Acquire();
  if (!connection.ok()) return connection.status();
  redisContext* context = (*connection)->context;
  const absl::Time sent = absl::Now();
  for (const auto& command : commands) {
    if (!Append(context, command)) {
      metrics_.Error(RedisMetrics::ErrorKind::kUnavailable);
      const std::string why = context->errstr;
      Release(*std::move(connection), /*healthy=*/false);
      return Unavailable(why);
    }
  }
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context, &raw) != REDIS_OK || raw == nullptr) {
      // I/O error or timeout: what Redis did with the rest is unknown, and
      // the connection may hold a late reply, so it is closed.
      const std::string why = context->err != 0 ? context->errstr : "no reply";
      metrics_.Error(TimedOut(*context) ? RedisMetrics::ErrorKind::kTimeout : RedisMetrics::ErrorKind::kUnavailable);
      Release(*std::move(connection), /*healthy=*/false);
      return Unavailable(why);
    }
    replies.push_back(CopyReply(*static_cast<redisReply*>(raw)));
    freeReplyObject(raw);
    if (replies.back().type == RedisReply::Type::kError) CountErrorReply(replies.back());
  }
  metrics_.Command(absl::Now() - sent);
  Release(*std::move(connection), /*healthy=*/true);
  return replies;
}

absl::StatusOr<RedisReply> RedisPool::Execute(const std::vector<std::string>& command) {
  absl::StatusOr<std::vector<RedisReply>> replies = ExecutePipeline({command});
  if (!replies.ok()) return replies.status();
  RedisReply reply = std::move(replies->front());
  if (absl::Status status = StatusOfReply(reply, options_.role); !status.ok()) return status;
  return reply;
}

absl::Status RedisPool::Ping() {
  absl::StatusOr<RedisReply> reply = Execute({"PING"});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

}  // namespace osteoflow
