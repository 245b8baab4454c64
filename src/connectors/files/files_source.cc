// The source half of the `files` connector: files appearing under a directory, decoded as JSON
// lines, CSV or text (formats/decode.h), like Spark's file stream source.
//
// Exactly once: every file found is appended to a durable list in the source's checkpoint folder
// (<state_dir>/files/<index of its first file, 20 digits>, one JSON entry per discovery, created
// atomically) before any batch can refer to it. The source has one partition, "0", whose offsets
// are positions in that list, so offsets/N names exactly the files batch N reads, a replay reads
// the same files, and a restart never reads a listed file again. A file is read up to the size
// it had when discovered (files should appear complete: write elsewhere, then rename), in blocks
// of whole records (1 MB; .gz/.zst decompressed on the way) decoded one after the other into
// batches of up to ~65 536 rows: the memory a file needs is a block plus its decoded rows.
#include <zlib.h>
#include <zstd.h>

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <fnmatch.h>
#include <nlohmann/json.hpp>

#include "common/logging.h"
#include "common/strings.h"
#include "connectors/decode_option_specs.h"
#include "connectors/files/files.h"
#include "formats/decode.h"

namespace sluice {

namespace {

constexpr std::string_view kPartition = "0";

struct ListedFile {
  std::string path;
  int64_t size = 0;
  int64_t modified_ms = 0;
};

/// Bytes read and decoded per block: a file is read in blocks of whole records, so its size never
/// has to fit in memory at once (a record longer than a block grows it). Small enough to stay in
/// the cache between the read and the decode; 4x the JSON decoder's chunk.
constexpr size_t kDefaultBlockBytes = size_t{1} << 20;
/// Compressed bytes read per request from a .gz/.zst file.
constexpr size_t kCompressedReadBytes = size_t{256} << 10;
/// The decoder hands its rows over (a Batch) once it holds this many, and at the end of a file.
constexpr int64_t kRowsPerBatch = 65536;

size_t block_bytes_for_testing = 0;

/// Newlines in `text` (for the line numbers of bad records): 16 bytes at a time with SSE2 (x86-64
/// baseline), else 8 at a time in a word.
int64_t CountNewlines(std::string_view text) {
  int64_t count = 0;
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i zero = _mm_setzero_si128();
  while (i + 16 <= text.size()) {
    // Per-byte counters (each compare adds 0 or -1) for up to 255 rounds, then summed.
    __m128i counters = zero;
    const size_t rounds = std::min<size_t>(255, (text.size() - i) / 16);
    for (size_t round = 0; round < rounds; ++round, i += 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
      counters = _mm_sub_epi8(counters, _mm_cmpeq_epi8(bytes, newline));
    }
    const __m128i sums = _mm_sad_epu8(counters, zero);
    count += _mm_cvtsi128_si64(sums) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums));
  }
#else
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    const uint64_t x = word ^ (kOnes * '\n');  // 0x00 where a byte is '\n'
    // 0x80 exactly in the zero bytes (no carries: the low 7 bits are added first), summed
    // into the top byte by the multiplication.
    const uint64_t zeros = ~(((x & ~kHigh) + ~kHigh) | x) & kHigh;
    count += static_cast<int64_t>(((zeros >> 7) * kOnes) >> 56);
  }
#endif
  for (; i < text.size(); ++i) count += text[i] == '\n' ? 1 : 0;
  return count;
}

bool StartsWithBom(std::string_view text) { return StartsWith(text, "\xEF\xBB\xBF"); }

/// Whether a block starting with `rest` (the bytes after a cut, `more` if others follow) could
/// start with a UTF-8 BOM: decoders skip one at the start of a text, which is right only at the
/// start of a file.
bool MayStartWithBom(std::string_view rest, bool more) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (rest.size() >= kBom.size()) return StartsWith(rest, kBom);
  return more && kBom.substr(0, rest.size()) == rest;
}

