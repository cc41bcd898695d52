#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace osteoflow::testing {

// A real service binary started for a test. Its stderr (the JSON log) goes
// to a file; Start waits for the "serving" line and reads the bound ports
// from it (the gRPC port, and the metrics port when the service was started
// with a metrics address). The destructor kills the process if it is still
// running.
class ServiceProcess {
 public:
  struct Options {
    std::vector<std::string> args;
    // Extra environment variables, on top of the test's own environment.
    std::vector<std::pair<std::string, std::string>> env;
    absl::Duration ready_timeout = absl::Seconds(20);
  };

  static absl::StatusOr<std::unique_ptr<ServiceProcess>> Start(const std::string& binary,
                                                                Options options);
  ~ServiceProcess();

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // The port of the /metrics endpoint as the serving line names it; 0 when
  // the service serves no metrics.
  int metrics_port() const { return metrics_port_; }
  pid_t pid() const { return pid_; }

  void Signal(int signal_number);
  // The exit code, or an error if it did not exit in time (or was killed by a signal).
  absl::StatusOr<int> WaitForExit(absl::Duration timeout);
  // Everything the process wrote to stderr so far.
  std::string Log() const;

 private:
  ServiceProcess(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}

  pid_t pid_;
  std::string log_path_;
  int port_ = 0;
  int metrics_port_ = 0;
  bool exited_ = false;
};

// Runs a binary to completion (it must exit by itself within `timeout`) and
// returns its exit code and combined output.
struct ProcessResult {
  int exit_code = -1;
  std::string output;
};
absl::StatusOr<ProcessResult> RunToExit(const std::string& binary, const std::vector<std::string>& args,
                                        const std::vector<std::pair<std::string, std::string>>& env,
                                        absl::Duration timeout);

// Path of a built binary, from the build tree.
std::string BinaryPath(const std::string& relative);

// The pieces ServiceProcess is made of, for other processes tests run.
// A fresh file path in the test's temporary directory.
std::string NewTempPath(const std::string& stem);
// Starts `binary` with stdout and stderr into `log_path`; the child gets the
// test's environment without OSTEOFLOW_* variables, plus `env`.
absl::StatusOr<pid_t> SpawnProcess(const std::string& binary, const std::vector<std::string>& args,
                                   const std::vector<std::pair<std::string, std::string>>& env,
                                   const std::string& log_path);
// The exit code once the process has exited; DEADLINE_EXCEEDED if it has not
// within `timeout`; INTERNAL if a signal ended it.
absl::StatusOr<int> WaitForProcess(pid_t pid, absl::Duration timeout);
// A file's whole text ("" when it cannot be read).
std::string ReadFile(const std::string& path);
// A loopback port that was free a moment ago.
int PickFreePort();

// Runs `binary` with `args` plus each case's extra argument and expects exit
// code 2 (an invalid setting) with the named setting in what it printed;
// gtest failures name the case.
void ExpectSettingsRefused(const std::string& binary, const std::vector<std::string>& args,
                           const std::vector<std::pair<std::string, std::string>>& argument_and_setting);

// A loopback port that accepts connections and never answers: the kernel
// completes each TCP handshake, nothing reads. A peer there hangs until its
// deadline, unlike a closed port, which fails at once.
class SilentListener {
 public:
  SilentListener();
  ~SilentListener();
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  std::string address() const;

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace osteoflow::testing
