#include "tests/support/service_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

extern char** environ;

namespace osteoflow::testing {
namespace {

std::string NewLogPath() { return NewTempPath("osteoflow-proc"); }

}  // namespace

std::string NewTempPath(const std::string& stem) {
  std::string pattern = absl::StrCat(::testing::TempDir(), "/", stem, "-XXXXXX");
  const int fd = ::mkstemp(pattern.data());
  if (fd >= 0) ::close(fd);
  return pattern;
}

namespace {

// Binds `fd` to a port the kernel picks on 127.0.0.1; the port, or 0.
int BindLoopback(int fd) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return 0;
  }
  return ntohs(address.sin_port);
}

}  // namespace

int PickFreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int port = BindLoopback(fd);
  ::close(fd);
  return port;
}

void ExpectSettingsRefused(const std::string& binary, const std::vector<std::string>& args,
                           const std::vector<std::pair<std::string, std::string>>& argument_and_setting) {
  for (const auto& [argument, setting] : argument_and_setting) {
    std::vector<std::string> with = args;
    with.push_back(argument);
    absl::StatusOr<ProcessResult> result = RunToExit(binary, with, {}, absl::Seconds(10));
    ASSERT_TRUE(result.ok()) << argument << ": " << result.status();
    EXPECT_EQ(result->exit_code, 2) << argument << ": " << result->output;
    EXPECT_NE(result->output.find(setting), std::string::npos) << argument << ": " << result->output;
  }
}

SilentListener::SilentListener() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
  const int port = BindLoopback(fd_);
  if (port != 0 && ::listen(fd_, 64) == 0) port_ = port;
}

SilentListener::~SilentListener() { ::close(fd_); }

std::string SilentListener::address() const { return absl::StrCat("127.0.0.1:", port_); }

absl::StatusOr<pid_t> SpawnProcess(const std::string& binary, const std::vector<std::string>& args,
                            const std::vector<std::pair<std::string, std::string>>& env,
                            const std::string& log_path) {
  std::vector<std::string> argv_storage = {binary};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);

  // The environment is built before fork: after fork in a process with
  // threads only async-signal-safe calls are allowed, and setenv is not one.
  // The caller's own OSTEOFLOW_* settings are left out, so that a test sees
  // only the settings it gives.
  std::vector<std::string> env_storage;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const absl::string_view assignment(*entry);
    if (!absl::StartsWith(assignment, "OSTEOFLOW_")) env_storage.emplace_back(assignment);
  }
  // Tests run the services on loopback without TLS or tokens unless they say
  // otherwise (a test's own settings, later in the list, win).
  env_storage.push_back("OSTEOFLOW_PLAINTEXT=true");
  env_storage.push_back("OSTEOFLOW_AUTH=off");
  for (const auto& [name, value] : env) env_storage.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (std::string& variable : env_storage) envp.push_back(variable.data());
  envp.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::close(fd);
    }
    // The child must not inherit the test's blocked signals.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(binary.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

namespace {

// The ports the first {"event":"serving",...} line names: "port" (0 when
// there is no such line yet) and "metrics_port" (0 when absent).
struct ServingPorts {
  int port = 0;
  int metrics_port = 0;
};

ServingPorts ServingPortsOf(const std::string& log) {
  for (const absl::string_view line : absl::StrSplit(log, '\n')) {
    if (line.find("\"serving\"") == absl::string_view::npos) continue;
    google::protobuf::Struct fields;
    if (!google::protobuf::util::JsonStringToMessage(std::string(line), &fields).ok()) continue;
    const auto& map = fields.fields();
    if (map.contains("event") && map.at("event").string_value() == "serving" &&
        map.contains("port")) {
      ServingPorts ports;
      ports.port = static_cast<int>(map.at("port").number_value());
      if (map.contains("metrics_port")) {
        ports.metrics_port = static_cast<int>(map.at("metrics_port").number_value());
      }
      return ports;
    }
  }
  return {};
}

}  // namespace

absl::StatusOr<int> WaitForProcess(pid_t pid, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return absl::InternalError(absl::StrCat("killed by signal ", WTERMSIG(status)));
    }
    if (absl::Now() > deadline) return absl::DeadlineExceededError("did not exit in time");
    absl::SleepFor(absl::Milliseconds(10));
  }
}

std::string BinaryPath(const std::string& relative) {
  return absl::StrCat(OSTEOFLOW_BINARY_DIR, "/", relative);
}

absl::StatusOr<std::unique_ptr<ServiceProcess>> ServiceProcess::Start(const std::string& binary,
                                                                       Options options) {
  const std::string log_path = NewLogPath();
  absl::StatusOr<pid_t> pid = SpawnProcess(binary, options.args, options.env, log_path);
  if (!pid.ok()) return pid.status();
  std::unique_ptr<ServiceProcess> process(new ServiceProcess(*pid, log_path));
  const absl::Time deadline = absl::Now() + options.ready_timeout;
  while (absl::Now() < deadline) {
    const ServingPorts ports = ServingPortsOf(process->Log());
    if (ports.port > 0) {
      process->port_ = ports.port;
      process->metrics_port_ = ports.metrics_port;
      return process;
    }
    int status = 0;
    if (::waitpid(*pid, &status, WNOHANG) == *pid) {
      process->exited_ = true;
      return absl::FailedPreconditionError(
          absl::StrCat(binary, " exited before serving:\n", process->Log()));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError(absl::StrCat(binary, " did not serve in time:\n", process->Log()));
}

ServiceProcess::~ServiceProcess() {
  if (!exited_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  ::unlink(log_path_.c_str());
}

void ServiceProcess::Signal(int signal_number) { ::kill(pid_, signal_number); }

absl::StatusOr<int> ServiceProcess::WaitForExit(absl::Duration timeout) {
  absl::StatusOr<int> code = WaitForProcess(pid_, timeout);
  if (code.ok() || code.status().code() == absl::StatusCode::kInternal) exited_ = true;
  return code;
}

std::string ServiceProcess::Log() const { return ReadFile(log_path_); }

absl::StatusOr<ProcessResult> RunToExit(const std::string& binary, const std::vector<std::string>& args,
                                        const std::vector<std::pair<std::string, std::string>>& env,
                                        absl::Duration timeout) {
  const std::string log_path = NewLogPath();
  absl::StatusOr<pid_t> pid = SpawnProcess(binary, args, env, log_path);
  if (!pid.ok()) return pid.status();
  absl::StatusOr<int> code = WaitForProcess(*pid, timeout);
  if (!code.ok() && code.status().code() == absl::StatusCode::kDeadlineExceeded) {
    ::kill(*pid, SIGKILL);
    int status = 0;
    ::waitpid(*pid, &status, 0);
  }
  ProcessResult result;
  result.output = ReadFile(log_path);
  ::unlink(log_path.c_str());
  if (!code.ok()) return code.status();
  result.exit_code = *code;
  return result;
}

}  // namespace osteoflow::testing
