#include "tests/support/redis_server.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/support/service_process.h"

namespace osteoflow::testing {
namespace {

bool AnswersPing(int port) {
  timeval timeout{0, 200000};
  redisContext* context = redisConnectWithTimeout("127.0.0.1", port, timeout);
  if (context == nullptr) return false;
  bool ok = false;
  if (context->err == 0) {
    auto* reply = static_cast<redisReply*>(redisCommand(context, "PING"));
    ok = reply != nullptr && reply->type == REDIS_REPLY_STATUS;
    if (reply != nullptr) freeReplyObject(reply);
  }
  redisFree(context);
  return ok;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(Options options) {
  std::string dir = NewTempPath("osteoflow-redis");
  std::filesystem::remove(dir);
  std::filesystem::create_directory(dir);
  // A port picked here may be taken by someone else before Redis binds it:
  // try a few.
  absl::Status last = absl::UnavailableError("no attempt");
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::unique_ptr<RedisServer> server(new RedisServer(options, PickFreePort(), dir));
    last = server->Launch();
    if (last.ok()) return server;
    server->dir_.clear();  // keep the directory for the next attempt
  }
  std::filesystem::remove_all(dir);
  return last;
}

absl::Status RedisServer::Launch() {
  std::vector<std::string> args = {"--port", std::to_string(port_), "--bind", "127.0.0.1",
                                   "--dir", dir_, "--save", "", "--daemonize", "no",
                                   "--protected-mode", "yes"};
  if (options_.durable) {
    args.insert(args.end(), {"--appendonly", "yes", "--appendfsync", "always",
                             "--maxmemory-policy", "noeviction"});
  } else {
    args.insert(args.end(), {"--appendonly", "no"});
  }
  absl::StatusOr<pid_t> pid =
      SpawnProcess("/usr/bin/redis-server", args, {}, absl::StrCat(dir_, "/redis.log"));
  if (!pid.ok()) return pid.status();
  pid_ = *pid;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline) {
    if (AnswersPing(port_)) return absl::OkStatus();
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::UnavailableError(absl::StrCat("redis-server exited at start on port ", port_));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  Kill();
  return absl::DeadlineExceededError("redis-server did not answer PING in time");
}

void RedisServer::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

absl::Status RedisServer::Restart() {
  Kill();
  return Launch();
}

RedisServer::~RedisServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    if (!WaitForProcess(pid_, absl::Seconds(5)).ok()) Kill();
    pid_ = -1;
  }
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

}  // namespace osteoflow::testing
