#include "tests/support/redis_process.h"

#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/redis/redis_connection.h"
#include "tests/support/service_process.h"

namespace osteoflow::testing {

absl::StatusOr<RedisReply> RedisCommand(int port, const std::vector<std::string>& command) {
  absl::StatusOr<std::unique_ptr<RedisConnection>> connection =
      RedisConnection::Open({"127.0.0.1", port}, absl::Seconds(1), absl::Seconds(5));
  if (!connection.ok()) return connection.status();
  absl::StatusOr<std::vector<RedisReply>> replies = (*connection)->Run({command});
  if (!replies.ok()) return replies.status();
  return std::move(replies->front());
}

absl::Status WaitFor(const std::string& what, absl::Duration timeout, const std::function<absl::Status()>& ready) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::Status last = absl::DeadlineExceededError("not tried");
  while (absl::Now() < deadline) {
    last = ready();
    if (last.ok()) return last;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError(absl::StrCat(what, ": ", last.message()));
}

absl::StatusOr<std::unique_ptr<RedisProcess>> RedisProcess::Start(Options options) {
  // A port picked here may be taken by someone else before Redis binds it:
  // try a few.
  absl::Status last = absl::UnavailableError("no attempt");
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::string dir = NewTempPath("osteoflow-redis-node");
    std::filesystem::remove(dir);
    std::filesystem::create_directory(dir);
    std::unique_ptr<RedisProcess> process(
        new RedisProcess(options, PickFreePort(), options.cluster ? PickFreePort() : 0, dir));
    last = process->Launch();
    if (last.ok()) return process;
  }
  return last;
}

absl::Status RedisProcess::Launch() {
  const std::string log = absl::StrCat(dir_, "/redis.log");
  std::vector<std::string> args;
  if (options_.sentinel) {
    const std::string config = absl::StrCat(dir_, "/sentinel.conf");
    if (!std::filesystem::exists(config)) {
      std::ofstream out(config);
      out << "port " << port_ << "\nbind 127.0.0.1\ndir " << dir_ << "\n";
      for (const std::string& line : options_.sentinel_config) out << line << "\n";
    }
    args = {config, "--sentinel"};
  } else {
    args = {"--port", std::to_string(port_), "--bind", "127.0.0.1", "--dir", dir_, "--save", "", "--daemonize",
            "no", "--protected-mode", "yes"};
    if (options_.cluster) {
      args.insert(args.end(), {"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-port",
                               std::to_string(bus_port_)});
    }
    args.insert(args.end(), options_.args.begin(), options_.args.end());
  }
  absl::StatusOr<pid_t> pid = SpawnProcess("/usr/bin/redis-server", args, {}, log);
  if (!pid.ok()) return pid.status();
  pid_ = *pid;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline) {
    absl::StatusOr<RedisReply> pong = RedisCommand(port_, {"PING"});
    if (pong.ok() && pong->type == RedisReply::Type::kStatus) return absl::OkStatus();
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::UnavailableError(absl::StrCat("redis-server exited at start on port ", port_, ":\n", Log()));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  Kill();
  return absl::DeadlineExceededError("redis-server did not answer PING in time");
}

void RedisProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void RedisProcess::Pause() {
  if (pid_ > 0) ::kill(pid_, SIGSTOP);
}

void RedisProcess::Resume() {
  if (pid_ > 0) ::kill(pid_, SIGCONT);
}

absl::Status RedisProcess::Restart() {
  Kill();
  return Launch();
}

absl::StatusOr<RedisReply> RedisProcess::Command(const std::vector<std::string>& command) const {
  return RedisCommand(port_, command);
}

std::string RedisProcess::Info(const std::string& field) const {
  absl::StatusOr<RedisReply> info = Command({"INFO"});
  if (!info.ok()) return "";
  for (absl::string_view line : absl::StrSplit(info->text, "\r\n")) {
    if (absl::ConsumePrefix(&line, field + ":")) return std::string(line);
  }
  return "";
}

std::string RedisProcess::Log() const { return ReadFile(absl::StrCat(dir_, "/redis.log")); }

RedisProcess::~RedisProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGCONT);
    ::kill(pid_, SIGTERM);
    if (!WaitForProcess(pid_, absl::Seconds(5)).ok()) Kill();
    pid_ = -1;
  }
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

}  // namespace osteoflow::testing
