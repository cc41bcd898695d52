#pragma once

namespace osteoflow {

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts
// afterwards. Call first thing in main, before gRPC starts its threads, so
// that only WaitForTerminationSignal sees them. Also ignores SIGPIPE.
void BlockTerminationSignals();

// Waits for SIGTERM or SIGINT and returns the signal number.
int WaitForTerminationSignal();

}  // namespace osteoflow
