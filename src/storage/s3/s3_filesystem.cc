#include "storage/s3/s3_filesystem.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <random>

#include <nlohmann/json.hpp>

#include "common/logging.h"
#include "common/strings.h"

namespace sluice::s3 {

namespace {

constexpr int64_t kMaxCopyBytes = 5LL << 30;  // single-request COPY limit
constexpr int kMaxParts = 10000;

std::string RandomHex() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}", rng());
}

/// "a/b/c" -> "a/b"; "c" -> "".
std::string ParentKey(const std::string& key) {
  size_t slash = key.find_last_of('/');
  return slash == std::string::npos ? std::string() : key.substr(0, slash);
}

std::string PrefixOf(const std::string& key) { return key.empty() ? key : key + "/"; }

/// A multipart upload to the final key, completed by Publish(). Parts are uploaded in the
/// background on the client's pool, at most `max_parallel_parts` at a time, so memory stays
/// under (max_parallel_parts + 1) * part_size whatever the file size. Small files (under one
/// part) never open an upload: Publish() sends them with a single PUT.
class S3StagedWriter final : public StagedWriter {
 public:
  S3StagedWriter(std::shared_ptr<S3Client> client, S3Path final_path, S3Path marker)
      : client_(std::move(client)),
        final_(std::move(final_path)),
        marker_(std::move(marker)),
        part_size_(static_cast<size_t>(client_->options().part_size)),
        max_in_flight_(std::max(1, client_->options().max_parallel_parts)) {}

  ~S3StagedWriter() override {
    if (!closed_) {
      Status st = Abort();
      if (!st.ok())
        SLUICE_LOG_WARN("abandoning staged upload of {}: {}", final_.Uri(), st.ToString());
    }
  }

  Status Append(std::string_view bytes) override {
    if (closed_) return Status::Internal("append to closed staged file {}", final_.Uri());
    RETURN_NOT_OK(FirstError());
    bytes_written_ += static_cast<int64_t>(bytes.size());
    while (!bytes.empty()) {
      size_t take = std::min(bytes.size(), part_size_ - buffer_.size());
      buffer_.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
      if (buffer_.size() >= part_size_) RETURN_NOT_OK(DispatchPart());
    }
    return Status::OK();
  }

  int64_t bytes_written() const override { return bytes_written_; }

  Status Publish() override {
    if (closed_) return Status::Internal("publish of closed staged file {}", final_.Uri());
    if (upload_id_.empty()) {
      // Under one part: a single PUT is as atomic and three times cheaper.
      Status st = client_->PutObject(final_.bucket, final_.key, buffer_);
      if (!st.ok()) return st;
      closed_ = true;
      buffer_ = std::string();
      return Status::OK();
    }
    Status st = buffer_.empty() ? Status::OK() : DispatchPart();
    WaitForParts();
    if (st.ok()) st = FirstError();
    if (st.ok()) {
      std::vector<CompletedPart> parts;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        parts = parts_;
      }
      st = client_->CompleteMultipartUpload(final_.bucket, final_.key, upload_id_, parts,
                                            bytes_written_);
    }
    if (!st.ok()) {
      (void)Abort();
      return st;
    }
    closed_ = true;
    Status removed = client_->DeleteObject(marker_.bucket, marker_.key);
    if (!removed.ok()) {
      // Harmless: aborting a completed upload later is a no-op.
      SLUICE_LOG_WARN("could not remove upload marker {}: {}", marker_.Uri(), removed.ToString());
    }
    return Status::OK();
  }

  Status Abort() override {
    WaitForParts();
    closed_ = true;
    buffer_ = std::string();
    if (upload_id_.empty()) return Status::OK();
    Status st = client_->AbortMultipartUpload(final_.bucket, final_.key, upload_id_);
    Status removed = client_->DeleteObject(marker_.bucket, marker_.key);
    upload_id_.clear();
    return st.ok() ? removed : st;
  }

 private:
  Status FirstError() {
    std::lock_guard<std::mutex> lock(mutex_);
    return first_error_;
  }

  void WaitForParts() {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return in_flight_ == 0; });
  }

  Status StartUpload() {
    ASSIGN_OR_RETURN(upload_id_, client_->CreateMultipartUpload(final_.bucket, final_.key));
    nlohmann::ordered_json marker;
    marker["bucket"] = final_.bucket;
    marker["key"] = final_.key;
    marker["uploadId"] = upload_id_;
    Status st = client_->PutObject(marker_.bucket, marker_.key, marker.dump());
    if (!st.ok()) {
      (void)client_->AbortMultipartUpload(final_.bucket, final_.key, upload_id_);
      upload_id_.clear();
      return st.WithContext("recording the open upload");
    }
    return Status::OK();
  }

  Status DispatchPart() {
    if (upload_id_.empty()) RETURN_NOT_OK(StartUpload());
    auto data = std::make_shared<std::string>(std::move(buffer_));
    buffer_ = std::string();
    int number = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      done_.wait(lock, [this] { return in_flight_ < max_in_flight_; });
      if (!first_error_.ok()) return first_error_;
      if (static_cast<int>(parts_.size()) >= kMaxParts) {
        return Status::IOError(
            "S3 upload of {}: more than {} parts of {} bytes; raise SLUICE_S3_PART_SIZE",
            final_.Uri(), kMaxParts, part_size_);
      }
      number = static_cast<int>(parts_.size()) + 1;
      parts_.push_back(CompletedPart{number, ""});
      ++in_flight_;
    }
    client_->upload_pool().Submit([this, number, data] {
      auto etag = client_->UploadPart(final_.bucket, final_.key, upload_id_, number, *data);
      std::lock_guard<std::mutex> lock(mutex_);
      if (etag.ok()) {
        parts_[static_cast<size_t>(number - 1)].etag = *etag;
      } else if (first_error_.ok()) {
        first_error_ = etag.status();
      }
      --in_flight_;
      done_.notify_all();
    });
    return Status::OK();
  }

  std::shared_ptr<S3Client> client_;
  S3Path final_;
  S3Path marker_;
  size_t part_size_;
  int max_in_flight_;
  std::string buffer_;
  int64_t bytes_written_ = 0;
  std::string upload_id_;
  bool closed_ = false;
  std::mutex mutex_;
  std::condition_variable done_;
  int in_flight_ = 0;
  std::vector<CompletedPart> parts_;
  Status first_error_;
};

}  // namespace

