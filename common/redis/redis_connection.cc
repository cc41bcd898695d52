#include "common/redis/redis_connection.h"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"

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
  return redisAppendCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data()) == REDIS_OK;
}

// Whether a failed connect or read ran out of time (hiredis reports the
// socket's timeout as an I/O error with the system's message for it).
bool TimedOut(const redisContext& context) {
  if (context.err != REDIS_ERR_IO) return false;
  const absl::string_view why(context.errstr);
  return absl::StrContains(why, "timed out") || absl::StrContains(why, "temporarily unavailable");
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisConnection>> RedisConnection::Open(const RedisEndpoint& node,
                                                                       absl::Duration connect_timeout,
                                                                       absl::Duration command_timeout) {
  redisContext* context = redisConnectWithTimeout(node.host.c_str(), node.port, absl::ToTimeval(connect_timeout));
  if (context == nullptr) return absl::UnavailableError("cannot allocate a connection");
  if (context->err != 0) {
    const absl::Status failed = TimedOut(*context) ? absl::DeadlineExceededError(context->errstr)
                                                   : absl::UnavailableError(context->errstr);
    redisFree(context);
    return failed;
  }
  redisSetTimeout(context, absl::ToTimeval(command_timeout));
  return std::unique_ptr<RedisConnection>(new RedisConnection(node, context));
}

RedisConnection::~RedisConnection() { redisFree(context_); }

absl::Status RedisConnection::Failure(absl::string_view fallback) const {
  const std::string why = context_->err != 0 ? context_->errstr : std::string(fallback);
  return TimedOut(*context_) ? absl::DeadlineExceededError(why) : absl::UnavailableError(why);
}

absl::StatusOr<std::vector<RedisReply>> RedisConnection::Run(const std::vector<std::vector<std::string>>& commands) {
  std::vector<const std::vector<std::string>*> pointers;
  pointers.reserve(commands.size());
  for (const auto& command : commands) pointers.push_back(&command);
  return Run(pointers);
}

absl::StatusOr<std::vector<RedisReply>> RedisConnection::Run(
    const std::vector<const std::vector<std::string>*>& commands) {
  for (const std::vector<std::string>* command : commands) {
    if (!Append(context_, *command)) return Failure("cannot queue a command");
  }
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) return Failure("no reply");
    replies.push_back(CopyReply(*static_cast<redisReply*>(raw)));
    freeReplyObject(raw);
  }
  return replies;
}

absl::StatusOr<std::optional<RedisReply>> RedisConnection::NextMessage(absl::Duration wait) {
  void* raw = nullptr;
  // One read may have brought more than one message: the next is buffered.
  if (redisGetReplyFromReader(context_, &raw) != REDIS_OK) return Failure("unreadable message");
  if (raw == nullptr) {
    pollfd readable{context_->fd, POLLIN, 0};
    const int polled = poll(&readable, 1, static_cast<int>(absl::ToInt64Milliseconds(wait)));
    if (polled < 0 && errno != EINTR) return absl::UnavailableError(std::strerror(errno));
    if (polled <= 0) return std::nullopt;
    // Readable: the whole message, or the end of the connection.
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) return Failure("connection closed");
  }
  RedisReply reply = CopyReply(*static_cast<redisReply*>(raw));
  freeReplyObject(raw);
  return reply;
}

void RedisConnection::SetCommandTimeout(absl::Duration timeout) {
  redisSetTimeout(context_, absl::ToTimeval(timeout));
}

bool RedisConnection::ClosedByServer() const {
  char byte;
  const ssize_t peeked = recv(context_->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (peeked < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  return true;  // 0: end of file; > 0: a stray reply, never ours to read
}

}  // namespace osteoflow
