// FileSystem: the one interface the checkpoint log and the file sinks write through, and the
// files source reads through (OpenRead, by ranges). Local files and S3 (storage/s3/), both
// passing the same conformance tests. Paths are plain strings: local paths or `file://` URIs,
// and `s3://bucket/key` (FileSystemForPath picks the right one).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice {

struct FileInfo {
  std::string path;  // full path
  int64_t size = 0;
  bool is_directory = false;
};

/// An upload that was started and neither published nor aborted (object stores: an open
/// multipart upload; it costs storage and shows nowhere until completed or aborted).
struct OpenUpload {
  std::string path;       // the final path it would publish
  std::string upload_id;  // the store's id
  std::string initiated;  // ISO-8601 as the store reports it, may be empty
};

/// A file opened for reading by ranges (FileSystem::OpenRead), so that a reader need not hold it
/// whole: local files use pread(2), S3 objects ranged GETs.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  /// The file's size when it was opened.
  virtual int64_t size() const = 0;
  /// Reads up to `length` bytes from `offset` into `out` and returns how many it read: fewer than
  /// `length` only at the end of the file (0 from there on).
  virtual Result<int64_t> ReadAt(int64_t offset, int64_t length, char* out) = 0;
};

/// A file being written that nobody can see under its final name until Publish().
class StagedWriter {
 public:
  virtual ~StagedWriter() = default;
  virtual Status Append(std::string_view bytes) = 0;
  virtual int64_t bytes_written() const = 0;
  /// Makes the file visible under its final path atomically (local: fsync + rename). Replaces a
  /// file already there.
  virtual Status Publish() = 0;
  /// Drops the staged bytes.
  virtual Status Abort() = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  /// Writes the whole file, replacing it atomically (write elsewhere, then rename).
  virtual Status Put(const std::string& path, std::string_view bytes) = 0;
  /// Creates the file with these bytes only if it does not exist yet; AlreadyExists otherwise.
  /// Atomic: concurrent creators cannot both succeed, and readers never see partial content.
  virtual Status AtomicCreate(const std::string& path, std::string_view bytes) = 0;
  virtual Result<std::string> Get(const std::string& path) = 0;
  /// Opens a file for reading by ranges (NotFound if it is missing). The default reads it whole
  /// with Get() and serves the ranges from memory.
  virtual Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& path);
  virtual Result<bool> Exists(const std::string& path) = 0;
  /// Entries directly under `dir` (not recursive), sorted by path. NotFound if `dir` is missing.
  virtual Result<std::vector<FileInfo>> List(const std::string& dir) = 0;
  /// Every file (not directory) under `dir`, recursively, sorted by path; empty if `dir` is
  /// missing.
  virtual Result<std::vector<FileInfo>> ListRecursive(const std::string& dir) = 0;
  /// Removes a file, or a directory and everything in it. OK if it does not exist.
  virtual Status Remove(const std::string& path) = 0;
  /// Renames (local) or copies then removes (object stores). Replaces `to` if it exists.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status CreateDirectories(const std::string& dir) = 0;
  /// A writer for `final_path`, staged at `staging_path` until Publish().
  virtual Result<std::unique_ptr<StagedWriter>> OpenStaged(const std::string& staging_path,
                                                           const std::string& final_path) = 0;

  /// Uploads under `dir` that are still open (S3: ListMultipartUploads; empty on stores that
  /// cannot list them, such as s3rver, and on local files, where a staged file is a file).
  virtual Result<std::vector<OpenUpload>> ListOpenUploads(const std::string& dir) {
    (void)dir;
    return std::vector<OpenUpload>{};
  }
  /// Aborts every open upload under `dir` that the store can list. Only for a prefix with a
  /// single writer, called when that writer starts (like RemoveTemporaries). Local: no-op.
  virtual Status AbortOpenUploads(const std::string& dir) {
    (void)dir;
    return Status::OK();
  }
};

/// Removes the temporary files a crashed writer may have left in `dir` (local Put/AtomicCreate
/// write ".<name>.tmp-<pid>-<n>" beside the target and rename it). Only for folders with a single
/// writer, called when that writer starts. OK if `dir` does not exist.
Status RemoveTemporaries(FileSystem& fs, const std::string& dir);

/// The local file system (POSIX). Directories are created as needed by writes.
std::shared_ptr<FileSystem> LocalFileSystem();

/// Picks the file system for a path or URI: plain paths and file:// are local; s3:// (and
/// s3a://) is the process-wide S3 file system configured from the environment; other schemes
/// are a Config error naming the supported ones.
Result<std::shared_ptr<FileSystem>> FileSystemForPath(const std::string& path_or_uri);
/// Strips "file://" from a local URI.
std::string LocalPath(const std::string& path_or_uri);
/// Joins path segments with single '/'.
std::string JoinPath(std::string_view a, std::string_view b);

}  // namespace sluice
