// One leaf column of the row group being written: levels and values go into pages (PLAIN or
// RLE_DICTIONARY, with fallback to PLAIN once the dictionary outgrows its limit), pages are
// compressed as they close, and the column chunk (dictionary page first) is handed to the file
// writer when the row group closes. Statistics follow the spec's type-defined order.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/parquet/encodings.h"
#include "formats/parquet/levels.h"
#include "formats/parquet/metadata.h"
#include "formats/parquet/schema.h"

namespace sluice::parquet {

/// Writer settings (the files sink maps its options onto these).
struct WriterOptions {
  Codec codec = Codec::kSnappy;
  int compression_level = 0;               // zstd 1..22 (default 3), gzip 1..12 (default 6)
  int64_t row_group_size = 128 << 20;      // bytes buffered before a row group is closed
  int64_t page_size = 1 << 20;             // uncompressed bytes per data page
  int64_t dictionary_page_size = 1 << 20;  // dictionary bytes before falling back to PLAIN
  bool dictionary = true;
  int data_page_version = 1;         // 1 or 2
  int64_t max_statistics_size = 64;  // longer byte-array min/max are truncated
  // Threads encoding a file's columns: the writing thread plus encode_threads - 1 helpers from a
  // process-wide pool (parallel.h), at most kMaxEncodeThreads. The bytes written are the same
  // for every value.
  int encode_threads = 1;
};

/// Receives the bytes of a finished column chunk, in file order.
using ChunkSink = std::function<Status(std::string_view bytes)>;

/// Pages of the open column chunk, in blocks that are appended to and never moved (a growing
/// string would copy the chunk again at every doubling).
class ChunkBuffer {
 public:
  void Append(std::string_view bytes);
  int64_t size() const { return size_; }
  /// Hands the blocks to `sink` in order.
  Status WriteTo(const ChunkSink& sink) const;
  /// Empties the buffer and frees its memory.
  void Release();

 private:
  std::vector<ByteBuffer> blocks_;
  int64_t size_ = 0;
};

class ColumnWriter {
 public:
  ColumnWriter(const LeafColumn& leaf, const WriterOptions& options);

  /// Appends the levels and values of a run of rows.
  Status Write(const LeafLevels& levels);
  /// Bytes held for the open row group (compressed pages, the open page, the dictionary), with
  /// the open page counted at its encoded size: what the row group adds to the file.
  int64_t buffered_bytes() const;
  /// Memory held for the open row group: the same, with the open page's buffers at their size in
  /// memory (a dictionary index takes 4 bytes until the page is bit-packed), and the dictionary's
  /// table. What memory budgets count; 0 once the row group is written.
  int64_t memory_bytes() const;
  /// The CPU-heavy half of closing the chunk, which needs no file offset: closes the open page
  /// and compresses the dictionary page (held until FinishChunk). Columns may prepare in
  /// parallel (no shared state but per-thread scratch); FinishChunk calls it if nobody did.
  Status PrepareChunk();
  /// Closes the chunk: its pages (dictionary page first) go to `sink`, `meta` receives its
  /// metadata with offsets starting at `file_offset`. The writer then frees the chunk's memory
  /// and is ready for the next row group.
  Status FinishChunk(int64_t file_offset, const ChunkSink& sink, ColumnChunk* meta);

 private:
  /// One slot of the dictionary's open-addressing table. Fixed-width values: `key` is the
  /// value's bits; byte arrays: `key` is the hash, the bytes are compared on a match.
  struct Slot {
    uint64_t key;
    int32_t entry;    // -1: empty
    uint32_t offset;  // byte arrays: the entry's bytes in dictionary_plain_ (no lookup in strings_)
  };
  /// A byte-array dictionary entry: its bytes in dictionary_plain_ (after the length prefix).
  struct StringEntry {
    uint32_t offset;
    uint32_t length;
  };

  template <typename T>
  void AppendFixed(const LeafLevels& levels, int64_t value_begin, int64_t value_end);
  void AppendStrings(const LeafLevels& levels, int64_t value_begin, int64_t value_end);
  void AppendBools(const LeafLevels& levels, int64_t value_begin, int64_t value_end);
  // Dictionary lookups: the hit path inline in the loops, adding an entry out of line.
  template <typename T>
  uint32_t FixedEntry(T value);
  template <typename T>
  uint32_t AddFixedEntry(T value, uint64_t key, size_t slot);
  uint32_t StringEntryOf(std::string_view value);
  uint32_t AddStringEntry(std::string_view value, uint64_t hash, size_t slot);
  void GrowTable();
  void AppendDefLevels(const int16_t* def, int64_t count, bool all_max);
  template <typename T>
  void UpdateFixedStats(T min, T max);
  void UpdateStringStats(std::string_view value);
  int64_t PageEstimate() const;
  Status FallBackToPlain();
  Status FlushPage();
  Status AppendPage(const PageHeader& header, std::string_view first, std::string_view second);
  void ResetDictionary();
  Statistics MakeStatistics() const;

  const LeafColumn& leaf_;
  WriterOptions options_;
  Compressor compressor_;
  int value_width_ = 0;  // PLAIN bytes of a fixed-width value

  // The open page.
  std::vector<int16_t> page_def_;  // empty while every level of the page is max_def
  bool page_def_all_max_ = true;
  std::vector<int16_t> page_rep_;
  ByteBuffer page_plain_;             // PLAIN values
  PodVector<uint32_t> page_indices_;  // dictionary indices
  std::vector<uint8_t> page_bools_;
  int64_t page_levels_ = 0;
  int64_t page_values_ = 0;
  int64_t page_rows_ = 0;
  int64_t page_plain_equivalent_ = 0;  // PLAIN bytes of the page's dictionary-encoded values

  // Dictionary of the chunk.
  bool dictionary_mode_ = false;      // new values are dictionary-encoded
  bool dictionary_used_ = false;      // some page of the chunk is dictionary-encoded
  bool cardinality_checked_ = false;  // the early high-cardinality check ran
  ByteBuffer dictionary_plain_;       // PLAIN-encoded entries
  std::vector<StringEntry> strings_;  // byte arrays: where each entry's bytes are
  std::vector<Slot> table_;           // open addressing, power-of-two size
  int64_t dictionary_count_ = 0;
  int64_t dictionary_values_ = 0;  // values dictionary-encoded in the chunk

  // Statistics of the chunk.
  bool has_min_max_ = false;
  int64_t min_int_ = 0, max_int_ = 0;
  double min_double_ = 0, max_double_ = 0;
  std::string min_string_, max_string_;
  uint64_t min_prefix_ = 0, max_prefix_ = 0;  // first 8 bytes of min/max, big-endian
  int64_t null_count_ = 0;

  // The chunk so far.
  ChunkBuffer chunk_;
  ByteBuffer dictionary_compressed_;  // from PrepareChunk until FinishChunk
  bool prepared_ = false;             // PrepareChunk ran: no more values until FinishChunk
  int64_t chunk_levels_ = 0;
  int64_t chunk_uncompressed_ = 0;
  int32_t data_pages_plain_ = 0;
  int32_t data_pages_dictionary_ = 0;
};

}  // namespace sluice::parquet