/// A listed file's bytes front to back, in pieces: read by ranges up to the size it had when
/// listed, decompressed on the way when it ends in .gz or .zst. One per source, reused across
/// files (its buffers and decompression contexts stay allocated).
class FileReader {
 public:
  FileReader() = default;
  ~FileReader() {
    Close();
    if (zstd_ != nullptr) ZSTD_freeDStream(zstd_);
  }
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  /// `read_bytes`: compressed bytes per read request.
  Status Open(const ListedFile& file, size_t read_bytes) {
    Close();
    path_ = file.path;
    size_ = file.size;
    offset_ = 0;
    done_ = false;
    input_eof_ = false;
    any_input_ = false;
    corrupt_.clear();
    produced_ = 0;
    ASSIGN_OR_RETURN(auto fs, FileSystemForPath(file.path));
    auto opened = fs->OpenRead(file.path);
    if (!opened.ok()) {
      return opened.status().WithContext(
          fmt::format("files source: reading '{}' (listed in the checkpoint)", file.path));
    }
    file_ = std::move(*opened);
    if (file_->size() < size_) return Shrank(file_->size());
    codec_ = EndsWith(file.path, ".gz")    ? Codec::kGzip
             : EndsWith(file.path, ".zst") ? Codec::kZstd
                                           : Codec::kNone;
    if (codec_ != Codec::kNone) input_.resize(read_bytes);
    if (codec_ == Codec::kGzip) {
      zlib_ = z_stream{};
      if (inflateInit2(&zlib_, 16 + MAX_WBITS) != Z_OK) {
        corrupt_ = "zlib could not start";
        done_ = true;
      } else {
        zlib_open_ = true;
      }
      gzip_member_ended_ = false;
    } else if (codec_ == Codec::kZstd) {
      if (zstd_ == nullptr) zstd_ = ZSTD_createDStream();
      ZSTD_DCtx_reset(zstd_, ZSTD_reset_session_only);
      zstd_in_ = ZSTD_inBuffer{input_.data(), 0, 0};
      zstd_last_ = 0;
    }
    return Status::OK();
  }

  void Close() {
    if (zlib_open_) inflateEnd(&zlib_);
    zlib_open_ = false;
    file_.reset();
  }

  /// Writes up to `capacity` bytes at `out` and returns how many; 0 only at the end of the
  /// content: the end of the file, or where a compressed stream stopped decoding (corrupt()).
  Result<size_t> Read(char* out, size_t capacity) {
    if (done_ || capacity == 0) return size_t{0};
    size_t n = 0;
    if (codec_ == Codec::kGzip) {
      ASSIGN_OR_RETURN(n, ReadGzip(out, capacity));
    } else if (codec_ == Codec::kZstd) {
      ASSIGN_OR_RETURN(n, ReadZstd(out, capacity));
    } else {
      ASSIGN_OR_RETURN(n, ReadRaw(out, capacity));
      if (n == 0) done_ = true;
    }
    produced_ += static_cast<int64_t>(n);
    return n;
  }

  /// Why the (compressed) content stops early; empty when it is complete.
  const std::string& corrupt() const { return corrupt_; }
  /// Bytes Read() returned for this file.
  int64_t produced() const { return produced_; }

 private:
  enum class Codec { kNone, kGzip, kZstd };

  Status Shrank(int64_t now) const {
    return Status::IOError(
        "files source: '{}' shrank from {} to {} bytes after it was listed; files must not "
        "change once they appear",
        path_, size_, now);
  }

  /// The file's own bytes, up to its listed size (bytes appended later are not ours).
  Result<size_t> ReadRaw(char* out, size_t capacity) {
    const int64_t want = std::min(static_cast<int64_t>(capacity), size_ - offset_);
    if (want <= 0) return size_t{0};
    auto got = file_->ReadAt(offset_, want, out);
    if (!got.ok()) {
      return got.status().WithContext(
          fmt::format("files source: reading '{}' (listed in the checkpoint)", path_));
    }
    if (*got < want) return Shrank(offset_ + *got);
    offset_ += *got;
    any_input_ = true;
    return static_cast<size_t>(*got);
  }

  /// Refills the compressed input; false at its end.
  Result<bool> RefillInput(size_t* size) {
    if (input_eof_) return false;
    ASSIGN_OR_RETURN(*size, ReadRaw(input_.data(), input_.size()));
    if (*size == 0) input_eof_ = true;
    return *size > 0;
  }

