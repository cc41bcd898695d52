#pragma once

#include "common/redis/redis_address.h"
#include "common/redis/redis_reply.h"

namespace osteoflow {

// What an error reply asks of a client that routes by slot or follows a
// primary: go elsewhere, or wait and try again. Redis answers these before
// it runs the command, except kScriptKeyMoved, which stops a script midway
// (so only a script that writes nothing may be sent again after it).
struct RedisRedirect {
  enum class Kind {
    kNone,
    // MOVED slot host:port: the slot lives on another node from now on.
    kMoved,
    // ASK slot host:port: this one request goes to that node, after ASKING.
    kAsk,
    // TRYAGAIN: the request's keys are split by a slot migration under way.
    kTryAgain,
    // CLUSTERDOWN: the cluster cannot serve the slot yet (a failover).
    kClusterDown,
    // READONLY: a replica answered a write (the primary changed).
    kReadOnly,
    // A read-only script met a key of its slot that a migration has moved
    // (the script's undeclared keys are checked one by one as it runs).
    kScriptKeyMoved,
  };
  Kind kind = Kind::kNone;
  int slot = -1;
  RedisEndpoint node;  // kMoved, kAsk
};

// The redirect an error reply carries; kNone for other replies. A target
// with no host ("MOVED 3999 :6380") is on `answering`'s host, as Redis means
// it.
RedisRedirect RedirectOf(const RedisReply& reply, const RedisEndpoint& answering);

}  // namespace osteoflow
