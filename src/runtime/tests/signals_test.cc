#include "runtime/signals.h"

#include <signal.h>

#include "testing/gtest_util.h"

namespace sluice {
namespace {

TEST(SignalsDeathTest, FirstSignalStopsGracefullySecondExits) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        StopToken token;
        InstallStopSignalHandlers(&token);
        ::raise(SIGINT);
        if (!token.stop_requested()) ::_exit(3);
        ::raise(SIGTERM);
        ::_exit(4);  // not reached
      },
      ::testing::ExitedWithCode(130), "stopping after the batch in flight");
}

TEST(SignalsDeathTest, OneSignalOnlyRequestsAStop) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        StopToken token;
        InstallStopSignalHandlers(&token);
        ::raise(SIGTERM);
        ::_exit(token.stop_requested() ? 7 : 8);
      },
      ::testing::ExitedWithCode(7), "press Ctrl-C again to abort");
}

}  // namespace
}  // namespace sluice
