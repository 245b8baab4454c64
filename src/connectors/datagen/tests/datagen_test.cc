#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "columnar/value.h"
#include "common/time_util.h"
#include "connectors/connector.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

constexpr std::string_view kFullSchema =
    "event_id STRING NOT NULL, user_id BIGINT NOT NULL, session_id STRING NOT NULL, "
    "event_type STRING NOT NULL, url STRING NOT NULL, referrer STRING, api_version STRING NOT "
    "NULL, ts TIMESTAMP NOT NULL, price DOUBLE, qty INT NOT NULL, country STRING NOT NULL, "
    "device STRUCT<os: STRING, browser: STRING>, tags ARRAY<STRING>";

class DatagenTest : public ::testing::Test {
 protected:
  const ConnectorDef& def() {
    const ConnectorDef* found = registry_.Find("datagen");
    SLUICE_DCHECK(found != nullptr, "datagen registered");
    return *found;
  }

  Result<OptionSet> Options(const std::vector<RawOption>& raw) {
    return ValidateOptions(def().source_options, raw, "connector 'datagen' (source)", nullptr);
  }

  Result<std::unique_ptr<Source>> MakeSource(const std::vector<RawOption>& raw,
                                             const Schema& declared = Schema()) {
    ASSIGN_OR_RETURN(OptionSet options, Options(raw));
    ASSIGN_OR_RETURN(SchemaRef schema, def().resolve_schema(declared, options));
    SourceContext context;
    context.query_id = "q";
    context.source_name = "clicks";
    context.schema = schema;
    context.options = options;
    context.clock = &clock_;
    return def().create_source(std::move(context));
  }

  /// Rows [start, end) of a partition as one batch.
  static Result<Batch> ReadAll(Source& source, const std::string& partition, int64_t start,
                               int64_t end) {
    std::vector<Batch> batches;
    RETURN_NOT_OK(source.Read(partition, start, end, &batches));
    if (batches.empty()) return Status::Internal("no batch");
    return Batch::Concatenate(batches);
  }

  ConnectorRegistry registry_ = ConnectorRegistry::Builtin();
  ManualClock clock_{1'700'000'000'000'000};
};

TEST_F(DatagenTest, FullSchemaWhenNoColumnsDeclared) {
  ASSERT_OK_AND_ASSIGN(OptionSet options, Options({}));
  ASSERT_OK_AND_ASSIGN(SchemaRef schema, def().resolve_schema(Schema(), options));
  EXPECT_EQ(schema->ToString(), kFullSchema);
  ASSERT_OK_AND_ASSIGN(auto source, MakeSource({}));
  ASSERT_OK_AND_ASSIGN(Batch batch, ReadAll(*source, "0", 0, 3));
  EXPECT_EQ(batch.schema()->ToString(), kFullSchema);
  EXPECT_EQ(batch.num_rows(), 3);
}

TEST_F(DatagenTest, DefaultsAndDescribe) {
  ASSERT_OK_AND_ASSIGN(OptionSet options, Options({}));
  EXPECT_EQ(options.GetInt("seed"), 42);
  EXPECT_EQ(options.GetInt("numRows"), 0);
  EXPECT_EQ(options.GetInt("partitions"), 1);
  EXPECT_EQ(options.GetInt("maxRowsPerTrigger"), 100000);
  EXPECT_EQ(options.GetString("startTimestamp"), "2024-01-01T00:00:00Z");
  EXPECT_EQ(options.GetDurationMicros("eventTimeStep"), 10000);
  EXPECT_EQ(options.GetDurationMicros("maxOutOfOrder"), 30000000);
  ASSERT_OK_AND_ASSIGN(auto source, MakeSource({{"partitions", "2"}}));
  EXPECT_EQ(source->Describe(), "datagen[seed=42, partitions=2]");
  ASSERT_OK_AND_ASSIGN(auto bounded, MakeSource({{"numRows", "7"}, {"rowsPerSecond", "5"}}));
  EXPECT_EQ(bounded->Describe(), "datagen[seed=42, partitions=1, numRows=7, rowsPerSecond=5]");
}

TEST_F(DatagenTest, UnknownOptionMessage) {
  OptionError error;
  auto result = ValidateOptions(def().source_options, {{"rowsPerSecnd", "5"}},
                                "connector 'datagen' (source)", &error);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "unknown option 'rowsPerSecnd' for connector 'datagen' (source) (did you mean "
            "'rowsPerSecond'?); valid options: numRows, partitions, rowsPerSecond, "
            "maxRowsPerTrigger, seed, startTimestamp, eventTimeStep, maxOutOfOrder, format");
}

