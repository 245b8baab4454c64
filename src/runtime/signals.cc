#include "runtime/signals.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace sluice {

namespace {

std::atomic<StopToken*> g_stop_token{nullptr};
std::atomic<int> g_signals_seen{0};
static_assert(std::atomic<StopToken*>::is_always_lock_free);
static_assert(std::atomic<int>::is_always_lock_free);

void WriteStderr(const char* message, size_t length) {
  ssize_t ignored = ::write(STDERR_FILENO, message, length);
  (void)ignored;
}

void HandleStopSignal(int /*signal*/) {
  if (g_signals_seen.fetch_add(1) == 0) {
    StopToken* token = g_stop_token.load();
    if (token != nullptr) token->RequestStop();
    static constexpr char kMessage[] =
        "sluice: stopping after the batch in flight; press Ctrl-C again to abort\n";
    WriteStderr(kMessage, sizeof(kMessage) - 1);
    return;
  }
  static constexpr char kAbort[] = "sluice: aborted\n";
  WriteStderr(kAbort, sizeof(kAbort) - 1);
  ::_exit(130);
}

}  // namespace

void InstallStopSignalHandlers(StopToken* token) {
  g_stop_token.store(token);
  g_signals_seen.store(0);
  struct sigaction action {};
  action.sa_handler = HandleStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

}  // namespace sluice
