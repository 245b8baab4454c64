// Parquet writer and reader: encodings, footer, statistics, bounds, memory budget, round trips
// of seeded random batches of every type, and every prefix of a file read without a crash.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <thread>

#include "columnar/builder.h"
#include "columnar/value.h"
#include "formats/parquet/encodings.h"
#include "formats/parquet/file_writer.h"
#include "formats/parquet/parallel.h"
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

TEST(ParquetRle, RandomRunsAndLiteralsOfEveryWidth) {
  testing::Random random(17);
  for (int width = 0; width <= 24; ++width) {
    const uint32_t max_value = width == 0 ? 0 : static_cast<uint32_t>((uint64_t{1} << width) - 1);
    for (int trial = 0; trial < 20; ++trial) {
      // Runs of every length (including 7, 8 and 9, unaligned to groups of 8) between literals.
      std::vector<uint32_t> values;
      const int64_t count = random.Uniform(3000);
      while (static_cast<int64_t>(values.size()) < count) {
        const auto value = static_cast<uint32_t>(random.Next() & max_value);
        const int64_t run = random.Chance(30) ? 1 + random.Uniform(40) : 1;
        values.insert(values.end(), static_cast<size_t>(run), value);
      }
      values.resize(static_cast<size_t>(count));
      std::string encoded;
      EncodeRleHybrid(values.data(), count, width, &encoded);
      std::vector<uint32_t> decoded(values.size());
      RleDecoder decoder(reinterpret_cast<const uint8_t*>(encoded.data()),
                         static_cast<int64_t>(encoded.size()), width);
      ASSERT_OK(decoder.Decode(decoded.data(), count, max_value));
      ASSERT_EQ(decoded, values) << "width " << width << " trial " << trial;
      if (width <= 15) {  // the same through the int16 level encoder
        std::vector<int16_t> levels(values.begin(), values.end());
        ByteBuffer level_bytes;
        EncodeLevels(levels.data(), count, width, &level_bytes);
        EXPECT_EQ(level_bytes.view(), encoded) << "width " << width;
      }
    }
  }
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
  // Repeated values first: dictionary-encoded pages are written, then unique values overflow the
  // dictionary and the rest of the chunk is PLAIN, the dictionary kept for the first pages.
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"s", StringType()}});
  StringBuilder builder;
  for (int i = 0; i < 20000; ++i) builder.Append("common-" + std::to_string(i % 10));
  for (int i = 0; i < 20000; ++i) builder.Append("value-" + std::to_string(i));
  auto batch = Batch::Make(schema, {builder.Finish()}, 40000);
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
  EXPECT_EQ(*meta.statistics.min_value, "common-0");
  EXPECT_EQ(*meta.statistics.max_value, "value-9999");
  ASSERT_OK_AND_ASSIGN(Batch back, reader->ReadAll());
  EXPECT_EQ(BatchToRowsText(back), BatchToRowsText(*batch));
}

