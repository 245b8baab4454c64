// libFuzzer target: any bytes as a Parquet file (footer, schema, page headers, pages) and as a
// bare footer and page header. Every input must end in a value or an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/parquet/metadata.h"
#include "formats/parquet/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice::parquet;  // NOLINT(google-build-using-namespace)
  const auto length = static_cast<int64_t>(size);
  (void)ParseFileMetaData(data, length);
  int64_t header_size = 0;
  (void)ParsePageHeader(data, length, &header_size);
  auto reader = ParquetFileReader::Open(std::string(reinterpret_cast<const char*>(data), size));
  if (reader.ok()) {
    for (int group = 0; group < (*reader)->num_row_groups(); ++group) {
      (void)(*reader)->ReadRowGroup(group);
    }
  }
  return 0;
}
