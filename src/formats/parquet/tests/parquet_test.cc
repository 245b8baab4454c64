// Parquet writer and reader: encodings, footer, statistics, bounds, memory budget, round trips
// of seeded random batches of every type, and every prefix of a file read without a crash.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "columnar/builder.h"
#include "columnar/value.h"
#include "formats/parquet/encodings.h"
#include "formats/parquet/file_writer.h"
#include "formats/parquet/reader.h"
#include "formats/parquet/tests/random_batch.h"
#include "formats/parquet/thrift_compact.h"
#include "testing/gtest_util.h"

namespace sluice::parquet {
namespace {

using testing::RandomBatch;

TEST(ParquetRle, RoundTripsRunsAndLiterals) {
  std::vector<uint32_t> values;
  for (int i = 0; i < 5; ++i) values.push_back(static_cast<uint32_t>(i));
  for (int i = 0; i < 20; ++i) values.push_back(3);
  for (int i = 0; i < 13; ++i) values.push_back(static_cast<uint32_t>(i % 7));
  std::string encoded;
  EncodeRleHybrid(values.data(), static_cast<int64_t>(values.size()), 3, &encoded);
  std::vector<uint32_t> decoded(values.size());
  RleDecoder decoder(reinterpret_cast<const uint8_t*>(encoded.data()),
                     static_cast<int64_t>(encoded.size()), 3);
  ASSERT_OK(decoder.Decode(decoded.data(), static_cast<int64_t>(decoded.size()), 7));
  EXPECT_EQ(decoded, values);
}

TEST(ParquetRle, ExactBytesOfARun) {
  std::vector<uint32_t> values(100, 1);
  std::string encoded;
  EncodeRleHybrid(values.data(), 100, 1, &encoded);
  // header varint(100 << 1) = 0xC8 0x01, value 1 in one byte.
  EXPECT_EQ(encoded, std::string("\xC8\x01\x01", 3));
  std::vector<uint32_t> literal = {1, 0, 1};
  encoded.clear();
  EncodeRleHybrid(literal.data(), 3, 1, &encoded);
  EXPECT_EQ(encoded, std::string("\x03\x05", 2));  // one group of 8, bits 101
}

TEST(ParquetRle, CorruptInputIsAnError) {
  const uint8_t bytes[] = {0x03};
  uint32_t out[8];
  RleDecoder decoder(bytes, 1, 3);
  EXPECT_FALSE(decoder.Decode(out, 8, 7).ok());
  const uint8_t runs[] = {0x10, 0x09};  // value 9 > max 7
  RleDecoder bad(runs, 2, 4);
  EXPECT_FALSE(bad.Decode(out, 8, 7).ok());
}

TEST(ParquetThrift, CompactFieldHeadersAndLists) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.FieldI32(1, 5);    // delta 1, type i32 -> 0x15, zigzag 10
  w.FieldI64(20, -1);  // delta 19 > 15: long form 0x06, zigzag id 40, value zigzag 1
  w.FieldListBegin(21, ThriftType::kBinary, 1);
  w.ElementBinary("ab");
  w.EndStruct();
  EXPECT_EQ(out, std::string("\x15\x0A\x06\x28\x01\x19\x18\x02"
                             "ab\x00",
                             11));
}

Batch FlatBatch() {
  auto schema = std::make_shared<Schema>(std::vector<Field>{
      {"id", Int64Type(), false}, {"name", StringType()}, {"score", DoubleType()}});
  auto batch = Batch::Make(
      schema,
      {MakeColumn(Int64Type(), {Value::Int64(3), Value::Int64(1), Value::Int64(2)}),
       MakeColumn(StringType(), {Value::String("b"), Value(StringType()), Value::String("é")}),
       MakeColumn(DoubleType(), {Value::Double(-0.0), Value::Double(NAN), Value::Double(2.5)})},
      3);
  return std::move(batch).ValueOrDie();
}

TEST(ParquetWriter, FooterSchemaStatisticsAndMetadata) {
  WriterOptions options;
  options.codec = Codec::kUncompressed;
  ASSERT_OK_AND_ASSIGN(std::string file, WriteParquet(FlatBatch(), options));
  EXPECT_EQ(file.substr(0, 4), "PAR1");
  EXPECT_EQ(file.substr(file.size() - 4), "PAR1");
  ASSERT_OK_AND_ASSIGN(auto reader, ParquetFileReader::Open(file));
  const FileMetaData& meta = reader->metadata();
  EXPECT_EQ(meta.num_rows, 3);
  EXPECT_EQ(*meta.created_by, CreatedBy());
  ASSERT_EQ(meta.key_value_metadata.size(), 1u);
  EXPECT_EQ(meta.key_value_metadata[0].key, "sluice.schema");
  EXPECT_EQ(*meta.key_value_metadata[0].value, "id BIGINT NOT NULL, name STRING, score DOUBLE");
  ASSERT_EQ(meta.schema.size(), 4u);
  EXPECT_EQ(meta.schema[1].repetition, Repetition::kRequired);
  EXPECT_EQ(meta.schema[2].logical_type.kind, LogicalType::kString);
  ASSERT_EQ(meta.row_groups.size(), 1u);
  const auto& id_stats = meta.row_groups[0].columns[0].meta_data.statistics;
  int64_t min = 0;
  int64_t max = 0;
  std::memcpy(&min, id_stats.min_value->data(), 8);
  std::memcpy(&max, id_stats.max_value->data(), 8);
  EXPECT_EQ(min, 1);
  EXPECT_EQ(max, 3);
  EXPECT_EQ(*id_stats.null_count, 0);
  const auto& name_stats = meta.row_groups[0].columns[1].meta_data.statistics;
  EXPECT_EQ(*name_stats.min_value, "b");
  EXPECT_EQ(*name_stats.max_value, "é");  // unsigned byte order: 0xC3 > 'b'
  EXPECT_EQ(*name_stats.null_count, 1);
  const auto& score_stats = meta.row_groups[0].columns[2].meta_data.statistics;
  double dmin = 0;
  double dmax = 0;
  std::memcpy(&dmin, score_stats.min_value->data(), 8);
  std::memcpy(&dmax, score_stats.max_value->data(), 8);
  EXPECT_TRUE(std::signbit(dmin) && dmin == 0);  // NaN ignored, zero min is -0.0
  EXPECT_EQ(dmax, 2.5);
  ASSERT_OK_AND_ASSIGN(Batch back, reader->ReadAll());
  EXPECT_EQ(BatchToRowsText(back), "3|b|-0.0\n1|NULL|NaN\n2|é|2.5\n");
}

TEST(ParquetWriter, NullInNotNullColumnIsAnError) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"id", Int64Type(), false}});
  auto batch = Batch::Make(schema, {MakeColumn(Int64Type(), {Value(Int64Type())})}, 1);
  ASSERT_OK(batch.status());
  ASSERT_RAISES(kDecode, "NOT NULL column 'id'", WriteParquet(*batch, WriterOptions()));
}