TEST_F(DatagenTest, SplitReadsGiveTheSameRows) {
  ASSERT_OK_AND_ASSIGN(auto source, MakeSource({{"seed", "7"}}));
  ASSERT_OK_AND_ASSIGN(Batch whole, ReadAll(*source, "0", 0, 100));
  ASSERT_OK_AND_ASSIGN(Batch first, ReadAll(*source, "0", 0, 37));
  ASSERT_OK_AND_ASSIGN(Batch second, ReadAll(*source, "0", 37, 100));
  ASSERT_OK_AND_ASSIGN(Batch joined, Batch::Concatenate({first, second}));
  ASSERT_EQ(whole.num_rows(), 100);
  EXPECT_EQ(BatchToRowsText(whole), BatchToRowsText(joined));

  // A second source with the same seed (a replay after restart) gives the same rows.
  ASSERT_OK_AND_ASSIGN(auto replay, MakeSource({{"seed", "7"}}));
  ASSERT_OK_AND_ASSIGN(Batch again, ReadAll(*replay, "0", 0, 100));
  EXPECT_EQ(BatchToRowsText(whole), BatchToRowsText(again));

  ASSERT_OK_AND_ASSIGN(auto other, MakeSource({{"seed", "8"}}));
  ASSERT_OK_AND_ASSIGN(Batch different, ReadAll(*other, "0", 0, 100));
  EXPECT_NE(BatchToRowsText(whole), BatchToRowsText(different));
}

TEST_F(DatagenTest, RowsAreAFunctionOfTheGlobalIndex) {
  // Global row index = offset * partitions + partition.
  ASSERT_OK_AND_ASSIGN(auto one, MakeSource({}));
  ASSERT_OK_AND_ASSIGN(auto three, MakeSource({{"partitions", "3"}}));
  ASSERT_OK_AND_ASSIGN(Batch all, ReadAll(*one, "0", 0, 9));
  ASSERT_OK_AND_ASSIGN(Batch p1, ReadAll(*three, "1", 0, 3));  // global rows 1, 4, 7
  std::string expected;
  for (int64_t row : {1, 4, 7}) expected += BatchToRowsText(all.Slice(row, 1));
  EXPECT_EQ(BatchToRowsText(p1), expected);
}

TEST_F(DatagenTest, KnownFirstRowValues) {
  ASSERT_OK_AND_ASSIGN(auto source, MakeSource({{"maxOutOfOrder", "0"}}));
  ASSERT_OK_AND_ASSIGN(Batch batch, ReadAll(*source, "0", 0, 3));
  // Event time advances by eventTimeStep per row from startTimestamp.
  const int64_t start = *ParseTimestampMicros("2024-01-01T00:00:00Z");
  const int ts = batch.schema()->FieldIndex("ts");
  for (int64_t row = 0; row < 3; ++row) {
    EXPECT_EQ(batch.column(ts)->Values<int64_t>()[row], start + row * 10000);
  }
  std::string id = Value::FromColumn(*batch.column(0), 0).string();
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id[8], '-');
  EXPECT_EQ(id[13], '-');
  EXPECT_EQ(id[14], '4');  // version 4
  EXPECT_EQ(id[18], '-');
  EXPECT_EQ(id[23], '-');
}

