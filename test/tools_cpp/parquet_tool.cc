// Test tool for the DuckDB checks (test/e2e/parquet_duckdb_test.sh):
//   parquet_tool gen SEED ROWS CODEC PAGE_VERSION OUT.parquet   seeded random batch -> Parquet
//   parquet_tool compare SEED ROWS FILE.parquet                  FILE holds the same rows?
//   parquet_tool sorted ROWS ROW_GROUP_BYTES OUT.parquet         id 0..ROWS-1, small row groups
// `compare` reads FILE with our reader (FILE is DuckDB's re-encoding of our file), so a value
// DuckDB read wrongly from our file shows up as a difference.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "columnar/builder.h"
#include "columnar/value.h"
#include "formats/parquet/encodings.h"
#include "formats/parquet/file_writer.h"
#include "formats/parquet/reader.h"
#include "formats/parquet/tests/random_batch.h"

namespace sluice::parquet {
namespace {

int WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  return out ? 0 : 1;
}

int Gen(int argc, char** argv) {
  if (argc != 7) return 2;
  Batch batch = testing::RandomBatch(std::stoull(argv[2]), std::stoll(argv[3]));
  WriterOptions options;
  auto codec = CodecFromName(argv[4]);
  if (!codec.ok()) {
    std::cerr << codec.status().ToString() << "\n";
    return 2;
  }
  options.codec = *codec;
  options.data_page_version = std::stoi(argv[5]);
  options.page_size = 16 << 10;
  auto bytes = WriteParquet(batch, options);
  if (!bytes.ok()) {
    std::cerr << bytes.status().ToString() << "\n";
    return 1;
  }
  return WriteFile(argv[6], *bytes);
}

int Compare(int argc, char** argv) {
  if (argc != 5) return 2;
  Batch expected = testing::RandomBatch(std::stoull(argv[2]), std::stoll(argv[3]));
  auto reader = ParquetFileReader::OpenPath(argv[4]);
  if (!reader.ok()) {
    std::cerr << reader.status().ToString() << "\n";
    return 1;
  }
  auto actual = (*reader)->ReadAll();
  if (!actual.ok()) {
    std::cerr << actual.status().ToString() << "\n";
    return 1;
  }
  const std::string want = BatchToRowsText(expected);
  const std::string got = BatchToRowsText(*actual);
  if (want == got) {
    std::cout << "OK " << expected.num_rows() << " rows\n";
    return 0;
  }
  size_t line_start = 0;
  for (size_t i = 0; i < std::min(want.size(), got.size()); ++i) {
    if (want[i] != got[i]) break;
    if (want[i] == '\n') line_start = i + 1;
  }
  std::cerr << "first difference:\n want: "
            << want.substr(line_start, want.find('\n', line_start) - line_start)
            << "\n  got: " << got.substr(line_start, got.find('\n', line_start) - line_start)
            << "\n";
  return 1;
}

int Sorted(int argc, char** argv) {
  if (argc != 5) return 2;
  const int64_t rows = std::stoll(argv[2]);
  auto schema = std::make_shared<Schema>(
      std::vector<Field>{{"id", Int64Type(), false}, {"payload", StringType()}});
  Int64Builder ids(Int64Type());
  StringBuilder payload;
  for (int64_t row = 0; row < rows; ++row) {
    ids.Append(row);
    payload.Append("p" + std::to_string(row * 7919 % 100003));
  }
  auto batch = Batch::Make(schema, {ids.Finish(), payload.Finish()}, rows);
  WriterOptions options;
  options.row_group_size = std::stoll(argv[3]);
  auto bytes = WriteParquet(*batch, options);
  if (!bytes.ok()) return 1;
  return WriteFile(argv[4], *bytes);
}

}  // namespace
}  // namespace sluice::parquet

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  int status = 2;
  if (command == "gen") status = sluice::parquet::Gen(argc, argv);
  if (command == "compare") status = sluice::parquet::Compare(argc, argv);
  if (command == "sorted") status = sluice::parquet::Sorted(argc, argv);
  if (status == 2) std::cerr << "usage: see the comment at the top of parquet_tool.cc\n";
  return status;
}