TEST(ParquetWriter, LongStringStatisticsAreTruncatedBounds) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"s", StringType()}});
  std::string low(100, 'a');
  std::string high(100, 'y');
  auto batch =
      Batch::Make(schema, {MakeColumn(StringType(), {Value::String(low), Value::String(high)})}, 2);
  WriterOptions options;
  ASSERT_OK_AND_ASSIGN(std::string file, WriteParquet(*batch, options));
  ASSERT_OK_AND_ASSIGN(auto reader, ParquetFileReader::Open(file));
  const auto& stats = reader->metadata().row_groups[0].columns[0].meta_data.statistics;
  EXPECT_EQ(*stats.min_value, std::string(64, 'a'));
  EXPECT_EQ(*stats.max_value, std::string(63, 'y') + "z");
  EXPECT_EQ(stats.is_max_value_exact, false);
}

TEST(ParquetWriter, DictionaryFallsBackToPlain) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"s", StringType()}});
  StringBuilder builder;
  for (int i = 0; i < 20000; ++i) builder.Append("value-" + std::to_string(i));
  auto batch = Batch::Make(schema, {builder.Finish()}, 20000);
  WriterOptions options;
  options.dictionary_page_size = 16 << 10;
  options.page_size = 8 << 10;
  ASSERT_OK_AND_ASSIGN(std::string file, WriteParquet(*batch, options));
  ASSERT_OK_AND_ASSIGN(auto reader, ParquetFileReader::Open(file));
  const auto& meta = reader->metadata().row_groups[0].columns[0].meta_data;
  ASSERT_EQ(meta.encoding_stats.size(), 3u);
  EXPECT_EQ(meta.encoding_stats[0].page_type, PageType::kDictionaryPage);
  EXPECT_EQ(meta.encoding_stats[1].encoding, Encoding::kRleDictionary);
  EXPECT_EQ(meta.encoding_stats[2].encoding, Encoding::kPlain);
  EXPECT_GT(meta.encoding_stats[2].count, 1);  // pages bounded by page_size
  EXPECT_TRUE(meta.dictionary_page_offset.has_value());
  ASSERT_OK_AND_ASSIGN(Batch back, reader->ReadAll());
  EXPECT_EQ(BatchToRowsText(back), BatchToRowsText(*batch));
}

