// The FileSystem conformance suite: every implementation (local today, S3 later) must pass the
// same tests. The TEST_Ps live in filesystem_conformance_test.cc; an implementation joins with
//
//   INSTANTIATE_TEST_SUITE_P(S3, FileSystemConformanceTest,
//                            ::testing::Values(FileSystemFactory{"s3", MakeS3, MakeS3Root}),
//                            FileSystemFactoryName);
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "storage/filesystem.h"

namespace sluice::testing {

/// How the suite gets a file system and a fresh, empty root folder (path or URI) per test.
struct FileSystemFactory {
  std::string name;
  std::function<std::shared_ptr<FileSystem>()> make;
  std::function<std::string()> make_root;
};

inline std::string FileSystemFactoryName(const ::testing::TestParamInfo<FileSystemFactory>& info) {
  return info.param.name;
}

class FileSystemConformanceTest : public ::testing::TestWithParam<FileSystemFactory> {
 protected:
  void SetUp() override {
    fs_ = GetParam().make();
    root_ = GetParam().make_root();
  }
  std::string Path(std::string_view relative) const { return JoinPath(root_, relative); }

  std::shared_ptr<FileSystem> fs_;
  std::string root_;
};

}  // namespace sluice::testing
