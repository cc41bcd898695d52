#pragma once

#include <memory>
#include <type_traits>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/server/blocking_work.h"
#include "common/server/unary_answer.h"
#include "common/server/message_stream.h"
#include "common/server/stream_answer.h"
#include "common/server/unary_service.h"

namespace osteoflow {

// Where a method's answer is worked out.
enum class Answering {
  // On gRPC's callback thread: for use cases that never wait (answers from
  // memory).
  kOnCallbackThread,
  // On the service's BlockingWork pool: for use cases that wait on a store
  // or a peer, so that a wait never holds a callback thread.
  kOnWorkPool,
  // On the callback thread when the use case can answer at once (a plan held
  // in memory), otherwise the rest it returns runs on the pool. The use case
  // returns std::variant<absl::Status, Rest>, Rest callable as
  // absl::Status(std::string* answer_wire).
  kQuicklyElseOnWorkPool,
};

namespace unary_table_internal {

// The parts of a use case's signature: absl::Status Call(const Request&, Answer*).
template <typename Call>
struct UseCaseCall;
template <typename Owner, typename Result, typename Request, typename Answer>
struct UseCaseCall<Result (Owner::*)(const Request&, Answer*)> {
  using RequestType = Request;
  using AnswerType = Answer;
};
template <typename Owner, typename Result, typename Request, typename Answer>
struct UseCaseCall<Result (Owner::*)(const Request&, Answer*) const> : UseCaseCall<Result (Owner::*)(const Request&, Answer*)> {};

}  // namespace unary_table_internal

// A service's unary methods as a typed table, one row a method:
//
//   UnaryTable<Programs>(v1::ProgressService::service_full_name(), programs, &work)
//       .Row<v1::EnrollRequest, v1::Program, Answering::kOnWorkPool>(&Programs::Enroll)
//       ...
//       .Build();
//
// A row names the request and response types of the contract, where the
// answer is worked out, and the use case that answers: a member of
// `UseCases` taking (const Request&, Answer*), where Answer is the response
// message, std::string (the response in wire form) or BorrowedWire. The
// method is the contract's method taking that request; its name and access
// come from its descriptor.
template <typename UseCases>
class UnaryTable {
 public:
  // `work` may be null when no row answers on the pool.
  UnaryTable(absl::string_view service_full_name, std::shared_ptr<UseCases> use_cases, BlockingWork* work)
      : service_(std::make_unique<UnaryService>(service_full_name)), use_cases_(std::move(use_cases)), work_(work) {}

  template <typename Request, typename Response, Answering where, typename Call>
  UnaryTable&& Row(Call call) && {
    using Parts = unary_table_internal::UseCaseCall<Call>;
    using Answer = typename Parts::AnswerType;
    static_assert(std::is_same_v<typename Parts::RequestType, Request>, "the use case takes another request");
    static_assert(std::is_same_v<Answer, Response> || std::is_same_v<Answer, std::string> ||
                      std::is_same_v<Answer, BorrowedWire>,
                  "the use case answers with the response, its wire form, or borrowed wire");
    static_assert(where != Answering::kQuicklyElseOnWorkPool || std::is_same_v<Answer, std::string>,
                  "a quick answer is in wire form");
    UseCases* target = use_cases_.get();
    BlockingWork* work = work_;
    const auto handle = [target, call](const Request& request, Answer* answer) {
      return (target->*call)(request, answer);
    };
    service_->Serve(*Request::descriptor(), *Response::descriptor(), [&](const MethodAccess& access) {
      return UnaryService::Handler([&access, work, handle](grpc::CallbackServerContext* context,
                                                           const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
        if constexpr (where == Answering::kOnCallbackThread) {
          static_cast<void>(work);  // captured for the rows that answer on the pool
          return AnswerUnary<Request, Answer>(context, access, request, response, handle);
        } else if constexpr (where == Answering::kOnWorkPool) {
          return AnswerUnaryOn<Request, Answer>(*work, context, access, request, response, handle);
        } else {
          return AnswerUnaryQuicklyOrOn<Request>(
              *work, context, access, request, response, [handle](const Request& parsed, std::string* answer) {
                auto outcome = handle(parsed, answer);
                if (absl::Status* status = std::get_if<absl::Status>(&outcome)) return QuickOutcome(*status);
                return QuickOutcome(UnaryContinuation(std::get<1>(std::move(outcome))));
              });
        }
      });
    });
    if (where != Answering::kOnCallbackThread && work_ == nullptr) {
      service_->AddProblem(absl::StrCat(Request::descriptor()->full_name(),
                                        ": its row answers on the work pool, but the table has none"));
    }
    return std::move(*this);
  }

  // A server-streaming method: the use case takes (const Request&,
  // MessageStream<Response>*) and runs on a thread of its own while it
  // streams (stream_answer.h).
  template <typename Request, typename Response>
  UnaryTable&& StreamRow(absl::Status (UseCases::*call)(const Request&, MessageStream<Response>*)) && {
    UseCases* target = use_cases_.get();
    const auto handle = [target, call](const Request& request, MessageStream<Response>* stream) {
      return (target->*call)(request, stream);
    };
    service_->ServeStream(*Request::descriptor(), *Response::descriptor(), [&](const MethodAccess& access) {
      return UnaryService::StreamHandler(
          [&access, handle](grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
            return new StreamAnswer<Request, Response, decltype(handle)>(context, access, request, handle);
          });
    });
    return std::move(*this);
  }

  // The service; its Completeness says whether every method has a row.
  std::unique_ptr<UnaryService> Build() && {
    // The rows point at the use cases: the service keeps them alive.
    service_->KeepAlive(std::move(use_cases_));
    return std::move(service_);
  }

 private:
  std::unique_ptr<UnaryService> service_;
  std::shared_ptr<UseCases> use_cases_;
  BlockingWork* work_;
};

}  // namespace osteoflow