TEST(ParquetWriter, RowGroupsBoundedByBytes) {
  Batch batch = RandomBatch(7, 20000);
  WriterOptions options;
  options.row_group_size = 256 << 10;
  ASSERT_OK_AND_ASSIGN(std::string file, WriteParquet(batch, options));
  ASSERT_OK_AND_ASSIGN(auto reader, ParquetFileReader::Open(file));
  EXPECT_GT(reader->num_row_groups(), 2);
  for (const auto& group : reader->metadata().row_groups) {
    EXPECT_LT(group.total_byte_size, 2 * options.row_group_size);
  }
  ASSERT_OK_AND_ASSIGN(Batch back, reader->ReadAll());
  EXPECT_EQ(BatchToRowsText(back), BatchToRowsText(batch));
}

TEST(ParquetWriter, IdenticalInputGivesIdenticalBytes) {
  Batch batch = RandomBatch(3, 3000);
  ASSERT_OK_AND_ASSIGN(std::string first, WriteParquet(batch, WriterOptions()));
  ASSERT_OK_AND_ASSIGN(std::string second, WriteParquet(RandomBatch(3, 3000), WriterOptions()));
  EXPECT_EQ(first, second);
}

struct RoundTripCase {
  Codec codec;
  int page_version;
  bool dictionary;
};

class ParquetRoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(ParquetRoundTrip, RandomBatchesOfEveryType) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    Batch batch = RandomBatch(seed, 1500 * static_cast<int64_t>(seed));
    WriterOptions options;
    options.codec = GetParam().codec;
    options.data_page_version = GetParam().page_version;
    options.dictionary = GetParam().dictionary;
    options.page_size = 4 << 10;  // many pages
    ASSERT_OK_AND_ASSIGN(std::string file, WriteParquet(batch, options));
    ASSERT_OK_AND_ASSIGN(auto reader, ParquetFileReader::Open(file));
    EXPECT_TRUE(reader->schema()->Equals(*batch.schema()));
    ASSERT_OK_AND_ASSIGN(Batch back, reader->ReadAll());
    ASSERT_EQ(BatchToRowsText(back), BatchToRowsText(batch)) << "seed " << seed;
    EXPECT_EQ(reader->metadata().row_groups[0].columns[0].meta_data.codec, options.codec);
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, ParquetRoundTrip,
                         ::testing::Values(RoundTripCase{Codec::kUncompressed, 1, true},
                                           RoundTripCase{Codec::kSnappy, 1, true},
                                           RoundTripCase{Codec::kZstd, 1, true},
                                           RoundTripCase{Codec::kGzip, 1, true},
                                           RoundTripCase{Codec::kLz4Raw, 1, true},
                                           RoundTripCase{Codec::kSnappy, 2, true},
                                           RoundTripCase{Codec::kUncompressed, 2, false},
                                           RoundTripCase{Codec::kZstd, 1, false}));