  Result<size_t> ReadGzip(char* out, size_t capacity) {
    zlib_.next_out = reinterpret_cast<Bytef*>(out);
    zlib_.avail_out = static_cast<uInt>(std::min<size_t>(capacity, uInt{1} << 30));
    const uInt given = zlib_.avail_out;
    while (zlib_.avail_out > 0) {
      if (zlib_.avail_in == 0) {
        size_t size = 0;
        ASSIGN_OR_RETURN(bool more, RefillInput(&size));
        if (more) {
          zlib_.next_in = reinterpret_cast<Bytef*>(input_.data());
          zlib_.avail_in = static_cast<uInt>(size);
        }
      }
      if (gzip_member_ended_) {
        if (zlib_.avail_in == 0) {  // the end of the last member: complete
          done_ = true;
          break;
        }
        inflateReset(&zlib_);  // concatenated gzip members
        gzip_member_ended_ = false;
      }
      if (zlib_.avail_in == 0) {  // the input ends inside a member
        corrupt_ = "not a complete gzip stream (truncated)";
        done_ = true;
        break;
      }
      const int result = inflate(&zlib_, Z_NO_FLUSH);
      if (result == Z_STREAM_END) {
        gzip_member_ended_ = true;
      } else if (result != Z_OK && !(result == Z_BUF_ERROR && zlib_.avail_in == 0)) {
        corrupt_ = fmt::format("not a complete gzip stream ({})",
                               zlib_.msg != nullptr ? zlib_.msg : "truncated");
        done_ = true;
        break;
      }
    }
    return static_cast<size_t>(given - zlib_.avail_out);
  }

  Result<size_t> ReadZstd(char* out, size_t capacity) {
    ZSTD_outBuffer output{out, capacity, 0};
    while (output.pos < output.size) {
      if (zstd_in_.pos == zstd_in_.size && !input_eof_) {
        size_t size = 0;
        ASSIGN_OR_RETURN(bool more, RefillInput(&size));
        if (more) zstd_in_ = ZSTD_inBuffer{input_.data(), size, 0};
      }
      if (input_eof_ && !any_input_) {  // an empty file: no frame, no rows
        done_ = true;
        break;
      }
      if (input_eof_ && zstd_in_.pos == zstd_in_.size && zstd_last_ == 0) {
        done_ = true;  // every frame ended and was flushed: complete
        break;
      }
      zstd_last_ = ZSTD_decompressStream(zstd_, &output, &zstd_in_);
      if (ZSTD_isError(zstd_last_)) {
        corrupt_ = fmt::format("not valid zstd ({})", ZSTD_getErrorName(zstd_last_));
        done_ = true;
        break;
      }
      // With room left in `output`, the decoder flushed all it could: at the end of the input,
      // that is the end (complete only if the last frame was).
      if (input_eof_ && zstd_in_.pos == zstd_in_.size && output.pos < output.size) {
        if (zstd_last_ != 0) corrupt_ = "a truncated zstd stream";
        done_ = true;
        break;
      }
    }
    return output.pos;
  }

  std::string path_;
  int64_t size_ = 0;    // the size listed: what is read
  int64_t offset_ = 0;  // of the next raw read
  std::unique_ptr<RandomAccessFile> file_;
  Codec codec_ = Codec::kNone;
  bool done_ = false;
  bool input_eof_ = false;
  bool any_input_ = false;
  std::string corrupt_;
  int64_t produced_ = 0;
  std::string input_;  // compressed bytes (reused)
  z_stream zlib_{};
  bool zlib_open_ = false;
  bool gzip_member_ended_ = false;
  ZSTD_DStream* zstd_ = nullptr;
  ZSTD_inBuffer zstd_in_{nullptr, 0, 0};
  size_t zstd_last_ = 0;
};

/// Where the CSV decoder's records end, to cut a block after a whole one: mirrors
/// CsvDecoder::DecodeText (blank and comment lines, quoted fields with newlines, escapes, text
/// after a closing quote) without decoding anything.
struct CsvSyntax {
  char sep = ',';
  char quote = '"';
  char escape = '\\';
  char comment = '\0';
};

/// One unit of a CSV text at `pos` (a blank line, a comment line or a record).
struct CsvUnit {
  size_t end = 0;         // just past it
  bool complete = false;  // ended by the bytes of `text`, not by its end (more could follow)
  bool record = false;    // a record (not a blank or comment line)
  int64_t lines = 0;      // lines it counts for (the decoder's line numbers)
};