TEST(ParquetWriter, HighCardinalityColumnsArePlainWithoutDictionary) {
  // Unique strings and integers are detected early (most values distinct): the open page is
  // re-encoded as PLAIN and no dictionary page is written. A low-cardinality column beside them
  // keeps its dictionary.
  auto schema = std::make_shared<Schema>(std::vector<Field>{
      {"id", StringType()}, {"n", Int64Type()}, {"d", DoubleType()}, {"cat", StringType()}});
  StringBuilder ids;
  StringBuilder cats;
  Int64Builder numbers(Int64Type());
  DoubleBuilder doubles(DoubleType());
  constexpr int kRows = 100000;
  std::string min_id = "~";
  std::string max_id;
  int64_t nulls = 0;
  for (int i = 0; i < kRows; ++i) {
    if (i % 97 == 5) {
      ids.AppendNull();
      ++nulls;
    } else {
      const std::string id = "id-" + std::to_string(int64_t{i} * 7919 % kRows);
      min_id = std::min(min_id, id);
      max_id = std::max(max_id, id);
      ids.Append(id);
    }
    numbers.Append(int64_t{1} + (int64_t{i} * 7919) % kRows);
    doubles.Append(i == 3 ? NAN : static_cast<double>(i) / 4);
    cats.Append(i % 3 == 0 ? "x" : "y");
  }
  auto batch =
      Batch::Make(schema, {ids.Finish(), numbers.Finish(), doubles.Finish(), cats.Finish()}, kRows);
  WriterOptions options;
  options.codec = Codec::kZstd;
  ASSERT_OK_AND_ASSIGN(std::string file, WriteParquet(*batch, options));
  ASSERT_OK_AND_ASSIGN(auto reader, ParquetFileReader::Open(file));
  ASSERT_EQ(reader->num_row_groups(), 1);
  const auto& columns = reader->metadata().row_groups[0].columns;
  for (size_t column = 0; column < 3; ++column) {
    const auto& meta = columns[column].meta_data;
    EXPECT_FALSE(meta.dictionary_page_offset.has_value()) << column;
    ASSERT_EQ(meta.encoding_stats.size(), 1u) << column;
    EXPECT_EQ(meta.encoding_stats[0].encoding, Encoding::kPlain) << column;
  }
  EXPECT_TRUE(columns[3].meta_data.dictionary_page_offset.has_value());
  // Statistics span the values of the re-encoded page and of the PLAIN pages after it.
  EXPECT_EQ(*columns[0].meta_data.statistics.min_value, min_id);
  EXPECT_EQ(*columns[0].meta_data.statistics.max_value, max_id);
  EXPECT_EQ(*columns[0].meta_data.statistics.null_count, nulls);
  int64_t min = 0;
  int64_t max = 0;
  std::memcpy(&min, columns[1].meta_data.statistics.min_value->data(), 8);
  std::memcpy(&max, columns[1].meta_data.statistics.max_value->data(), 8);
  EXPECT_EQ(min, 1);
  EXPECT_EQ(max, kRows);
  double dmin = 1;
  double dmax = 0;
  std::memcpy(&dmin, columns[2].meta_data.statistics.min_value->data(), 8);
  std::memcpy(&dmax, columns[2].meta_data.statistics.max_value->data(), 8);
  EXPECT_TRUE(dmin == 0 && std::signbit(dmin));
  EXPECT_EQ(dmax, (kRows - 1) / 4.0);
  ASSERT_OK_AND_ASSIGN(Batch back, reader->ReadAll());
  EXPECT_EQ(BatchToRowsText(back), BatchToRowsText(*batch));
}

TEST(ParquetWriter, DictionaryKeysOfEveryLength) {
  // Keys of length 0..40 sharing prefixes and suffixes, with zero bytes: the hash and the inline
  // comparison of short keys must keep them apart.
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"s", StringType()}});
  StringBuilder builder;
  int64_t rows = 0;
  for (int round = 0; round < 3; ++round) {
    for (int length = 0; length <= 40; ++length) {
      for (int variant = 0; variant < 4; ++variant) {
        std::string key(static_cast<size_t>(length), 'k');
        if (length > 0) key[static_cast<size_t>(variant) % key.size()] = static_cast<char>(variant);
        if (length > 1) key.back() = static_cast<char>('a' + variant);
        builder.Append(key);
        ++rows;
      }
    }
  }
  auto batch = Batch::Make(schema, {builder.Finish()}, rows);
  ASSERT_OK_AND_ASSIGN(std::string file, WriteParquet(*batch, WriterOptions()));
  ASSERT_OK_AND_ASSIGN(auto reader, ParquetFileReader::Open(file));
  EXPECT_TRUE(reader->metadata().row_groups[0].columns[0].meta_data.dictionary_page_offset);
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
  int64_t dictionary_page_size = 1 << 20;  // small: both fallbacks to PLAIN
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
    options.dictionary_page_size = GetParam().dictionary_page_size;
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
                                           RoundTripCase{Codec::kZstd, 1, false},
                                           RoundTripCase{Codec::kSnappy, 1, true, 2 << 10},
                                           RoundTripCase{Codec::kZstd, 2, true, 2 << 10}));

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

