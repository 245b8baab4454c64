// FileSystem for local POSIX files: atomic replace through a temp file + rename, atomic create
// through link(2), staged writers published by rename.
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "common/strings.h"
#include "storage/filesystem.h"
#include "storage/s3/s3_filesystem.h"

namespace sluice {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kFileScheme = "file://";

Status ErrnoStatus(int error, std::string_view what, const std::string& path) {
  std::string message = fmt::format("{} '{}': {}", what, path, std::strerror(error));
  if (error == ENOENT) return Status::NotFound("{}", message);
  if (error == EEXIST) return Status::AlreadyExists("{}", message);
  if (error == EINTR || error == EAGAIN || error == EIO) return Status::RetryableIO("{}", message);
  return Status::IOError("{}", message);
}

Status ErrorCodeStatus(const std::error_code& ec, std::string_view what, const std::string& path) {
  return ErrnoStatus(ec.value(), what, path);
}

/// A unique temp name beside `path`: "<dir>/.<name>.tmp-<pid>-<counter>".
std::string TempPathFor(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  fs::path p(path);
  std::string name = fmt::format(".{}.tmp-{}-{}", p.filename().string(), ::getpid(),
                                 counter.fetch_add(1, std::memory_order_relaxed));
  return (p.parent_path() / name).string();
}

Status EnsureParent(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) return Status::OK();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return ErrorCodeStatus(ec, "cannot create directory", parent.string());
  return Status::OK();
}

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  const char* data = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "cannot write", path);
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  return Status::OK();
}

Status FsyncFd(int fd, const std::string& path) {
  if (::fsync(fd) != 0) return ErrnoStatus(errno, "cannot fsync", path);
  return Status::OK();
}

/// Makes a rename or link in `dir` durable. Best effort: some file systems refuse fsync on dirs.
void FsyncDirectory(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  int fd = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

/// Writes `bytes` to a fresh file at `path` (which must not exist) and fsyncs it.
Status WriteNewFile(const std::string& path, std::string_view bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "cannot create", path);
  Status st = WriteAll(fd, bytes, path);
  if (st.ok()) st = FsyncFd(fd, path);
  if (::close(fd) != 0 && st.ok()) st = ErrnoStatus(errno, "cannot close", path);
  if (!st.ok()) ::unlink(path.c_str());
  return st;
}

class LocalStagedWriter final : public StagedWriter {
 public:
  LocalStagedWriter(int fd, std::string staging_path, std::string final_path, int64_t size)
      : fd_(fd),
        staging_path_(std::move(staging_path)),
        final_path_(std::move(final_path)),
        bytes_written_(size) {}
  ~LocalStagedWriter() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::string_view bytes) override {
    if (fd_ < 0) return Status::Internal("append to closed staged file '{}'", staging_path_);
    RETURN_NOT_OK(WriteAll(fd_, bytes, staging_path_));
    bytes_written_ += static_cast<int64_t>(bytes.size());
    return Status::OK();
  }
  int64_t bytes_written() const override { return bytes_written_; }

  Status Publish() override {
    if (fd_ < 0) return Status::Internal("publish of closed staged file '{}'", staging_path_);
    Status st = FsyncFd(fd_, staging_path_);
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0 && st.ok()) st = ErrnoStatus(errno, "cannot close", staging_path_);
    RETURN_NOT_OK(st);
    RETURN_NOT_OK(EnsureParent(final_path_));
    if (::rename(staging_path_.c_str(), final_path_.c_str()) != 0) {
      return ErrnoStatus(errno, fmt::format("cannot publish '{}' as", staging_path_), final_path_);
    }
    FsyncDirectory(final_path_);
    return Status::OK();
  }

  Status Abort() override {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
    if (::unlink(staging_path_.c_str()) != 0 && errno != ENOENT) {
      return ErrnoStatus(errno, "cannot remove staged file", staging_path_);
    }
    return Status::OK();
  }

 private:
  int fd_;
  std::string staging_path_;
  std::string final_path_;
  int64_t bytes_written_;
};

class LocalReadableFile final : public RandomAccessFile {
 public:
  LocalReadableFile(int fd, std::string path, int64_t size)
      : fd_(fd), path_(std::move(path)), size_(size) {}
  ~LocalReadableFile() override { ::close(fd_); }
  LocalReadableFile(const LocalReadableFile&) = delete;
  LocalReadableFile& operator=(const LocalReadableFile&) = delete;

  int64_t size() const override { return size_; }

  Result<int64_t> ReadAt(int64_t offset, int64_t length, char* out) override {
    if (offset < 0 || length < 0) {
      return Status::Internal("read of '{}' at {} for {} bytes", path_, offset, length);
    }
    int64_t done = 0;
    while (done < length) {
      ssize_t n = ::pread(fd_, out + done, static_cast<size_t>(length - done),
                          static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, "cannot read", path_);
      }
      if (n == 0) break;  // end of file
      done += n;
    }
    return done;
  }

 private:
  int fd_;
  std::string path_;
  int64_t size_;
};