std::string S3Path::Uri() const {
  return key.empty() ? fmt::format("{}://{}", scheme, bucket)
                     : fmt::format("{}://{}/{}", scheme, bucket, key);
}

Result<S3Path> ParseS3Path(const std::string& uri) {
  size_t sep = uri.find("://");
  S3Path path;
  if (sep != std::string::npos) path.scheme = ToLower(uri.substr(0, sep));
  if (path.scheme != "s3" && path.scheme != "s3a") {
    return Status::Config("'{}' is not an s3://bucket/key path", uri);
  }
  std::string rest = uri.substr(sep + 3);
  size_t slash = rest.find('/');
  path.bucket = rest.substr(0, slash);
  if (slash != std::string::npos) path.key = rest.substr(slash + 1);
  while (!path.key.empty() && path.key.back() == '/') path.key.pop_back();
  while (!path.key.empty() && path.key.front() == '/') path.key.erase(0, 1);
  if (path.bucket.empty()) return Status::Config("'{}' names no bucket (s3://bucket/key)", uri);
  for (char c : path.bucket) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_')) {
      return Status::Config("'{}': '{}' is not a valid bucket name", uri, path.bucket);
    }
  }
  return path;
}

S3FileSystem::S3FileSystem(std::shared_ptr<S3Client> client) : client_(std::move(client)) {}

Status S3FileSystem::Put(const std::string& path, std::string_view bytes) {
  ASSIGN_OR_RETURN(S3Path p, ParseS3Path(path));
  return client_->PutObject(p.bucket, p.key, bytes);
}

Result<bool> S3FileSystem::ConditionalPutSupported(const S3Path& path) {
  switch (client_->options().conditional_put) {
    case ConditionalPut::kOn:
      return true;
    case ConditionalPut::kOff:
      return false;
    case ConditionalPut::kAuto:
      break;
  }
  std::lock_guard<std::mutex> lock(probe_mutex_);
  auto found = conditional_put_by_bucket_.find(path.bucket);
  if (found != conditional_put_by_bucket_.end()) return found->second;
  // Probe: create an object, then create it again conditionally. A server that honours
  // If-None-Match answers 412; one that ignores it overwrites (200).
  std::string parent = ParentKey(path.key);
  std::string probe =
      (parent.empty() ? "" : parent + "/") + ".sluice-conditional-put-probe-" + RandomHex();
  RETURN_NOT_OK(client_->PutObject(path.bucket, probe, "probe"));
  Status second = client_->PutObjectIfAbsent(path.bucket, probe, "probe again");
  Status removed = client_->DeleteObject(path.bucket, probe);
  bool supported = second.IsAlreadyExists();
  if (!second.ok() && !supported && second.code() != StatusCode::kIO) return second;
  RETURN_NOT_OK(removed);
  if (supported) {
    SLUICE_LOG_INFO("S3 bucket '{}' honours If-None-Match: atomic creates are conditional PUTs",
                    path.bucket);
  } else {
    SLUICE_LOG_WARN(
        "S3 bucket '{}' ignores If-None-Match (the server overwrote an existing object): atomic "
        "creates fall back to HEAD + PUT, safe with one writer per checkpoint "
        "(SLUICE_S3_CONDITIONAL_PUT=off silences this probe)",
        path.bucket);
  }
  conditional_put_by_bucket_[path.bucket] = supported;
  return supported;
}

