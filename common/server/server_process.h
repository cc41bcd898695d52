#pragma once

namespace osteoflow {

// Process-wide setup every server binary does first thing in main, before
// gRPC starts threads: blocks SIGTERM/SIGINT for WaitForTerminationSignal,
// ignores SIGPIPE, and turns off Abseil's mutex deadlock detection, a
// debugging aid that Debian's build leaves on and that gRPC's own locks pay
// for on every call; and makes libprotobuf's own messages JSON log lines.
void PrepareServerProcess();

}  // namespace osteoflow