class LocalFileSystemImpl final : public FileSystem {
 public:
  Status Put(const std::string& path_or_uri, std::string_view bytes) override {
    std::string path = LocalPath(path_or_uri);
    RETURN_NOT_OK(EnsureParent(path));
    std::string temp = TempPathFor(path);
    RETURN_NOT_OK(WriteNewFile(temp, bytes));
    if (::rename(temp.c_str(), path.c_str()) != 0) {
      Status st = ErrnoStatus(errno, "cannot rename temp file to", path);
      ::unlink(temp.c_str());
      return st;
    }
    FsyncDirectory(path);
    return Status::OK();
  }

  Status AtomicCreate(const std::string& path_or_uri, std::string_view bytes) override {
    std::string path = LocalPath(path_or_uri);
    RETURN_NOT_OK(EnsureParent(path));
    std::string temp = TempPathFor(path);
    RETURN_NOT_OK(WriteNewFile(temp, bytes));
    // link(2) fails if the target exists, so exactly one concurrent creator wins, and the
    // target appears with its full content at once.
    int rc = ::link(temp.c_str(), path.c_str());
    int error = errno;
    ::unlink(temp.c_str());
    if (rc != 0) {
      if (error == EEXIST) return Status::AlreadyExists("file '{}' already exists", path);
      return ErrnoStatus(error, "cannot create", path);
    }
    FsyncDirectory(path);
    return Status::OK();
  }