TEST_F(DatagenTest, Distributions) {
  constexpr int64_t kRows = 20000;
  ASSERT_OK_AND_ASSIGN(auto source, MakeSource({}));
  std::vector<Batch> batches;
  ASSERT_OK(source->Read("0", 0, kRows, &batches));
  ASSERT_OK_AND_ASSIGN(Batch batch, Batch::Concatenate(batches));
  ASSERT_EQ(batch.num_rows(), kRows);
  const Schema& schema = *batch.schema();
  auto col = [&](const char* name) { return batch.column(schema.FieldIndex(name)); };

  std::map<std::string, int64_t> types;
  std::set<std::string> urls, countries, event_ids, sessions;
  int64_t referrer_nulls = 0, device_nulls = 0, tags_nulls = 0, late = 0, v2 = 0;
  const int64_t start = *ParseTimestampMicros("2024-01-01T00:00:00Z");
  for (int64_t row = 0; row < kRows; ++row) {
    std::string type(col("event_type")->StringValue(row));
    types[type]++;
    urls.emplace(col("url")->StringValue(row));
    countries.emplace(col("country")->StringValue(row));
    event_ids.emplace(col("event_id")->StringValue(row));
    sessions.emplace(col("session_id")->StringValue(row));
    referrer_nulls += col("referrer")->IsNull(row);
    device_nulls += col("device")->IsNull(row);
    tags_nulls += col("tags")->IsNull(row);
    v2 += col("api_version")->StringValue(row) == "v2";
    std::string_view api = col("api_version")->StringValue(row);
    EXPECT_TRUE(api == "v1" || api == "v2");
    const int64_t base = start + row * 10000;
    const int64_t ts = col("ts")->Values<int64_t>()[row];
    ASSERT_LE(ts, base);
    ASSERT_GE(ts, base - 30000000);
    late += ts < base;
    const bool priced = type == "add_to_cart" || type == "purchase";
    ASSERT_EQ(col("price")->IsValid(row), priced) << type;
    const int32_t qty = col("qty")->Values<int32_t>()[row];
    ASSERT_GE(qty, 1);
    ASSERT_LE(qty, priced ? 5 : 1);
    if (priced) {
      double price = col("price")->Values<double>()[row];
      std::string text;
      AppendCellText(*col("price"), row, text);
      size_t dot = text.find('.');
      ASSERT_TRUE(dot == std::string::npos || text.size() - dot - 1 <= 2) << text;
      ASSERT_GE(price, 1.99);
      ASSERT_LE(price, 499.99);
    }
    if (col("tags")->IsValid(row)) {
      const int32_t* offsets = col("tags")->Offsets();
      ASSERT_LE(offsets[row + 1] - offsets[row], 3);
    }
    const int64_t user = col("user_id")->Values<int64_t>()[row];
    ASSERT_GE(user, 1);
    ASSERT_LE(user, 10000);
  }
  auto near = [&](int64_t count, double expected_fraction) {
    return std::abs(static_cast<double>(count) / kRows - expected_fraction) < 0.015;
  };
  EXPECT_TRUE(near(types["page_view"], 0.60)) << types["page_view"];
  EXPECT_TRUE(near(types["click"], 0.22)) << types["click"];
  EXPECT_TRUE(near(types["add_to_cart"], 0.08)) << types["add_to_cart"];
  EXPECT_TRUE(near(types["search"], 0.06)) << types["search"];
  EXPECT_TRUE(near(types["purchase"], 0.04)) << types["purchase"];
  EXPECT_EQ(types.size(), 5u);
  EXPECT_TRUE(near(referrer_nulls, 0.30)) << referrer_nulls;
  EXPECT_TRUE(near(device_nulls, 0.02)) << device_nulls;
  EXPECT_TRUE(near(tags_nulls, 0.05)) << tags_nulls;
  EXPECT_TRUE(near(late, 0.05)) << late;
  EXPECT_TRUE(near(v2, 0.65)) << v2;
  EXPECT_GT(urls.size(), 990u);
  EXPECT_LE(urls.size(), 1000u);
  EXPECT_EQ(countries.size(), 20u);
  EXPECT_EQ(event_ids.size(), static_cast<size_t>(kRows));
  EXPECT_LT(sessions.size(), static_cast<size_t>(kRows));  // users' events share sessions
}

TEST_F(DatagenTest, DeclaredColumnsSelectAndOrderTheOutput) {
  Schema declared(
      {{"price", DoubleType(), true},
       {"EVENT_ID", StringType(), true},
       {"device", StructType({{"os", StringType(), true}, {"browser", StringType(), true}}),
        true}});
  ASSERT_OK_AND_ASSIGN(auto source, MakeSource({}, declared));
  ASSERT_OK_AND_ASSIGN(Batch narrow, ReadAll(*source, "0", 0, 50));
  EXPECT_EQ(narrow.schema()->ToString(),
            "price DOUBLE, EVENT_ID STRING NOT NULL, device STRUCT<os: STRING, browser: STRING>");
  ASSERT_OK_AND_ASSIGN(auto full_source, MakeSource({}));
  ASSERT_OK_AND_ASSIGN(Batch full, ReadAll(*full_source, "0", 0, 50));
  for (int64_t row = 0; row < 50; ++row) {
    EXPECT_EQ(Value::FromColumn(*narrow.column(0), row), Value::FromColumn(*full.column(8), row));
    EXPECT_EQ(Value::FromColumn(*narrow.column(1), row), Value::FromColumn(*full.column(0), row));
    EXPECT_EQ(Value::FromColumn(*narrow.column(2), row), Value::FromColumn(*full.column(11), row));
  }
}

