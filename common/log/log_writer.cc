#include "common/log/log_writer.h"

#include <errno.h>
#include <unistd.h>

#include <thread>

#include <google/protobuf/util/json_util.h>

#include "access_record.pb.h"
#include "common/log/json_log.h"

#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace osteoflow {
namespace {

constexpr absl::Duration kFlushInterval = absl::Milliseconds(100);
// About 20 MB of pending lines; past it lines are counted and dropped rather
// than letting a stalled stderr grow the process without bound.
constexpr size_t kMaxQueued = 100000;

void WriteAll(absl::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(STDERR_FILENO, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    // A log that cannot be written is dropped: logging must never fail a call.
    if (written <= 0) return;
    bytes.remove_prefix(static_cast<size_t>(written));
  }
}

}  // namespace

std::string LogTimestamp(absl::Time at) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", at, absl::UTCTimeZone());
}

LogWriter& LogWriter::Instance() {
  static LogWriter* const writer = new LogWriter();  // never destroyed: threads may log at exit
  return *writer;
}

LogWriter::LogWriter() {
  std::thread([this] { FlushLoop(); }).detach();
}

// A timer, not a wait on mu_: a waiter on mu_ would push every Enqueue onto
// the mutex's slow path.
void LogWriter::FlushLoop() {
  while (true) {
    absl::SleepFor(kFlushInterval);
    Flush();
  }
}

void LogWriter::Enqueue(AccessEntry entry) {
  absl::MutexLock lock(&mu_);
  if (queued_.size() >= kMaxQueued) {
    ++dropped_;
    return;
  }
  queued_.push_back(std::move(entry));
}

// One printer pass for the whole batch, then one line per record: the
// printer writes the records as {...},{...} inside {"records":[...]}, and no
// value of a record can hold a brace (request ids and method names are
// checked against brace-free alphabets when the call is logged; service
// names, code names and timestamps are ours).
void LogWriter::WriteEntries(const std::vector<AccessEntry>& entries, const AuditEntry* audit) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  osteoflow::log::AccessBatch batch;
  batch.mutable_records()->Reserve(static_cast<int>(entries.size()));
  for (const AccessEntry& entry : entries) {
    osteoflow::log::AccessRecord* record = batch.add_records();
    record->set_ts(LogTimestamp(entry.at));
    record->set_event("rpc");
    record->set_service(entry.service.view().data(), entry.service.view().size());
    record->set_method(entry.method.view().data(), entry.method.view().size());
    record->set_code(absl::StatusCodeToString(entry.code));
    record->set_latency_us(entry.latency_us);
    record->set_request_id(entry.request_id.view().data(), entry.request_id.view().size());
    record->set_trace_id(entry.trace_id.view().data(), entry.trace_id.view().size());
    record->set_span_id(entry.span_id.view().data(), entry.span_id.view().size());
    record->set_parent_span_id(entry.parent_span_id.view().data(), entry.parent_span_id.view().size());
  }
  if (audit != nullptr) {
    osteoflow::log::AccessRecord* record = batch.add_records();
    record->set_ts(LogTimestamp(audit->at));
    record->set_event("audit");
    record->set_method(audit->method.data(), audit->method.size());
    record->set_subject(audit->subject.data(), audit->subject.size());
    record->set_role(audit->role.data(), audit->role.size());
    record->set_patient_id(audit->patient_id.data(), audit->patient_id.size());
    record->set_outcome(absl::StatusCodeToString(audit->outcome));
    record->set_request_id(audit->request_id.data(), audit->request_id.size());
    record->set_trace_id(audit->trace_id.data(), audit->trace_id.size());
    record->set_span_id(audit->span_id.data(), audit->span_id.size());
  }
  if (batch.records().empty()) return;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(batch, &json, options).ok()) return;
  absl::string_view records = json;
  if (!absl::ConsumePrefix(&records, "{\"records\":[") || !absl::ConsumeSuffix(&records, "]}")) {
    return;
  }
  std::string lines = absl::StrReplaceAll(records, {{"},{", "}\n{"}});
  lines.push_back('\n');
  WriteAll(lines);
}

void LogWriter::Flush() {
  const int64_t dropped = WriteQueued();
  if (dropped > 0) LogLine("access_log_dropped").Add("lines", dropped).Write();
}

int64_t LogWriter::WriteQueued(const AuditEntry* audit) {
  absl::MutexLock order(&write_mu_);
  int64_t dropped = 0;
  {
    absl::MutexLock lock(&mu_);
    writing_.swap(queued_);
    std::swap(dropped, dropped_);
  }
  WriteEntries(writing_, audit);
  writing_.clear();
  return dropped;
}

void LogWriter::WriteAudit(const AuditEntry& entry) {
  const int64_t dropped = WriteQueued(&entry);
  if (dropped > 0) LogLine("access_log_dropped").Add("lines", dropped).Write();
}

void LogWriter::WriteNow(absl::string_view line) {
  Flush();
  absl::MutexLock order(&write_mu_);
  WriteAll(line);
}

}  // namespace osteoflow
