// ParquetFileReader: reads the files ParquetFileWriter produces (and plain files of the same
// shapes from other writers: PLAIN / dictionary pages, v1 and v2 data pages, every codec we
// write). Every length and offset is checked against the file, so a truncated or corrupt file is
// a Decode error, never a crash.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "columnar/batch.h"
#include "formats/parquet/metadata.h"
#include "formats/parquet/schema.h"

namespace sluice::parquet {

class ParquetFileReader {
 public:
  /// Parses and checks the footer of `file` (the whole file, owned by the reader).
  static Result<std::unique_ptr<ParquetFileReader>> Open(std::string file);
  /// Reads a file from the local disk.
  static Result<std::unique_ptr<ParquetFileReader>> OpenPath(const std::string& path);

  const FileMetaData& metadata() const { return metadata_; }
  const ParquetSchema& parquet_schema() const { return *schema_; }
  const SchemaRef& schema() const { return schema_->schema(); }
  int64_t file_size() const { return static_cast<int64_t>(file_.size()); }
  int num_row_groups() const { return static_cast<int>(metadata_.row_groups.size()); }

  /// Decodes one row group into a batch.
  Result<Batch> ReadRowGroup(int index) const;
  /// Decodes every row group into one batch.
  Result<Batch> ReadAll() const;

 private:
  ParquetFileReader() = default;
  Status Validate();

  std::string file_;
  FileMetaData metadata_;
  std::shared_ptr<const ParquetSchema> schema_;
};

}  // namespace sluice::parquet
