// One leaf column of the row group being written: levels and values go into pages (PLAIN or
// RLE_DICTIONARY, with fallback to PLAIN once the dictionary outgrows its limit), pages are
// compressed as they close, and the column chunk (dictionary page first) is handed to the file
// writer when the row group closes. Statistics follow the spec's type-defined order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formats/parquet/encodings.h"
#include "formats/parquet/levels.h"
#include "formats/parquet/metadata.h"
#include "formats/parquet/schema.h"

namespace sluice::parquet {

/// Writer settings (the files sink maps its options onto these).
struct WriterOptions {
  Codec codec = Codec::kSnappy;
  int compression_level = 0;               // zstd 1..22 (default 3), gzip 1..9 (default 6)
  int64_t row_group_size = 128 << 20;      // bytes buffered before a row group is closed
  int64_t page_size = 1 << 20;             // uncompressed bytes per data page
  int64_t dictionary_page_size = 1 << 20;  // dictionary bytes before falling back to PLAIN
  bool dictionary = true;
  int data_page_version = 1;         // 1 or 2
  int64_t max_statistics_size = 64;  // longer byte-array min/max are truncated
};

/// The bytes of one finished column chunk: optional dictionary page, then the data pages.
struct ChunkBytes {
  std::string dictionary_page;
  std::string data_pages;
};

class ColumnWriter {
 public:
  ColumnWriter(const LeafColumn& leaf, const WriterOptions& options);

  /// Appends the levels and values of a run of rows.
  Status Write(const LeafLevels& levels);
  /// Bytes held for the open row group (compressed pages, the open page, the dictionary).
  int64_t buffered_bytes() const;
  /// Closes the chunk: `bytes` receives its pages, `meta` its metadata with offsets starting at
  /// `file_offset`. The writer is then ready for the next row group.
  Status FinishChunk(int64_t file_offset, ChunkBytes* bytes, ColumnChunk* meta);

 private:
  template <typename T>
  void AppendFixed(const LeafLevels& levels, int64_t value_begin, int64_t value_end);
  void AppendStrings(const LeafLevels& levels, int64_t value_begin, int64_t value_end);
  void AppendBools(const LeafLevels& levels, int64_t value_begin, int64_t value_end);
  int64_t PageEstimate() const;
  Status FlushPage();
  Status WritePage(const PageHeader& header, std::string_view body);
  void ResetDictionary();
  void GrowTable();
  void UpdateStringStats(std::string_view value);
  Statistics MakeStatistics() const;

  const LeafColumn& leaf_;
  WriterOptions options_;
  Compressor compressor_;

  // The open page.
  std::vector<int16_t> page_def_;
  std::vector<int16_t> page_rep_;
  std::string page_plain_;
  std::vector<uint32_t> page_indices_;
  std::vector<uint8_t> page_bools_;
  int64_t page_levels_ = 0;
  int64_t page_values_ = 0;
  int64_t page_rows_ = 0;

  // Dictionary of the chunk.
  bool dictionary_mode_ = false;              // new values are dictionary-encoded
  bool dictionary_used_ = false;              // some page of the chunk is dictionary-encoded
  std::string dictionary_plain_;              // PLAIN-encoded entries
  std::vector<uint64_t> dictionary_keys_;     // fixed width: value bits per entry
  std::vector<uint32_t> dictionary_offsets_;  // byte arrays: entry offset in dictionary_plain_
  std::vector<int32_t> table_;                // open addressing: entry index or -1
  int64_t dictionary_count_ = 0;

  // Statistics of the chunk.
  bool has_min_max_ = false;
  int64_t min_int_ = 0, max_int_ = 0;
  double min_double_ = 0, max_double_ = 0;
  std::string min_string_, max_string_;
  int64_t null_count_ = 0;

  // The chunk so far.
  std::string chunk_;
  int64_t chunk_levels_ = 0;
  int64_t chunk_uncompressed_ = 0;
  int32_t data_pages_plain_ = 0;
  int32_t data_pages_dictionary_ = 0;

  // Scratch.
  std::string body_;
  std::string compressed_;
  std::string header_;
};

}  // namespace sluice::parquet