TEST_F(DatagenTest, DeclaredColumnErrors) {
  ASSERT_OK_AND_ASSIGN(OptionSet options, Options({}));
  ASSERT_RAISES(kConfig, "column 'evnt_type' is not a datagen column (did you mean 'event_type'?)",
                def().resolve_schema(Schema({{"evnt_type", StringType(), true}}), options));
  ASSERT_RAISES(kConfig, "column 'qty' has type INT in datagen, declared as BIGINT",
                def().resolve_schema(Schema({{"qty", Int64Type(), true}}), options));
  ASSERT_RAISES(kConfig, "column 'price' is nullable in datagen and cannot be declared NOT NULL",
                def().resolve_schema(Schema({{"price", DoubleType(), false}}), options));
  ASSERT_RAISES(kConfig, "column 'URL' is declared twice",
                def().resolve_schema(
                    Schema({{"url", StringType(), true}, {"URL", StringType(), true}}), options));
  ASSERT_OK_AND_ASSIGN(OptionSet bad_start, Options({{"startTimestamp", "yesterday"}}));
  ASSERT_RAISES(kConfig, "option 'startTimestamp' expects an ISO-8601 timestamp",
                def().resolve_schema(Schema(), bad_start));
}

TEST_F(DatagenTest, BoundedRowsSpreadOverPartitions) {
  ASSERT_OK_AND_ASSIGN(auto source, MakeSource({{"numRows", "10"}, {"partitions", "3"}}));
  ASSERT_OK_AND_ASSIGN(OffsetMap initial, source->InitialOffsets());
  EXPECT_EQ(initial, (OffsetMap{{"0", 0}, {"1", 0}, {"2", 0}}));
  ASSERT_OK_AND_ASSIGN(OffsetMap latest, source->LatestOffsets());
  EXPECT_EQ(latest, (OffsetMap{{"0", 4}, {"1", 3}, {"2", 3}}));
  EXPECT_FALSE(source->IsExhausted(initial));
  EXPECT_FALSE(source->IsExhausted(OffsetMap{{"0", 4}, {"1", 3}}));
  EXPECT_TRUE(source->IsExhausted(latest));
  ASSERT_OK_AND_ASSIGN(OffsetMap end, source->PlanBatchEnd(initial));
  EXPECT_EQ(end, latest);
  ASSERT_OK_AND_ASSIGN(OffsetMap after, source->PlanBatchEnd(end));
  EXPECT_EQ(after, end);  // nothing new
  std::vector<Batch> batches;
  ASSERT_RAISES(kOutOfRange, "outside [0, 4)", source->Read("0", 0, 5, &batches));
  ASSERT_RAISES(kNotFound, "no partition '3'", source->Read("3", 0, 1, &batches));
  // Every global row 0..9 exactly once across the partitions.
  ASSERT_OK_AND_ASSIGN(auto single, MakeSource({{"numRows", "10"}}));
  ASSERT_OK_AND_ASSIGN(Batch reference, ReadAll(*single, "0", 0, 10));
  std::set<std::string> expected, actual;
  for (int64_t row = 0; row < 10; ++row) expected.insert(BatchToRowsText(reference.Slice(row, 1)));
  for (const auto& [partition, bound] : latest) {
    ASSERT_OK_AND_ASSIGN(Batch part, ReadAll(*source, partition, 0, bound));
    for (int64_t row = 0; row < part.num_rows(); ++row) {
      actual.insert(BatchToRowsText(part.Slice(row, 1)));
    }
  }
  EXPECT_EQ(actual, expected);
}