  Result<std::string> Get(const std::string& path_or_uri) override {
    // Straight into the string (no bounce buffer); a file that grows while being read is read
    // to its end, one that shrinks up to its new end.
    ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, OpenRead(path_or_uri));
    std::string out(static_cast<size_t>(file->size()), '\0');
    ASSIGN_OR_RETURN(int64_t done, file->ReadAt(0, file->size(), out.data()));
    out.resize(static_cast<size_t>(done));
    if (done < file->size()) return out;
    char buffer[1 << 16];
    while (true) {
      ASSIGN_OR_RETURN(int64_t n,
                       file->ReadAt(static_cast<int64_t>(out.size()), sizeof(buffer), buffer));
      if (n == 0) break;
      out.append(buffer, static_cast<size_t>(n));
    }
    return out;
  }

  Result<std::unique_ptr<RandomAccessFile>> OpenRead(const std::string& path_or_uri) override {
    std::string path = LocalPath(path_or_uri);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, "cannot open", path);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      Status status = ErrnoStatus(errno, "cannot stat", path);
      ::close(fd);
      return status;
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return Status::IOError("cannot read '{}': is a directory", path);
    }
    // Read ahead generously: these files are read front to back.
    (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    return std::unique_ptr<RandomAccessFile>(
        std::make_unique<LocalReadableFile>(fd, std::move(path), st.st_size));
  }

  Result<bool> Exists(const std::string& path_or_uri) override {
    std::string path = LocalPath(path_or_uri);
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) return true;
    if (errno == ENOENT || errno == ENOTDIR) return false;
    return ErrnoStatus(errno, "cannot stat", path);
  }

  Result<std::vector<FileInfo>> List(const std::string& dir_or_uri) override {
    std::string dir = LocalPath(dir_or_uri);
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) return ErrorCodeStatus(ec, "cannot list directory", dir);
    std::vector<FileInfo> out;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      out.push_back(InfoFor(*it));
    }
    if (ec) return ErrorCodeStatus(ec, "cannot list directory", dir);
    SortByPath(&out);
    return out;
  }

  Result<std::vector<FileInfo>> ListRecursive(const std::string& dir_or_uri) override {
    std::string dir = LocalPath(dir_or_uri);
    std::vector<FileInfo> out;
    std::error_code ec;
    if (!fs::exists(dir, ec)) return out;
    fs::recursive_directory_iterator it(dir, ec);
    if (ec) return ErrorCodeStatus(ec, "cannot list directory", dir);
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      FileInfo info = InfoFor(*it);
      if (!info.is_directory) out.push_back(std::move(info));
    }
    if (ec) return ErrorCodeStatus(ec, "cannot list directory", dir);
    SortByPath(&out);
    return out;
  }

  Status Remove(const std::string& path_or_uri) override {
    std::string path = LocalPath(path_or_uri);
    std::error_code ec;
    fs::remove_all(path, ec);
    if (ec && ec.value() != ENOENT) return ErrorCodeStatus(ec, "cannot remove", path);
    return Status::OK();
  }

  Status Rename(const std::string& from_or_uri, const std::string& to_or_uri) override {
    std::string from = LocalPath(from_or_uri);
    std::string to = LocalPath(to_or_uri);
    RETURN_NOT_OK(EnsureParent(to));
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return ErrnoStatus(errno, fmt::format("cannot rename '{}' to", from), to);
    }
    FsyncDirectory(to);
    return Status::OK();
  }

  Status CreateDirectories(const std::string& dir_or_uri) override {
    std::string dir = LocalPath(dir_or_uri);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return ErrorCodeStatus(ec, "cannot create directory", dir);
    return Status::OK();
  }

  Result<std::unique_ptr<StagedWriter>> OpenStaged(const std::string& staging_or_uri,
                                                   const std::string& final_or_uri) override {
    std::string staging = LocalPath(staging_or_uri);
    std::string final_path = LocalPath(final_or_uri);
    RETURN_NOT_OK(EnsureParent(staging));
    int fd = ::open(staging.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus(errno, "cannot open staging file", staging);
    struct stat st {};
    int64_t size = 0;
    if (::fstat(fd, &st) == 0) size = static_cast<int64_t>(st.st_size);
    return std::unique_ptr<StagedWriter>(
        std::make_unique<LocalStagedWriter>(fd, std::move(staging), std::move(final_path), size));
  }

 private:
  static FileInfo InfoFor(const fs::directory_entry& entry) {
    FileInfo info;
    info.path = entry.path().string();
    std::error_code ec;
    info.is_directory = entry.is_directory(ec);
    if (!info.is_directory) {
      auto size = entry.file_size(ec);
      info.size = ec ? 0 : static_cast<int64_t>(size);
    }
    return info;
  }
  static void SortByPath(std::vector<FileInfo>* infos) {
    std::sort(infos->begin(), infos->end(),
              [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  }
};

/// A whole file in memory (the default FileSystem::OpenRead).
class InMemoryFile final : public RandomAccessFile {
 public:
  explicit InMemoryFile(std::string bytes) : bytes_(std::move(bytes)) {}
  int64_t size() const override { return static_cast<int64_t>(bytes_.size()); }
  Result<int64_t> ReadAt(int64_t offset, int64_t length, char* out) override {
    if (offset < 0 || length < 0) {
      return Status::Internal("read at {} for {} bytes", offset, length);
    }
    if (offset >= size()) return int64_t{0};
    const int64_t n = std::min(length, size() - offset);
    std::memcpy(out, bytes_.data() + offset, static_cast<size_t>(n));
    return n;
  }

 private:
  std::string bytes_;
};

}  // namespace

Result<std::unique_ptr<RandomAccessFile>> FileSystem::OpenRead(const std::string& path) {
  ASSIGN_OR_RETURN(std::string bytes, Get(path));
  return std::unique_ptr<RandomAccessFile>(std::make_unique<InMemoryFile>(std::move(bytes)));
}

std::shared_ptr<FileSystem> LocalFileSystem() {
  static const std::shared_ptr<FileSystem> instance = std::make_shared<LocalFileSystemImpl>();
  return instance;
}

Result<std::shared_ptr<FileSystem>> FileSystemForPath(const std::string& path_or_uri) {
  size_t sep = path_or_uri.find("://");
  if (sep != std::string::npos && sep > 0) {
    std::string_view scheme = std::string_view(path_or_uri).substr(0, sep);
    bool is_scheme = std::all_of(scheme.begin(), scheme.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
    });
    if (is_scheme && (EqualsIgnoreCase(scheme, "s3") || EqualsIgnoreCase(scheme, "s3a"))) {
      RETURN_NOT_OK(s3::ParseS3Path(path_or_uri));
      return s3::S3FileSystemFromEnvironment();
    }
    if (is_scheme && !EqualsIgnoreCase(scheme, "file")) {
      return Status::Config(
          "unsupported file system scheme '{}' in '{}'; supported: local paths, file:// and "
          "s3://bucket/prefix",
          scheme, path_or_uri);
    }
  }
  return LocalFileSystem();
}

std::string LocalPath(const std::string& path_or_uri) {
  if (path_or_uri.size() >= kFileScheme.size() &&
      EqualsIgnoreCase(std::string_view(path_or_uri).substr(0, kFileScheme.size()), kFileScheme)) {
    return path_or_uri.substr(kFileScheme.size());
  }
  return path_or_uri;
}

std::string JoinPath(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.back() == '/') a.remove_suffix(1);
  while (!b.empty() && b.front() == '/') b.remove_prefix(1);
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  if (a == "/") return "/" + std::string(b);
  std::string out;
  out.reserve(a.size() + 1 + b.size());
  out.append(a);
  out.push_back('/');
  out.append(b);
  return out;
}

Status RemoveTemporaries(FileSystem& fs, const std::string& dir) {
  auto entries = fs.List(dir);
  if (!entries.ok()) return entries.status().IsNotFound() ? Status::OK() : entries.status();
  for (const FileInfo& entry : *entries) {
    std::string name = std::filesystem::path(entry.path).filename().string();
    if (!entry.is_directory && name.starts_with('.') && name.find(".tmp-") != std::string::npos) {
      RETURN_NOT_OK(fs.Remove(entry.path));
    }
  }
  return Status::OK();
}

}  // namespace sluice