/// Writers, each writing to its own string, registered with `budget`.
struct BudgetedWriters {
  std::vector<std::string> files;
  std::vector<std::unique_ptr<StringOutputStream>> streams;
  std::vector<std::unique_ptr<ParquetFileWriter>> writers;
  std::vector<int64_t> rows;

  BudgetedWriters(int count, const SchemaRef& schema, MemoryBudget* budget)
      : files(static_cast<size_t>(count)), rows(static_cast<size_t>(count)) {
    WriterOptions options;
    options.row_group_size = 64 << 20;  // never reached: only budgets flush
    for (int i = 0; i < count; ++i) {
      streams.push_back(std::make_unique<StringOutputStream>(&files[static_cast<size_t>(i)]));
      auto writer = ParquetFileWriter::Open(schema, options, streams.back().get(), budget);
      EXPECT_TRUE(writer.ok());
      writers.push_back(std::move(writer).ValueOrDie());
    }
  }
};

TEST(ParquetMemoryBudget, TwoHundredPartitionWritersStayUnderTheProcessBudget) {
  // A process budget over a sink budget without a limit of its own, 200 partition files of
  // different widths: after every write the writers together stay within the process limit, and
  // each forced flush takes the writer buffering the most at that moment.
  MemoryBudget process(1 << 20);
  MemoryBudget sink(0, &process);
  Batch batch = RandomBatch(21, 1000);
  BudgetedWriters partitions(200, batch.schema(), &sink);
  int observed = 0;
  process.set_flush_observer([&](const ParquetFileWriter& flushed) {
    ++observed;
    for (const auto& other : partitions.writers) {
      ASSERT_GE(flushed.memory_bytes(), other->memory_bytes());
    }
  });
  testing::Random random(5);
  for (int round = 0; round < 12; ++round) {
    for (size_t i = 0; i < partitions.writers.size(); ++i) {
      // Writer i gets up to (i % 8 + 1) * 6 rows a round: some partitions grow much faster.
      const int64_t length = 1 + random.Uniform(static_cast<int64_t>(i % 8 + 1) * 6);
      const int64_t start = random.Uniform(batch.num_rows() - length);
      ASSERT_OK(partitions.writers[i]->Write(batch.Slice(start, length)));
      partitions.rows[i] += length;
      ASSERT_LE(process.buffered_bytes(), process.limit());
      ASSERT_EQ(sink.buffered_bytes(), process.buffered_bytes());
    }
  }
  EXPECT_GT(process.forced_flushes(), 20);
  EXPECT_EQ(observed, process.forced_flushes());
  EXPECT_EQ(sink.forced_flushes(), 0);               // no limit of its own
  EXPECT_GT(process.peak_bytes(), process.limit());  // a write passes it, the flush follows
  EXPECT_LT(process.peak_bytes(), process.limit() + (256 << 10));
  // The wide partitions were flushed more often than the narrow ones.
  int64_t narrow = 0;
  int64_t wide = 0;
  for (size_t i = 0; i < partitions.writers.size(); ++i) {
    (i % 8 < 2 ? narrow : wide) += partitions.writers[i]->forced_flushes() * (i % 8 < 2 ? 3 : 1);
  }
  EXPECT_GT(wide, narrow);
  for (size_t i = 0; i < partitions.writers.size(); ++i) {
    ASSERT_OK(partitions.writers[i]->Close());
    ASSERT_OK_AND_ASSIGN(auto reader, ParquetFileReader::Open(partitions.files[i]));
    EXPECT_EQ(reader->metadata().num_rows, partitions.rows[i]);
    EXPECT_EQ(reader->num_row_groups(),
              partitions.writers[i]->forced_flushes() + (partitions.writers[i]->num_row_groups() >
                                                         partitions.writers[i]->forced_flushes()));
  }
  EXPECT_EQ(process.buffered_bytes(), 0);
  partitions.writers.clear();
}

