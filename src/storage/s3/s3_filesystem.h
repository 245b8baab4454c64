// S3FileSystem: the FileSystem interface over an S3 bucket, for "s3://bucket/key" paths
// ("s3a://" is accepted too). Folders are key prefixes ending in '/'.
//
// How each operation maps (see README.md for the reasons):
//   Put          PUT (an S3 object appears whole or not at all)
//   AtomicCreate PUT If-None-Match: * where the server honours it (probed once per bucket in
//                `auto` mode), else HEAD + PUT serialised within the process
//   Get/Exists   GET / HEAD, then a one-key LIST of "path/" for folders
//   OpenRead     HEAD (the size), then a ranged GET per read
//   List         ListObjectsV2 with delimiter '/' (every page); NotFound when nothing is there
//   Remove       LIST of the prefix, abort of the uploads recorded by staging markers, then
//                multi-object DELETE of "path" and everything under "path/"
//   Rename       server-side COPY then DELETE (not atomic; objects up to 5 GiB)
//   OpenStaged   a multipart upload to the FINAL key, completed by Publish(): nothing is
//                visible before, the whole object after. Its upload id is recorded in a marker
//                object "<staging path>.s3upload" while it is open, so removing the staging
//                folder (what a sink does on recovery) aborts uploads a crash left open.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "storage/filesystem.h"
#include "storage/s3/s3_client.h"

namespace sluice::s3 {

/// A parsed "s3://bucket/key" (key without leading or trailing '/').
struct S3Path {
  std::string scheme;  // "s3" or "s3a"
  std::string bucket;
  std::string key;
  std::string Uri() const;
};

/// Parses an s3:// or s3a:// URI; Config error naming the path otherwise.
Result<S3Path> ParseS3Path(const std::string& uri);

/// Suffix of the marker object that records an open multipart upload beside its staging path.
inline constexpr std::string_view kUploadMarkerSuffix = ".s3upload";

class S3FileSystem final : public FileSystem {
 public:
  explicit S3FileSystem(std::shared_ptr<S3Client> client);

  Status Put(const std::string& path, std::string_view bytes) override;
  Status AtomicCreate(const std::string& path, std::string_view bytes) override;
  Result<std::string> Get(const std::string& path) override;
  /// HEAD for the size, then one ranged GET per ReadAt.
  Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& path) override;
  Result<bool> Exists(const std::string& path) override;
  Result<std::vector<FileInfo>> List(const std::string& dir) override;
  Result<std::vector<FileInfo>> ListRecursive(const std::string& dir) override;
  Status Remove(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status CreateDirectories(const std::string& dir) override;
  Result<std::unique_ptr<StagedWriter>> OpenStaged(const std::string& staging_path,
                                                   const std::string& final_path) override;
  Result<std::vector<OpenUpload>> ListOpenUploads(const std::string& dir) override;
  Status AbortOpenUploads(const std::string& dir) override;

  /// `length` bytes from `offset` of a file (length < 0: to the end).
  Result<std::string> GetRange(const std::string& path, int64_t offset, int64_t length);
  S3Client& client() { return *client_; }

 private:
  /// Whether the bucket honours If-None-Match: * (probed once, in auto mode).
  Result<bool> ConditionalPutSupported(const S3Path& path);
  /// Aborts the upload a marker object names; OK if it is gone already.
  Status AbortMarkedUpload(const std::string& bucket, const std::string& marker_key);

  std::shared_ptr<S3Client> client_;
  std::mutex probe_mutex_;
  std::map<std::string, bool> conditional_put_by_bucket_;
  std::mutex fallback_create_mutex_;  // serialises check-then-put AtomicCreate in this process
};

/// The process-wide S3 file system configured from the environment (S3Options::
/// FromEnvironment, DefaultCredentialsChain). Credentials are loaded at the first request.
Result<std::shared_ptr<FileSystem>> S3FileSystemFromEnvironment();

}  // namespace sluice::s3