Status S3FileSystem::AtomicCreate(const std::string& path, std::string_view bytes) {
  ASSIGN_OR_RETURN(S3Path p, ParseS3Path(path));
  ASSIGN_OR_RETURN(bool conditional, ConditionalPutSupported(p));
  if (conditional) return client_->PutObjectIfAbsent(p.bucket, p.key, bytes);
  // Fallback: check then put, serialised within the process. Two processes writing one
  // checkpoint could both succeed here, which is why a checkpoint has a single writer.
  std::lock_guard<std::mutex> lock(fallback_create_mutex_);
  auto info = client_->HeadObject(p.bucket, p.key);
  if (info.ok()) return Status::AlreadyExists("S3 object {} already exists", p.Uri());
  if (!info.status().IsNotFound()) return info.status();
  return client_->PutObject(p.bucket, p.key, bytes);
}

Result<std::string> S3FileSystem::Get(const std::string& path) {
  ASSIGN_OR_RETURN(S3Path p, ParseS3Path(path));
  return client_->GetObject(p.bucket, p.key);
}

namespace {

/// Bytes an S3 read fetches at least: a GET costs a round trip, so small sequential reads (a
/// reader's blocks) are served from one bigger ranged GET.
constexpr int64_t kS3ReadAheadBytes = int64_t{8} << 20;

/// An S3 object read by ranged GETs, up to the size HEAD reported when it was opened. Keeps the
/// last GET's bytes: a read within them is served from memory.
class S3ReadableFile final : public RandomAccessFile {
 public:
  S3ReadableFile(std::shared_ptr<S3Client> client, S3Path path, int64_t size)
      : client_(std::move(client)), path_(std::move(path)), size_(size) {}

  int64_t size() const override { return size_; }

  Result<int64_t> ReadAt(int64_t offset, int64_t length, char* out) override {
    if (offset < 0 || length < 0) {
      return Status::Internal("read of {} at {} for {} bytes", path_.Uri(), offset, length);
    }
    if (offset >= size_ || length == 0) return int64_t{0};
    length = std::min(length, size_ - offset);
    const int64_t cached_end = cached_offset_ + static_cast<int64_t>(cached_.size());
    if (offset < cached_offset_ || offset + length > cached_end) {
      const int64_t fetch = std::min(std::max(length, kS3ReadAheadBytes), size_ - offset);
      cached_.clear();
      ASSIGN_OR_RETURN(cached_, client_->GetObject(path_.bucket, path_.key, offset, fetch));
      cached_offset_ = offset;
    }
    // An object replaced by a shorter one since the HEAD answers short: the caller sees the end.
    const int64_t available = cached_offset_ + static_cast<int64_t>(cached_.size()) - offset;
    const int64_t n = std::clamp<int64_t>(available, 0, length);
    std::memcpy(out, cached_.data() + (offset - cached_offset_), static_cast<size_t>(n));
    return n;
  }

 private:
  std::shared_ptr<S3Client> client_;
  S3Path path_;
  int64_t size_;
  std::string cached_;  // the bytes of the last GET, from cached_offset_
  int64_t cached_offset_ = 0;
};

}  // namespace

Result<std::unique_ptr<RandomAccessFile>> S3FileSystem::OpenRead(const std::string& path) {
  ASSIGN_OR_RETURN(S3Path p, ParseS3Path(path));
  ASSIGN_OR_RETURN(ObjectInfo info, client_->HeadObject(p.bucket, p.key));
  return std::unique_ptr<RandomAccessFile>(
      std::make_unique<S3ReadableFile>(client_, std::move(p), info.size));
}

Result<std::string> S3FileSystem::GetRange(const std::string& path, int64_t offset,
                                           int64_t length) {
  ASSIGN_OR_RETURN(S3Path p, ParseS3Path(path));
  return client_->GetObject(p.bucket, p.key, offset, length);
}

