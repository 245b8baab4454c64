// SIGINT/SIGTERM handling for `sluice run`.
#pragma once

#include "runtime/stop_token.h"

namespace sluice {

/// The first SIGINT/SIGTERM requests a graceful stop through `token` (the batch in flight
/// finishes and commits); a second one exits at once with status 130. The handler only sets
/// flags, write(2)s a message and _exit()s, so it is async-signal-safe. `token` must outlive
/// the process's use of the handlers.
void InstallStopSignalHandlers(StopToken* token);

}  // namespace sluice