CsvUnit ScanCsvUnit(std::string_view text, size_t pos, const CsvSyntax& syntax) {
  const size_t size = text.size();
  CsvUnit unit;
  if (text[pos] == '\n') return {pos + 1, true, false, 1};
  if (text[pos] == '\r') {
    if (pos + 1 >= size) return unit;  // "\r" then maybe "\n": undecided
    if (text[pos + 1] == '\n') return {pos + 2, true, false, 1};
  }
  if (syntax.comment != '\0' && text[pos] == syntax.comment) {
    const void* newline = std::memchr(text.data() + pos, '\n', size - pos);
    if (newline == nullptr) return unit;
    return {static_cast<size_t>(static_cast<const char*>(newline) - text.data()) + 1, true, false,
            1};
  }
  unit.record = true;
  unit.lines = 1;
  const char sep = syntax.sep;
  const char quote = syntax.quote;
  const char escape = syntax.escape;
  while (true) {
    if (pos < size && quote != '\0' && text[pos] == quote) {
      ++pos;
      bool closed = false;
      while (pos < size) {
        const char c = text[pos];
        if (c == escape && escape != quote && escape != '\0' && pos + 1 < size) {
          if (text[pos + 1] == '\n') ++unit.lines;
          pos += 2;
        } else if (c == quote) {
          if (pos + 1 < size && text[pos + 1] == quote) {
            pos += 2;
          } else if (pos + 1 >= size) {
            return unit;  // a closing quote, or the first of a doubled one: undecided
          } else {
            ++pos;
            closed = true;
            break;
          }
        } else {
          if (c == '\n') ++unit.lines;
          ++pos;
        }
      }
      if (!closed) return unit;  // unterminated so far
      if (text[pos] != sep && text[pos] != '\n' && text[pos] != '\r') {
        // Text after a closing quote: the record is bad and ends at the next newline.
        const void* newline = std::memchr(text.data() + pos, '\n', size - pos);
        if (newline == nullptr) return unit;
        unit.end = static_cast<size_t>(static_cast<const char*>(newline) - text.data()) + 1;
        unit.complete = true;
        return unit;
      }
    } else {
      while (pos < size && text[pos] != sep && text[pos] != '\n') ++pos;
      if (pos >= size) return unit;
    }
    if (text[pos] == sep) {
      ++pos;
      continue;
    }
    if (text[pos] == '\r') {
      if (pos + 1 >= size) return unit;  // "\r" then maybe "\n"
      ++pos;
    }
    if (text[pos] == '\n') ++pos;
    unit.end = pos;
    unit.complete = true;
    return unit;
  }
}

bool IsHidden(std::string_view relative) {
  for (const std::string& part : Split(relative, '/')) {
    if (!part.empty() && (part[0] == '.' || part[0] == '_')) return true;
  }
  return false;
}

Status CheckDirectory(const std::string& path) {
  ASSIGN_OR_RETURN(auto fs, FileSystemForPath(path));
  (void)fs;
  std::error_code ec;
  std::filesystem::path local(LocalPath(path));
  if (!std::filesystem::exists(local, ec)) {
    return Status::Config(
        "files source: 'path' = '{}' does not exist (create the directory the "
        "files will appear in)",
        path);
  }
  if (!std::filesystem::is_directory(local, ec)) {
    return Status::Config(
        "files source: 'path' = '{}' is not a directory: the files source "
        "reads the files that appear under a directory",
        path);
  }
  return Status::OK();
}

class FilesSource final : public Source {
 public:
  FilesSource(SourceContext context, DecodeFormat format, DecodeMode mode,
              std::unique_ptr<RecordDecoder> decoder)
      : context_(std::move(context)), format_(format), mode_(mode), decoder_(std::move(decoder)) {
    path_ = LocalPath(context_.options.GetString("path"));
    while (path_.size() > 1 && path_.back() == '/') path_.pop_back();
    if (context_.options.Has("maxFilesPerTrigger")) {
      max_files_ = context_.options.GetInt("maxFilesPerTrigger");
    }
    latest_first_ = context_.options.GetBool("latestFirst");
    glob_ = context_.options.GetString("pathGlobFilter");
    log_dir_ = JoinPath(context_.state_dir, "files");
    if (block_bytes_for_testing > 0) block_bytes_ = block_bytes_for_testing;
  }