TEST(ParquetRoundTrip, EmptyAndSlicedBatches) {
  Batch batch = RandomBatch(9, 100);
  ASSERT_OK_AND_ASSIGN(std::string file, WriteParquet(batch.Slice(37, 41), WriterOptions()));
  ASSERT_OK_AND_ASSIGN(auto reader, ParquetFileReader::Open(file));
  ASSERT_OK_AND_ASSIGN(Batch back, reader->ReadAll());
  EXPECT_EQ(BatchToRowsText(back), BatchToRowsText(batch.Slice(37, 41)));
  ASSERT_OK_AND_ASSIGN(std::string empty, WriteParquet(batch.Slice(0, 0), WriterOptions()));
  ASSERT_OK_AND_ASSIGN(auto empty_reader, ParquetFileReader::Open(empty));
  EXPECT_EQ(empty_reader->num_row_groups(), 0);
  ASSERT_OK_AND_ASSIGN(Batch none, empty_reader->ReadAll());
  EXPECT_EQ(none.num_rows(), 0);
}

TEST(ParquetReader, EveryPrefixAndCorruptionIsAnErrorNotACrash) {
  WriterOptions options;
  options.page_size = 512;
  ASSERT_OK_AND_ASSIGN(std::string file, WriteParquet(RandomBatch(5, 60), options));
  for (size_t length = 0; length < file.size(); ++length) {
    auto reader = ParquetFileReader::Open(file.substr(0, length));
    if (reader.ok()) (void)(*reader)->ReadAll();  // never crashes; usually an error
    EXPECT_FALSE(reader.ok() && length + 1 < file.size() && length < 12) << length;
  }
  // A prefix with a valid-looking tail: the footer copied after a cut file.
  testing::Random random(1);
  for (int trial = 0; trial < 3000; ++trial) {
    std::string corrupt = file;
    for (int flips = 0; flips < 3; ++flips) {
      corrupt[static_cast<size_t>(random.Uniform(static_cast<int64_t>(corrupt.size())))] =
          static_cast<char>(random.Uniform(256));
    }
    auto reader = ParquetFileReader::Open(corrupt);
    if (reader.ok()) (void)(*reader)->ReadAll();
  }
}

TEST(ParquetMemoryBudget, LargestWriterFlushesItsRowGroup) {
  MemoryBudget budget(200 << 10);
  std::string big_bytes;
  std::string small_bytes;
  StringOutputStream big_out(&big_bytes);
  StringOutputStream small_out(&small_bytes);
  Batch batch = RandomBatch(11, 4000);
  WriterOptions options;
  options.row_group_size = 64 << 20;  // never reached: only the budget flushes
  ASSERT_OK_AND_ASSIGN(auto big,
                       ParquetFileWriter::Open(batch.schema(), options, &big_out, &budget));
  ASSERT_OK_AND_ASSIGN(auto small,
                       ParquetFileWriter::Open(batch.schema(), options, &small_out, &budget));
  ASSERT_OK(small->Write(batch.Slice(0, 100)));
  for (int i = 0; i < 4; ++i) {
    ASSERT_OK(big->Write(batch));
    EXPECT_LE(budget.buffered_bytes(), budget.limit());
  }
  EXPECT_GT(budget.forced_flushes(), 0);
  EXPECT_GT(big->num_row_groups(), 0);
  EXPECT_EQ(small->num_row_groups(), 0);  // the small writer keeps its rows
  ASSERT_OK(big->Close());
  ASSERT_OK(small->Close());
  ASSERT_OK_AND_ASSIGN(auto reader, ParquetFileReader::Open(big_bytes));
  EXPECT_EQ(reader->metadata().num_rows, 16000);
}

}  // namespace
}  // namespace sluice::parquet