Result<bool> S3FileSystem::Exists(const std::string& path) {
  ASSIGN_OR_RETURN(S3Path p, ParseS3Path(path));
  if (!p.key.empty()) {
    auto info = client_->HeadObject(p.bucket, p.key);
    if (info.ok()) return true;
    if (!info.status().IsNotFound() ||
        info.status().message().find("does not exist") != std::string::npos) {
      return info.status();
    }
  }
  ASSIGN_OR_RETURN(ListResult listed, client_->ListObjects(p.bucket, PrefixOf(p.key), "/", 1, 1));
  return !listed.objects.empty() || !listed.common_prefixes.empty();
}

Result<std::vector<FileInfo>> S3FileSystem::List(const std::string& dir) {
  ASSIGN_OR_RETURN(S3Path p, ParseS3Path(dir));
  const std::string prefix = PrefixOf(p.key);
  ASSIGN_OR_RETURN(ListResult listed, client_->ListObjects(p.bucket, prefix, "/"));
  std::vector<FileInfo> out;
  S3Path entry = p;
  for (const ObjectInfo& object : listed.objects) {
    if (object.key == prefix) continue;  // a "folder/" placeholder object
    entry.key = object.key;
    out.push_back(FileInfo{entry.Uri(), object.size, false});
  }
  for (const std::string& common : listed.common_prefixes) {
    entry.key = common.substr(0, common.size() - 1);
    out.push_back(FileInfo{entry.Uri(), 0, true});
  }
  if (out.empty()) {
    return Status::NotFound("cannot list directory '{}': no objects under prefix '{}'", p.Uri(),
                            prefix);
  }
  std::sort(out.begin(), out.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return out;
}

Result<std::vector<FileInfo>> S3FileSystem::ListRecursive(const std::string& dir) {
  ASSIGN_OR_RETURN(S3Path p, ParseS3Path(dir));
  ASSIGN_OR_RETURN(ListResult listed, client_->ListObjects(p.bucket, PrefixOf(p.key), ""));
  std::vector<FileInfo> out;
  S3Path entry = p;
  for (const ObjectInfo& object : listed.objects) {
    if (object.key.ends_with('/')) continue;
    entry.key = object.key;
    out.push_back(FileInfo{entry.Uri(), object.size, false});
  }
  return out;  // S3 lists keys in byte order, which is path order here
}

Status S3FileSystem::AbortMarkedUpload(const std::string& bucket, const std::string& marker_key) {
  auto text = client_->GetObject(bucket, marker_key);
  if (!text.ok()) return text.status().IsNotFound() ? Status::OK() : text.status();
  auto json = nlohmann::json::parse(*text, nullptr, false);
  if (!json.is_object() || !json.contains("uploadId") || !json["uploadId"].is_string() ||
      !json.contains("key") || !json["key"].is_string()) {
    SLUICE_LOG_WARN("ignoring unreadable upload marker {}", S3Client::Uri(bucket, marker_key));
    return Status::OK();
  }
  const std::string key = json["key"].get<std::string>();
  const std::string upload_id = json["uploadId"].get<std::string>();
  SLUICE_LOG_WARN("aborting the open upload of {} left by an earlier run",
                  S3Client::Uri(bucket, key));
  return client_->AbortMultipartUpload(bucket, key, upload_id);
}

Status S3FileSystem::Remove(const std::string& path) {
  ASSIGN_OR_RETURN(S3Path p, ParseS3Path(path));
  if (p.key.empty()) {
    return Status::IOError("refusing to remove every object of bucket '{}' ({})", p.bucket, path);
  }
  // One LIST finds the object itself, its upload marker and everything under "key/".
  ASSIGN_OR_RETURN(ListResult listed, client_->ListObjects(p.bucket, p.key, ""));
  const std::string under = p.key + "/";
  const std::string own_marker = p.key + std::string(kUploadMarkerSuffix);
  std::vector<std::string> keys;
  for (const ObjectInfo& object : listed.objects) {
    if (object.key != p.key && object.key != own_marker && !object.key.starts_with(under)) {
      continue;  // a sibling that merely shares the prefix ("offsets/1" vs "offsets/10")
    }
    if (object.key.ends_with(kUploadMarkerSuffix)) {
      RETURN_NOT_OK(AbortMarkedUpload(p.bucket, object.key));
    }
    keys.push_back(object.key);
  }
  return client_->DeleteObjects(p.bucket, keys);
}

Status S3FileSystem::Rename(const std::string& from, const std::string& to) {
  ASSIGN_OR_RETURN(S3Path source, ParseS3Path(from));
  ASSIGN_OR_RETURN(S3Path target, ParseS3Path(to));
  if (source.bucket != target.bucket) {
    return Status::IOError("cannot rename '{}' to '{}': different buckets", from, to);
  }
  auto info = client_->HeadObject(source.bucket, source.key);
  if (info.ok()) {
    if (info->size > kMaxCopyBytes) {
      return Status::IOError("cannot rename '{}': {} bytes is over the 5 GiB copy limit", from,
                             info->size);
    }
    RETURN_NOT_OK(client_->CopyObject(source.bucket, source.key, target.key));
    return client_->DeleteObject(source.bucket, source.key);
  }
  if (!info.status().IsNotFound()) return info.status();
  // A folder: every object under it, one by one (not atomic).
  ASSIGN_OR_RETURN(ListResult listed,
                   client_->ListObjects(source.bucket, PrefixOf(source.key), ""));
  if (listed.objects.empty()) {
    return Status::NotFound("cannot rename '{}': no such object or folder", from);
  }
  for (const ObjectInfo& object : listed.objects) {
    std::string relative = object.key.substr(source.key.size());
    RETURN_NOT_OK(client_->CopyObject(source.bucket, object.key, target.key + relative));
    RETURN_NOT_OK(client_->DeleteObject(source.bucket, object.key));
  }
  return Status::OK();
}

Status S3FileSystem::CreateDirectories(const std::string& dir) {
  // Folders are key prefixes: they exist once an object is under them.
  return ParseS3Path(dir).status();
}

Result<std::unique_ptr<StagedWriter>> S3FileSystem::OpenStaged(const std::string& staging_path,
                                                               const std::string& final_path) {
  ASSIGN_OR_RETURN(S3Path staging, ParseS3Path(staging_path));
  ASSIGN_OR_RETURN(S3Path final_location, ParseS3Path(final_path));
  S3Path marker = staging;
  marker.key += std::string(kUploadMarkerSuffix);
  return std::unique_ptr<StagedWriter>(
      std::make_unique<S3StagedWriter>(client_, std::move(final_location), std::move(marker)));
}

Result<std::vector<OpenUpload>> S3FileSystem::ListOpenUploads(const std::string& dir) {
  ASSIGN_OR_RETURN(S3Path p, ParseS3Path(dir));
  auto uploads = client_->ListMultipartUploads(p.bucket, PrefixOf(p.key));
  if (!uploads.ok()) {
    // Servers without the API (s3rver answers 404/501): nothing we can list.
    if (uploads.status().code() == StatusCode::kIO || uploads.status().IsNotFound()) {
      SLUICE_LOG_DEBUG("cannot list open uploads under {}: {}", p.Uri(),
                       uploads.status().ToString());
      return std::vector<OpenUpload>{};
    }
    return uploads.status();
  }
  std::vector<OpenUpload> out;
  S3Path entry = p;
  for (const UploadInfo& upload : *uploads) {
    entry.key = upload.key;
    out.push_back(OpenUpload{entry.Uri(), upload.upload_id, upload.initiated});
  }
  return out;
}

Status S3FileSystem::AbortOpenUploads(const std::string& dir) {
  ASSIGN_OR_RETURN(S3Path p, ParseS3Path(dir));
  ASSIGN_OR_RETURN(std::vector<OpenUpload> uploads, ListOpenUploads(dir));
  for (const OpenUpload& upload : uploads) {
    ASSIGN_OR_RETURN(S3Path target, ParseS3Path(upload.path));
    SLUICE_LOG_INFO("aborting orphaned upload of {} (started {})", upload.path,
                    upload.initiated.empty() ? "?" : upload.initiated);
    RETURN_NOT_OK(client_->AbortMultipartUpload(target.bucket, target.key, upload.upload_id));
  }
  return Status::OK();
}

Result<std::shared_ptr<FileSystem>> S3FileSystemFromEnvironment() {
  static std::mutex mutex;
  static std::shared_ptr<FileSystem> instance;
  std::lock_guard<std::mutex> lock(mutex);
  if (instance) return instance;
  ASSIGN_OR_RETURN(S3Options options, S3Options::FromEnvironment(ProcessEnvironment()));
  auto client = std::make_shared<S3Client>(std::move(options), DefaultCredentialsChain());
  instance = std::make_shared<S3FileSystem>(std::move(client));
  return instance;
}

}  // namespace sluice::s3