  Status Open() {
    if (format_ == DecodeFormat::kCsv) {  // where CSV records end, to cut blocks between them
      ASSIGN_OR_RETURN(DecodeOptions csv, DecodeOptions::FromMap(context_.options.values()));
      csv_header_ = csv.header;
      csv_syntax_ = CsvSyntax{csv.sep, csv.quote, csv.escape, csv.comment};
    }
    RETURN_NOT_OK(RemoveTemporaries(*context_.state_fs, log_dir_));
    ASSIGN_OR_RETURN(auto exists, context_.state_fs->Exists(log_dir_));
    if (!exists) return Status::OK();
    ASSIGN_OR_RETURN(auto entries, context_.state_fs->List(log_dir_));
    for (const FileInfo& entry : entries) {
      std::string name = entry.path.substr(entry.path.find_last_of('/') + 1);
      auto first = ParseInt64(name);
      if (!first) continue;  // not an entry
      if (*first != static_cast<int64_t>(files_.size())) {
        return Status::Commit(
            "files source log '{}': entry {} does not follow the {} files "
            "listed before it",
            entry.path, *first, files_.size());
      }
      ASSIGN_OR_RETURN(std::string text, context_.state_fs->Get(entry.path));
      auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (json.is_discarded() || !json.is_object() || !json.contains("files") ||
          !json["files"].is_array()) {
        return Status::Commit("files source log '{}' is corrupt", entry.path);
      }
      for (const auto& file : json["files"]) {
        if (!file.is_object() || !file.contains("path") || !file["path"].is_string() ||
            !file.contains("size") || !file["size"].is_number_integer()) {
          return Status::Commit("files source log '{}' is corrupt", entry.path);
        }
        ListedFile listed{file["path"].get<std::string>(), file["size"].get<int64_t>(), 0};
        known_.insert(listed.path);
        files_.push_back(std::move(listed));
      }
    }
    return Status::OK();
  }

  Result<OffsetMap> InitialOffsets() override { return OffsetMap{{std::string(kPartition), 0}}; }

  Result<OffsetMap> LatestOffsets() override {
    RETURN_NOT_OK(Discover());
    return OffsetMap{{std::string(kPartition), static_cast<int64_t>(files_.size())}};
  }

  Result<OffsetMap> PlanBatchEnd(const OffsetMap& start) override {
    RETURN_NOT_OK(Discover());
    auto it = start.find(std::string(kPartition));
    int64_t from = it == start.end() ? 0 : it->second;
    int64_t end = static_cast<int64_t>(files_.size());
    if (max_files_ > 0) end = std::min(end, from + max_files_);
    return OffsetMap{{std::string(kPartition), std::max(end, from)}};
  }

  Status Read(const std::string& partition, int64_t start, int64_t end,
              std::vector<Batch>* out) override {
    if (partition != kPartition)
      return Status::Internal("files source has no partition '{}'", partition);
    if (end > static_cast<int64_t>(files_.size())) {
      return Status::Commit("the offsets log names file {} but the files source log lists only {}",
                            end - 1, files_.size());
    }
    for (int64_t index = start; index < end; ++index) {
      const ListedFile& file = files_[static_cast<size_t>(index)];
      const size_t first_batch = out->size();
      Status status = ReadListedFile(file, out);
      reader_.Close();
      // A record longer than a block grew the buffer: give it back.
      if (buffer_.size() > 2 * block_bytes_) {
        buffer_.resize(block_bytes_);
        buffer_.shrink_to_fit();
      }
      if (!status.ok()) {
        (void)decoder_->Finish();  // rows of the failed file
        out->erase(out->begin() + static_cast<std::ptrdiff_t>(first_batch), out->end());
        return status;
      }
    }
    return Status::OK();
  }

  std::vector<BadRecord> TakeBadRecords() override { return std::exchange(bad_records_, {}); }

  std::string Describe() const override {
    std::string text = fmt::format("files[path={}, format={}", path_,
                                   format_ == DecodeFormat::kJson  ? "json"
                                   : format_ == DecodeFormat::kCsv ? "csv"
                                                                   : "text");
    if (max_files_ > 0) text += fmt::format(", maxFilesPerTrigger={}", max_files_);
    if (latest_first_) text += ", latestFirst=true";
    return text + "]";
  }

