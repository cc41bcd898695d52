// Programs::ListEvents and WatchEvents: the event feed read for catching up
// and followed as it grows.
#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/field_violations.h"
#include "common/text/resource_names.h"
#include "osteoflow/cloudevents/v1/cloudevents.pb.h"
#include "services/progress/domain/program_events.h"
#include "services/progress/domain/programs.h"

namespace osteoflow::progress {
namespace {

namespace v1 = osteoflow::progress::v1;

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
// Entries a watcher reads at once.
constexpr int kWatchBatch = 100;

// The filter a request asks for: its patient and types, checked.
template <typename Request>
absl::StatusOr<EventFeed::Filter> FilterOf(const Request& request) {
  FieldViolations problems;
  EventFeed::Filter filter;
  if (!request.patient().empty()) {
    absl::StatusOr<std::vector<std::string>> parent =
        SplitResourceName(request.patient(), kPatientParentPattern, "patient");
    if (parent.ok()) {
      filter.patient_id = (*parent)[0];
    } else {
      problems.Include(parent.status());
    }
  }
  for (int i = 0; i < request.types_size(); ++i) {
    bool known = false;
    for (int type = v1::ProgramEventType_MIN; type <= v1::ProgramEventType_MAX; ++type) {
      known = known || (v1::ProgramEventType_IsValid(type) && !request.types(i).empty() &&
                        CloudEventType(static_cast<v1::ProgramEventType>(type)) == request.types(i));
    }
    if (!known) {
      problems.Add(absl::StrCat("types[", i, "]"), "not an event type of this feed (see docs/events.md)");
    } else {
      filter.types.insert(request.types(i));
    }
  }
  if (absl::Status status = problems.ToStatus(); !status.ok()) return status;
  return filter;
}

absl::Status FeedEventOf(EventFeed::Entry& entry, v1::FeedEvent* out) {
  if (!out->mutable_event()->ParseFromString(entry.event)) return absl::InternalError("a feed event is corrupt");
  out->set_cursor(std::move(entry.cursor));
  return absl::OkStatus();
}

}  // namespace

void Programs::UseEventFeed(std::shared_ptr<EventFeed> feed, EventWatchSettings settings) {
  feed_ = std::move(feed);
  watch_settings_ = settings;
}

absl::Status Programs::ListEvents(const v1::ListEventsRequest& request, v1::ListEventsResponse* response) {
  if (feed_ == nullptr) return absl::UnavailableError("the event feed is not served here");
  absl::StatusOr<EventFeed::Filter> filter = FilterOf(request);
  if (!filter.ok()) return filter.status();
  if (request.page_size() < 0) return InvalidField("page_size", "must not be negative");
  const int page_size = request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  absl::StatusOr<EventFeed::Page> page = feed_->Read(request.page_token(), "page_token", *filter, page_size);
  if (!page.ok()) return page.status();
  for (EventFeed::Entry& entry : page->entries) {
    if (absl::Status made = FeedEventOf(entry, response->add_events()); !made.ok()) return made;
  }
  response->set_next_page_token(std::move(page->cursor));
  return absl::OkStatus();
}

absl::Status Programs::WatchEvents(const v1::WatchEventsRequest& request, MessageStream<v1::FeedEvent>* stream) {
  if (feed_ == nullptr) return absl::UnavailableError("the event feed is not served here");
  absl::StatusOr<EventFeed::Filter> filter = FilterOf(request);
  if (!filter.ok()) return filter.status();
  std::string cursor = request.cursor();
  if (cursor.empty()) {
    absl::StatusOr<std::string> end = feed_->End();
    if (!end.ok()) return end.status();
    cursor = *std::move(end);
  }
  absl::Time last_sent = absl::Now();
  while (!stream->Gone() && absl::Now() < stream->deadline()) {
    const int64_t seen = feed_->Relays();
    absl::StatusOr<EventFeed::Page> page = feed_->Read(cursor, "cursor", *filter, kWatchBatch);
    if (!page.ok()) return page.status();
    for (EventFeed::Entry& entry : page->entries) {
      v1::FeedEvent event;
      if (absl::Status made = FeedEventOf(entry, &event); !made.ok()) return made;
      if (!stream->Write(event)) return absl::OkStatus();
      last_sent = absl::Now();
    }
    cursor = std::move(page->cursor);
    if (!page->at_end) continue;
    const absl::Time now = absl::Now();
    if (now - last_sent >= watch_settings_.heartbeat) {
      v1::FeedEvent heartbeat;
      heartbeat.set_cursor(cursor);
      if (!stream->Write(heartbeat)) return absl::OkStatus();
      last_sent = now;
    }
    feed_->AwaitRelay(seen, std::min({now + watch_settings_.poll_interval, last_sent + watch_settings_.heartbeat,
                                      stream->deadline()}));
  }
  return absl::OkStatus();
}

}  // namespace osteoflow::progress