TEST(ParquetMemoryBudget, SharedByQueriesOnSeveralThreads) {
  // Four "queries", each on its own thread with its own sink budget, share one process budget:
  // a query over the limit flushes whichever writer is largest, another query's included.
  MemoryBudget process(512 << 10);
  Batch batch = RandomBatch(23, 600);
  constexpr int kQueries = 4;
  std::vector<std::unique_ptr<MemoryBudget>> sinks;
  std::vector<std::unique_ptr<BudgetedWriters>> queries;
  for (int q = 0; q < kQueries; ++q) {
    sinks.push_back(std::make_unique<MemoryBudget>(0, &process));
    queries.push_back(std::make_unique<BudgetedWriters>(25, batch.schema(), sinks.back().get()));
  }
  std::vector<std::thread> threads;
  std::vector<Status> results(kQueries);
  for (int q = 0; q < kQueries; ++q) {
    threads.emplace_back([&, q] {
      BudgetedWriters& writers = *queries[static_cast<size_t>(q)];
      testing::Random random(static_cast<uint64_t>(100 + q));
      for (int round = 0; round < 15; ++round) {
        for (size_t i = 0; i < writers.writers.size(); ++i) {
          const int64_t length = 1 + random.Uniform(30);
          const int64_t start = random.Uniform(batch.num_rows() - length);
          Status status = writers.writers[i]->Write(batch.Slice(start, length));
          if (!status.ok()) {
            results[static_cast<size_t>(q)] = status;
            return;
          }
          writers.rows[i] += length;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const Status& status : results) ASSERT_OK(status);
  EXPECT_GT(process.forced_flushes(), 0);
  // Each query may pass the limit by its write in flight before flushing.
  EXPECT_LT(process.peak_bytes(), process.limit() + kQueries * (128 << 10));
  int64_t flushes = 0;
  for (auto& query : queries) {
    for (size_t i = 0; i < query->writers.size(); ++i) {
      flushes += query->writers[i]->forced_flushes();
      ASSERT_OK(query->writers[i]->Close());
      ASSERT_OK_AND_ASSIGN(auto reader, ParquetFileReader::Open(query->files[i]));
      EXPECT_EQ(reader->metadata().num_rows, query->rows[i]);
    }
  }
  EXPECT_EQ(flushes, process.forced_flushes());
  EXPECT_EQ(process.buffered_bytes(), 0);
  queries.clear();
}

TEST(ParquetGzip, LevelsMultipleMembersAndCorruptPages) {
  std::string input;
  for (int i = 0; i < 20000; ++i) input += "row " + std::to_string(i % 977) + ";";
  std::string first;
  std::string smallest;
  for (int level : {0, 1, 6, 9, 12}) {
    ByteBuffer compressed;
    ASSERT_OK(Compressor(Codec::kGzip, level).Compress(input, &compressed));
    // RFC 1952 framing: magic, deflate, no mtime (the bytes are a function of the input).
    ASSERT_GT(compressed.size(), 18u);
    EXPECT_EQ(compressed.view().substr(0, 3), std::string_view("\x1f\x8b\x08", 3));
    EXPECT_EQ(compressed.view().substr(4, 4), std::string_view("\0\0\0\0", 4));
    std::string back;
    ASSERT_OK(
        Decompress(Codec::kGzip, compressed.view(), static_cast<int64_t>(input.size()), &back));
    EXPECT_EQ(back, input) << level;
    if (level == 1) first = std::string(compressed.view());
    if (level == 12) smallest = std::string(compressed.view());
  }
  EXPECT_LT(smallest.size(), first.size());  // the level is honoured
  ByteBuffer unused;
  ASSERT_RAISES(kConfig, "level 13", Compressor(Codec::kGzip, 13).Compress(input, &unused));
  // Two members (as some writers produce) decode to their concatenation.
  ByteBuffer a;
  ByteBuffer b;
  ASSERT_OK(Compressor(Codec::kGzip, 6).Compress(input.substr(0, 1000), &a));
  ASSERT_OK(Compressor(Codec::kGzip, 6).Compress(input.substr(1000), &b));
  std::string members = std::string(a.view()) + std::string(b.view());
  std::string back;
  ASSERT_OK(Decompress(Codec::kGzip, members, static_cast<int64_t>(input.size()), &back));
  EXPECT_EQ(back, input);
  // Wrong sizes, truncation, trailing garbage, a flipped CRC: errors, not crashes.
  EXPECT_FALSE(
      Decompress(Codec::kGzip, members, static_cast<int64_t>(input.size()) - 1, &back).ok());
  EXPECT_FALSE(
      Decompress(Codec::kGzip, members, static_cast<int64_t>(input.size()) + 1, &back).ok());
  EXPECT_FALSE(Decompress(Codec::kGzip, members.substr(0, members.size() - 1),
                          static_cast<int64_t>(input.size()), &back)
                   .ok());
  EXPECT_FALSE(
      Decompress(Codec::kGzip, members + "x", static_cast<int64_t>(input.size()), &back).ok());
  std::string bad_crc = members;
  bad_crc[bad_crc.size() - 6] = static_cast<char>(bad_crc[bad_crc.size() - 6] ^ 1);
  EXPECT_FALSE(Decompress(Codec::kGzip, bad_crc, static_cast<int64_t>(input.size()), &back).ok());
  EXPECT_FALSE(Decompress(Codec::kGzip, "", 0, &back).ok());
}

TEST(ParquetGzip, WriterLevelsRoundTripAndOutOfRangeIsAConfigError) {
  Batch batch = RandomBatch(41, 2000);
  int64_t size_level1 = 0;
  int64_t size_level12 = 0;
  for (int level : {1, 12}) {
    WriterOptions options;
    options.codec = Codec::kGzip;
    options.compression_level = level;
    ASSERT_OK_AND_ASSIGN(std::string file, WriteParquet(batch, options));
    ASSERT_OK_AND_ASSIGN(auto reader, ParquetFileReader::Open(file));
    ASSERT_OK_AND_ASSIGN(Batch back, reader->ReadAll());
    EXPECT_EQ(BatchToRowsText(back), BatchToRowsText(batch));
    (level == 1 ? size_level1 : size_level12) = static_cast<int64_t>(file.size());
  }
  EXPECT_LT(size_level12, size_level1);
  WriterOptions options;
  options.codec = Codec::kGzip;
  options.compression_level = 13;
  ASSERT_RAISES(kConfig, "1..12", WriteParquet(batch, options).status());
}

TEST(ParquetParallel, TasksRunOnceEachAndConcurrently) {
  // Every task exactly once, whatever the thread count.
  for (int threads : {1, 2, 3, 16}) {
    std::vector<std::atomic<int>> runs(100);
    ParallelFor(100, threads, [&](int64_t i) { runs[static_cast<size_t>(i)].fetch_add(1); });
    for (const auto& count : runs) ASSERT_EQ(count.load(), 1) << threads;
  }
  // Two tasks on two threads run at the same time: each waits for the other to start (a helper
  // of the pool runs one of them, or this would time out).
  std::atomic<int> started{0};
  std::atomic<bool> together{true};
  ParallelFor(2, 2, [&](int64_t) {
    started.fetch_add(1);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (started.load() < 2) {
      if (std::chrono::steady_clock::now() > deadline) {
        together.store(false);
        return;
      }
      std::this_thread::yield();
    }
  });
  EXPECT_TRUE(together.load());
  // Callers on several threads share the pool; each returns after its own tasks.
  std::vector<std::thread> callers;
  std::atomic<int64_t> sum{0};
  for (int c = 0; c < 4; ++c) {
    callers.emplace_back([&] {
      for (int round = 0; round < 50; ++round) {
        ParallelFor(8, 2, [&](int64_t i) { sum.fetch_add(i + 1); });
      }
    });
  }
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(sum.load(), 4 * 50 * 36);
}

TEST(ParquetParallel, EncodeThreadsGiveIdenticalBytes) {
  // Several threads encoding a file's columns write the same bytes as one (replays of the
  // exactly-once files sink depend on it): every codec, both page versions, dictionary
  // fallbacks, row groups closed by size, by FlushRowGroup and by a memory budget; slices long
  // enough to be encoded in parallel, and short ones that are not.
  Batch batch = RandomBatch(31, 12000);
  struct Case {
    Codec codec;
    int page_version;
    int64_t dictionary_page_size;
  };
  for (const Case& test : {Case{Codec::kSnappy, 1, 1 << 20}, Case{Codec::kZstd, 2, 4 << 10},
                           Case{Codec::kGzip, 1, 1 << 20}, Case{Codec::kLz4Raw, 2, 1 << 20},
                           Case{Codec::kUncompressed, 1, 4 << 10}}) {
    std::vector<std::string> files;
    for (int threads : {1, 2, 4}) {
      WriterOptions options;
      options.codec = test.codec;
      options.data_page_version = test.page_version;
      options.dictionary_page_size = test.dictionary_page_size;
      options.page_size = 16 << 10;
      options.row_group_size = 8 << 20;
      options.encode_threads = threads;
      MemoryBudget budget(3 << 20);
      std::string bytes;
      StringOutputStream out(&bytes);
      ASSERT_OK_AND_ASSIGN(auto writer,
                           ParquetFileWriter::Open(batch.schema(), options, &out, &budget));
      ASSERT_OK(writer->Write(batch.Slice(0, 5000)));
      ASSERT_OK(writer->Write(batch.Slice(5000, 37)));
      ASSERT_OK(writer->FlushRowGroup());
      ASSERT_OK(writer->Write(batch.Slice(5037, 4000)));
      ASSERT_OK(writer->Write(batch.Slice(9037, 2963)));
      for (int i = 0; i < 3; ++i) ASSERT_OK(writer->Write(batch));
      EXPECT_GT(writer->forced_flushes(), 0);
      ASSERT_OK(writer->Close());
      EXPECT_EQ(budget.buffered_bytes(), 0);
      ASSERT_OK_AND_ASSIGN(auto reader, ParquetFileReader::Open(bytes));
      EXPECT_GT(reader->num_row_groups(), 2);
      EXPECT_EQ(reader->metadata().num_rows, 4 * batch.num_rows());
      files.push_back(std::move(bytes));
    }
    EXPECT_EQ(files[0], files[1]) << CodecName(test.codec);
    EXPECT_EQ(files[0], files[2]) << CodecName(test.codec);
  }
  WriterOptions options;
  options.encode_threads = 0;
  ASSERT_RAISES(kConfig, "encode threads", WriteParquet(batch, options).status());
}

TEST(ParquetParallel, EncodeThreadsUnderASharedBudgetOnSeveralThreads) {
  // Queries with two encode threads each share one process budget: a query's flush of another
  // query's writer encodes it in parallel from the flushing thread; nothing is lost.
  MemoryBudget process(1 << 20);
  Batch batch = RandomBatch(43, 6000);
  constexpr int kQueries = 3;
  std::vector<std::string> files(kQueries * 2);
  std::vector<std::unique_ptr<StringOutputStream>> streams;
  std::vector<std::unique_ptr<ParquetFileWriter>> writers;
  WriterOptions options;
  options.encode_threads = 2;
  options.codec = Codec::kZstd;
  for (size_t i = 0; i < files.size(); ++i) {
    streams.push_back(std::make_unique<StringOutputStream>(&files[i]));
    ASSERT_OK_AND_ASSIGN(auto writer, ParquetFileWriter::Open(batch.schema(), options,
                                                              streams.back().get(), &process));
    writers.push_back(std::move(writer));
  }
  std::vector<std::thread> threads;
  std::vector<Status> results(kQueries);
  for (int q = 0; q < kQueries; ++q) {
    threads.emplace_back([&, q] {
      for (int round = 0; round < 4 && results[static_cast<size_t>(q)].ok(); ++round) {
        for (int w = 0; w < 2; ++w) {
          Status status = writers[static_cast<size_t>(2 * q + w)]->Write(batch);
          if (!status.ok()) results[static_cast<size_t>(q)] = status;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const Status& status : results) ASSERT_OK(status);
  EXPECT_GT(process.forced_flushes(), 0);
  for (size_t i = 0; i < writers.size(); ++i) {
    ASSERT_OK(writers[i]->Close());
    ASSERT_OK_AND_ASSIGN(auto reader, ParquetFileReader::Open(files[i]));
    EXPECT_EQ(reader->metadata().num_rows, 4 * batch.num_rows());
  }
  EXPECT_EQ(process.buffered_bytes(), 0);
}

}  // namespace
}  // namespace sluice::parquet