 private:
  /// Appends the files not seen before to the durable list (one atomic entry).
  Status Discover() {
    ASSIGN_OR_RETURN(auto fs, FileSystemForPath(path_));
    ASSIGN_OR_RETURN(auto listing, fs->ListRecursive(path_));
    std::vector<ListedFile> found;
    for (const FileInfo& info : listing) {
      if (info.is_directory || known_.count(info.path) > 0) continue;
      std::string_view relative = info.path;
      if (StartsWith(relative, path_ + "/")) relative.remove_prefix(path_.size() + 1);
      if (IsHidden(relative)) continue;
      std::string name = info.path.substr(info.path.find_last_of('/') + 1);
      if (!glob_.empty() && fnmatch(glob_.c_str(), name.c_str(), 0) != 0) continue;
      ListedFile file{info.path, info.size, 0};
      std::error_code ec;
      auto modified = std::filesystem::last_write_time(info.path, ec);
      if (!ec) {
        file.modified_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(modified.time_since_epoch())
                .count();
      }
      found.push_back(std::move(file));
    }
    if (found.empty()) return Status::OK();
    std::sort(found.begin(), found.end(), [&](const ListedFile& a, const ListedFile& b) {
      if (a.modified_ms != b.modified_ms) {
        return latest_first_ ? a.modified_ms > b.modified_ms : a.modified_ms < b.modified_ms;
      }
      return a.path < b.path;
    });
    nlohmann::ordered_json entry;
    entry["version"] = 1;
    entry["firstIndex"] = files_.size();
    entry["files"] = nlohmann::ordered_json::array();
    for (const ListedFile& file : found) {
      entry["files"].push_back({{"path", file.path}, {"size", file.size}});
    }
    std::string name = JoinPath(log_dir_, fmt::format("{:020}", files_.size()));
    RETURN_NOT_OK(context_.state_fs->CreateDirectories(log_dir_));
    RETURN_NOT_OK(context_.state_fs->AtomicCreate(name, entry.dump()));
    for (ListedFile& file : found) {
      known_.insert(file.path);
      files_.push_back(std::move(file));
    }
    return Status::OK();
  }

  /// Reads one listed file block by block: each block ends after a whole record and is decoded
  /// before the next is read, so the bytes in memory are a block's, not the file's. A corrupt
  /// .gz/.zst: the complete lines before the damage are decoded as usual (like Spark's
  /// ignoreCorruptFiles), the cut line and the rest are one bad record of the file.
  Status ReadListedFile(const ListedFile& file, std::vector<Batch>* out) {
    RETURN_NOT_OK(reader_.Open(file, std::min(kCompressedReadBytes, block_bytes_)));
    if (buffer_.size() < block_bytes_) buffer_.resize(block_bytes_);
    // buffer_ = [prefix][bytes read, not decoded yet: up to `filled`]. The prefix is the CSV
    // header record (header = true), decoded again in front of every block after the first so
    // that the decoder skips it there too.
    size_t prefix = 0;
    int64_t prefix_lines = 0;
    size_t filled = 0;
    int64_t lines_before = 0;     // the decoder's lines before the first undecoded byte
    int64_t newlines_before = 0;  // '\n's before it
    bool first = true;
    bool eof = false;
    while (true) {
      while (!eof && filled < buffer_.size()) {
        ASSIGN_OR_RETURN(size_t n, reader_.Read(buffer_.data() + filled, buffer_.size() - filled));
        eof = n == 0;
        filled += n;
      }
      const std::string_view data(buffer_.data() + prefix, filled - prefix);
      Cut cut;
      std::string_view lost;  // of a corrupt compressed file
      if (eof) {
        cut.take = data.size();
        if (!reader_.corrupt().empty()) {
          const size_t newline = data.rfind('\n');
          cut.take = newline == std::string_view::npos ? 0 : newline + 1;
          lost = data.substr(cut.take);
        }
      } else {
        cut = FindCut(data, first);
        if (cut.take == 0) {  // no whole record in the block yet: a longer one
          buffer_.resize(buffer_.size() * 2);
          continue;
        }
      }
      const std::string_view block = data.substr(0, cut.take);
      if (!block.empty()) {
        RETURN_NOT_OK(DecodeBlock(file, std::string_view(buffer_.data(), prefix + cut.take),
                                  lines_before - prefix_lines));
      }
      const int64_t newlines = CountNewlines(block);
      newlines_before += newlines;
      lines_before += cut.lines >= 0 ? cut.lines : newlines;
      if (eof) {
        if (!reader_.corrupt().empty()) {
          RETURN_NOT_OK(CorruptFile(file, newlines_before + 1, lost));
        }
        break;
      }
      // Carry the rest to the front, after the header record when it is to be repeated.
      const size_t rest = data.size() - cut.take;
      if (first && csv_header_ && cut.header_end > 0) {
        const std::string header(data.substr(cut.header_start, cut.header_end - cut.header_start));
        std::memmove(buffer_.data() + header.size(), data.data() + cut.take, rest);
        std::memcpy(buffer_.data(), header.data(), header.size());
        prefix = header.size();
        prefix_lines = cut.header_lines;
      } else {
        std::memmove(buffer_.data() + prefix, data.data() + cut.take, rest);
      }
      filled = prefix + rest;
      first = false;
      if (decoder_->num_rows() >= kRowsPerBatch) RETURN_NOT_OK(TakeBatch(out));
    }
    return TakeBatch(out);
  }

