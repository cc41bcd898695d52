// W3C traceparent: what is continued, what starts a new trace.
#include "common/server/trace_context.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

namespace osteoflow {
namespace {

constexpr char kTrace[] = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr char kParent[] = "00f067aa0ba902b7";

TEST(Traceparent, AVersionZeroHeaderIsReadWithItsSampledFlag) {
  const auto read = ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->trace_id, kTrace);
  EXPECT_EQ(read->parent_span_id, kParent);
  EXPECT_TRUE(read->sampled);
  EXPECT_FALSE(ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")->sampled);
}

TEST(Traceparent, ALaterVersionIsReadForItsFirstFieldsOnly) {
  EXPECT_TRUE(ParseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-more").has_value());
  EXPECT_TRUE(ParseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").has_value());
  EXPECT_FALSE(ParseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01more").has_value());
}

TEST(Traceparent, MalformedHeadersAreRefused) {
  for (const char* header : {
           "",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",  // version 00 has four fields
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",        // upper case
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",        // all-zero trace
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",        // all-zero parent
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",        // version ff
           "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",         // short trace id
           "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",        // separators
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",        // flags not hex
       }) {
    EXPECT_FALSE(ParseTraceparent(header).has_value()) << header;
  }
}

TEST(TraceForCall, ContinuesTheCallersTraceWithASpanOfItsOwn) {
  const std::string header = std::string("00-") + kTrace + "-" + kParent + "-01";
  const std::multimap<grpc::string_ref, grpc::string_ref> metadata = {{"traceparent", header}};
  const TraceContext trace = TraceForCall(metadata);
  EXPECT_EQ(trace.trace_id, kTrace);
  EXPECT_EQ(trace.parent_span_id, kParent);
  EXPECT_EQ(trace.span_id.size(), 16u);
  EXPECT_NE(trace.span_id, kParent);
  EXPECT_EQ(trace.TraceparentForPeers(), std::string("00-") + kTrace + "-" + trace.span_id + "-01");
}

TEST(TraceForCall, StartsANewTraceWithoutOneOrWithTwo) {
  const std::string header = std::string("00-") + kTrace + "-" + kParent + "-01";
  const std::multimap<grpc::string_ref, grpc::string_ref> none;
  const std::multimap<grpc::string_ref, grpc::string_ref> two = {{"traceparent", header}, {"traceparent", header}};
  for (const auto* metadata : {&none, &two}) {
    const TraceContext trace = TraceForCall(*metadata);
    EXPECT_THAT(trace.trace_id, ::testing::MatchesRegex("[0-9a-f]{32}"));
    EXPECT_NE(trace.trace_id, kTrace);
    EXPECT_TRUE(trace.parent_span_id.empty());
    EXPECT_TRUE(ParseTraceparent(trace.TraceparentForPeers()).has_value());
  }
  EXPECT_NE(TraceForCall(none).trace_id, TraceForCall(none).trace_id);
}

}  // namespace
}  // namespace osteoflow
