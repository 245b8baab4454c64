// GoogleTest helpers for Status and Result (Arrow-style).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "common/status.h"

#define ASSERT_OK(expr)                                                \
  do {                                                                 \
    ::sluice::Status _s = ::sluice::internal::GenericToStatus((expr)); \
    ASSERT_TRUE(_s.ok()) << #expr << " failed: " << _s.ToString();     \
  } while (false)

#define EXPECT_OK(expr)                                                \
  do {                                                                 \
    ::sluice::Status _s = ::sluice::internal::GenericToStatus((expr)); \
    EXPECT_TRUE(_s.ok()) << #expr << " failed: " << _s.ToString();     \
  } while (false)

#define SLUICE_ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, rexpr)                    \
  auto tmp = (rexpr);                                                        \
  ASSERT_TRUE(tmp.ok()) << #rexpr << " failed: " << tmp.status().ToString(); \
  lhs = std::move(tmp).MoveValueUnsafe();

#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  SLUICE_ASSERT_OK_AND_ASSIGN_IMPL(SLUICE_CONCAT(_test_result_, __LINE__), lhs, rexpr)

/// Asserts that `expr` fails with `code` and a message containing `substring`.
#define ASSERT_RAISES(status_code, substring, expr)                              \
  do {                                                                           \
    ::sluice::Status _s = ::sluice::internal::GenericToStatus((expr));           \
    ASSERT_EQ(_s.code(), ::sluice::StatusCode::status_code) << _s.ToString();    \
    ASSERT_NE(_s.message().find(substring), std::string::npos) << _s.ToString(); \
  } while (false)

namespace sluice::testing {

/// A fresh, empty directory for one test under $SLUICE_TEST_TMP (or /tmp), removed first if it
/// exists. Named after the running test.
inline std::string TempDir(const std::string& suffix = "") {
  const char* root = std::getenv("SLUICE_TEST_TMP");
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "." + info->name() + suffix;
  std::filesystem::path dir = std::filesystem::path(root ? root : "/tmp/sluice-test") / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace sluice::testing