  Status TakeBatch(std::vector<Batch>* out) {
    if (decoder_->num_rows() == 0) return Status::OK();
    ASSIGN_OR_RETURN(Batch batch, decoder_->Finish());
    if (batch.num_rows() > 0) out->push_back(std::move(batch));
    return Status::OK();
  }

  /// Where a block is cut: `take` bytes of the data decoded now (0 = none yet).
  struct Cut {
    size_t take = 0;
    int64_t lines = -1;  // the decoder's lines in them, when not their '\n's (CSV)
    // CSV with a header, first block: the header record within the data.
    size_t header_start = 0;
    size_t header_end = 0;
    int64_t header_lines = 0;
  };

  /// The last place in `data` (a file's bytes from a record's start on, more to come) where a
  /// block can end: after a whole record, where the next block will not start with a BOM (a
  /// decoder skips one at the start of its text).
  Cut FindCut(std::string_view data, bool first) const {
    Cut cut;
    if (format_ != DecodeFormat::kCsv) {
      // JSON lines and text: records are lines.
      size_t end = data.size();
      while (end > 0) {
        const void* newline = memrchr(data.data(), '\n', end);
        if (newline == nullptr) break;
        const size_t after =
            static_cast<size_t>(static_cast<const char*>(newline) - data.data()) + 1;
        if (!MayStartWithBom(data.substr(after), true)) {
          cut.take = after;
          break;
        }
        end = after - 1;
      }
      return cut;
    }
    // CSV: quoted fields may hold newlines, so the records are found from the block's start.
    size_t pos = first && StartsWithBom(data) ? 3 : 0;
    bool header_pending = first && csv_header_;
    int64_t lines = 0;
    while (pos < data.size()) {
      const size_t start = pos;
      const CsvUnit unit = ScanCsvUnit(data, pos, csv_syntax_);
      if (!unit.complete) break;
      pos = unit.end;
      lines += unit.lines;
      if (unit.record && header_pending) {
        header_pending = false;
        cut.header_start = start;
        cut.header_end = unit.end;
        cut.header_lines = unit.lines;
      }
      if (!header_pending && !MayStartWithBom(data.substr(pos), true)) {
        cut.take = pos;
        cut.lines = lines;
      }
    }
    return cut;
  }

  /// Decodes `text` (whole records); the decoder's line L is the file's line L + `line_offset`.
  Status DecodeBlock(const ListedFile& file, std::string_view text, int64_t line_offset) {
    Status decoded = decoder_->DecodeText(text);
    std::vector<DecodeIssue> issues = decoder_->TakeIssues();
    for (DecodeIssue& issue : issues) {
      issue.line += line_offset;
      BadRecord bad;
      bad.coordinates = R"("file":)";
      AppendJsonString(bad.coordinates, file.path);
      bad.coordinates += fmt::format(R"(,"line":{})", issue.line);
      bad.reason_kind = std::string(issue.kind);
      bad.reason = issue.reason;
      bad.raw = std::move(issue.raw);
      bad.dropped = issue.dropped;
      bad_records_.push_back(std::move(bad));
    }
    if (!decoded.ok()) {
      if (decoded.code() == StatusCode::kDecode && !bad_records_.empty()) {
        DecodeIssue last;
        last.reason = bad_records_.back().reason;
        return FailFastError(last, fmt::format("file '{}' line {}", file.path,
                                               issues.empty() ? 0 : issues.back().line));
      }
      return decoded;
    }
    return Status::OK();
  }

  /// Quarantines the lost end of a corrupt compressed file (never a row), or stops (FAILFAST):
  /// `line` is where the lost bytes `cut` start.
  Status CorruptFile(const ListedFile& file, int64_t line, std::string_view cut) {
    BadRecord bad;
    bad.coordinates = R"("file":)";
    AppendJsonString(bad.coordinates, file.path);
    bad.coordinates += fmt::format(R"(,"line":{})", line);
    bad.reason_kind = std::string(bad_reason::kCorruptFile);
    bad.reason = fmt::format(
        "corrupt compressed file: {} after {} decompressed bytes; lines from {} on are lost",
        reader_.corrupt(), reader_.produced(), line);
    bad.raw = std::string(cut);
    bad.dropped = true;
    if (mode_ == DecodeMode::kFailFast) {
      DecodeIssue issue;
      issue.reason = bad.reason;
      return FailFastError(issue, fmt::format("file '{}' line {}", file.path, line));
    }
    bad_records_.push_back(std::move(bad));
    return Status::OK();
  }