TEST_F(DatagenTest, MaxRowsPerTriggerCapsBatches) {
  ASSERT_OK_AND_ASSIGN(
      auto source,
      MakeSource({{"numRows", "15"}, {"partitions", "2"}, {"maxRowsPerTrigger", "10"}}));
  ASSERT_OK_AND_ASSIGN(OffsetMap end, source->PlanBatchEnd({}));  // absent = initial
  EXPECT_EQ(end, (OffsetMap{{"0", 5}, {"1", 5}}));
  ASSERT_OK_AND_ASSIGN(end, source->PlanBatchEnd(end));
  EXPECT_EQ(end, (OffsetMap{{"0", 8}, {"1", 7}}));
  EXPECT_TRUE(source->IsExhausted(end));
}

TEST_F(DatagenTest, RowsPerSecondFollowsTheClock) {
  ASSERT_OK_AND_ASSIGN(
      auto source,
      MakeSource({{"rowsPerSecond", "100"}, {"partitions", "2"}, {"maxRowsPerTrigger", "60"}}));
  ASSERT_OK_AND_ASSIGN(OffsetMap start, source->InitialOffsets());
  ASSERT_OK_AND_ASSIGN(OffsetMap end, source->PlanBatchEnd(start));
  EXPECT_EQ(end, start);  // no time has passed
  clock_.Advance(1'000'000);
  ASSERT_OK_AND_ASSIGN(end, source->PlanBatchEnd(start));
  EXPECT_EQ(end, (OffsetMap{{"0", 30}, {"1", 30}}));  // capped by maxRowsPerTrigger
  ASSERT_OK_AND_ASSIGN(OffsetMap latest, source->LatestOffsets());
  EXPECT_EQ(latest, (OffsetMap{{"0", 50}, {"1", 50}}));
  ASSERT_OK_AND_ASSIGN(end, source->PlanBatchEnd(end));
  EXPECT_EQ(end, (OffsetMap{{"0", 50}, {"1", 50}}));  // the rate budget
  clock_.Advance(10'000);                             // one more row in total
  ASSERT_OK_AND_ASSIGN(end, source->PlanBatchEnd(end));
  EXPECT_EQ(end, (OffsetMap{{"0", 51}, {"1", 50}}));
  EXPECT_FALSE(source->IsExhausted(end));
}

TEST_F(DatagenTest, RateBudgetStartsFromTheCommittedOffsets) {
  ASSERT_OK_AND_ASSIGN(auto source, MakeSource({{"rowsPerSecond", "10"}}));
  OffsetMap committed{{"0", 1000}};
  ASSERT_OK_AND_ASSIGN(OffsetMap end, source->PlanBatchEnd(committed));
  EXPECT_EQ(end, committed);
  clock_.Advance(2'000'000);
  ASSERT_OK_AND_ASSIGN(end, source->PlanBatchEnd(committed));
  EXPECT_EQ(end, (OffsetMap{{"0", 1020}}));
}

TEST_F(DatagenTest, UnthrottledUnboundedLatestIsOneTriggerAhead) {
  ASSERT_OK_AND_ASSIGN(auto source, MakeSource({{"maxRowsPerTrigger", "100"}}));
  ASSERT_OK_AND_ASSIGN(OffsetMap latest, source->LatestOffsets());
  EXPECT_EQ(latest, (OffsetMap{{"0", 100}}));
  ASSERT_OK_AND_ASSIGN(OffsetMap end, source->PlanBatchEnd(OffsetMap{{"0", 250}}));
  EXPECT_EQ(end, (OffsetMap{{"0", 350}}));
  ASSERT_OK_AND_ASSIGN(latest, source->LatestOffsets());
  EXPECT_EQ(latest, (OffsetMap{{"0", 350}}));
  EXPECT_FALSE(source->IsExhausted(end));
}

TEST_F(DatagenTest, LongReadsAreSplitIntoSeveralBatches) {
  ASSERT_OK_AND_ASSIGN(auto source, MakeSource({}));
  std::vector<Batch> batches;
  ASSERT_OK(source->Read("0", 0, 70000, &batches));
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].num_rows() + batches[1].num_rows(), 70000);
  ASSERT_OK_AND_ASSIGN(Batch tail,
                       ReadAll(*source, "0", batches[0].num_rows(), batches[0].num_rows() + 5));
  EXPECT_EQ(BatchToRowsText(batches[1].Slice(0, 5)), BatchToRowsText(tail));
}

}  // namespace
}  // namespace sluice