  SourceContext context_;
  DecodeFormat format_;
  DecodeMode mode_;
  std::unique_ptr<RecordDecoder> decoder_;
  std::string path_;
  int64_t max_files_ = 0;
  bool latest_first_ = false;
  std::string glob_;
  std::string log_dir_;
  std::vector<ListedFile> files_;  // the durable list, in order
  std::set<std::string> known_;
  std::vector<BadRecord> bad_records_;
  size_t block_bytes_ = kDefaultBlockBytes;
  FileReader reader_;
  std::string buffer_;  // the block being decoded (reused across blocks and files)
  bool csv_header_ = false;
  CsvSyntax csv_syntax_;
};

Result<SchemaRef> ResolveFilesSchema(const Schema& declared, const OptionSet& options) {
  RETURN_NOT_OK(CheckDirectory(options.GetString("path")));
  ASSIGN_OR_RETURN(DecodeFormat format, ParseDecodeFormat(options.GetString("format")));
  SchemaRef schema;
  if (declared.num_fields() == 0) {
    if (format != DecodeFormat::kText) {
      return Status::Config(
          "the files source with format '{}' needs declared columns (an explicit schema), e.g. "
          "CREATE SOURCE s (id BIGINT, name STRING) WITH (...)",
          options.GetString("format"));
    }
    schema = std::make_shared<Schema>(std::vector<Field>{{"value", StringType(), true}});
  } else {
    schema = std::make_shared<Schema>(declared);
  }
  ASSIGN_OR_RETURN(DecodeOptions decode, DecodeOptions::FromMap(options.values()));
  RETURN_NOT_OK(MakeDecoder(format, schema, decode).status());  // checks options vs schema
  return schema;
}

Result<std::unique_ptr<Source>> CreateFilesSource(SourceContext context) {
  RETURN_NOT_OK(CheckDirectory(context.options.GetString("path")));
  ASSIGN_OR_RETURN(DecodeFormat format, ParseDecodeFormat(context.options.GetString("format")));
  ASSIGN_OR_RETURN(DecodeOptions decode, DecodeOptions::FromMap(context.options.values()));
  decode.used_columns = context.used_columns;  // projection pushdown
  ASSIGN_OR_RETURN(auto decoder, MakeDecoder(format, context.schema, decode));
  if (context.state_fs == nullptr) return Status::Internal("files source without a state folder");
  auto source =
      std::make_unique<FilesSource>(std::move(context), format, decode.mode, std::move(decoder));
  RETURN_NOT_OK(source->Open());
  return std::unique_ptr<Source>(std::move(source));
}

}  // namespace

void SetFilesSourceBlockBytesForTesting(size_t bytes) { block_bytes_for_testing = bytes; }

void DescribeFilesSource(ConnectorDef* def) {
  std::vector<OptionSpec> specs = {
      {.name = "path",
       .type = OptionType::kString,
       .description = "Directory the input files appear in (read recursively; names starting "
                      "with '.' or '_' are ignored). .gz and .zst files are decompressed.",
       .required = true},
      {.name = "format",
       .type = OptionType::kEnum,
       .default_value = "json",
       .description = "json (one object per line), csv, or text (one STRING column per line).",
       .allowed = {"json", "csv", "text"}},
      {.name = "maxFilesPerTrigger",
       .type = OptionType::kInt,
       .description = "Cap on the new files one micro-batch reads (default: all).",
       .min_value = 1},
      {.name = "latestFirst",
       .type = OptionType::kBool,
       .default_value = "false",
       .description = "Process the newest files first (by modification time) when a listing "
                      "finds several."},
      {.name = "pathGlobFilter",
       .type = OptionType::kString,
       .description = "Only file names matching this glob (e.g. *.json)."},
  };
  for (OptionSpec& spec : DecodeOptionSpecs(/*json=*/true, /*csv=*/true)) {
    specs.push_back(std::move(spec));
  }
  def->source_options = std::move(specs);
  def->resolve_schema = ResolveFilesSchema;
  def->create_source = CreateFilesSource;
}

}  // namespace sluice
