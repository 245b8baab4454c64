// datagen: a seeded clickstream source that builds batches directly (no bytes, no decoding).
//
// Every value of the row with global index g = offset * partitions + partition is a pure function
// of (seed, g): each row has a key Mix64(seed_key ^ Mix64(g)) and every column draws its own
// independent numbers from that key (Draw). Any [start, end) of a partition is therefore the same
// on every run and every replay, batch splits do not change rows, and a column can be generated
// on its own (column-at-a-time, only the output columns).
#include <algorithm>
#include <array>
#include <mutex>
#include <optional>

#include <fmt/format.h>

#include "columnar/builder.h"
#include "common/strings.h"
#include "common/time_util.h"
#include "connectors/connector.h"
#include "formats/decode.h"
#include "formats/json_lines.h"

namespace sluice {

namespace {

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

/// splitmix64's output function applied to `z + golden`.
inline uint64_t Mix64(uint64_t z) {
  z += kGolden;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// The independent random streams of a row; each column uses its own.
enum DrawId : uint64_t {
  kDrawEventIdHigh = 1,
  kDrawEventIdLow,
  kDrawUser,
  kDrawEventType,
  kDrawUrl,
  kDrawReferrer,
  kDrawApiVersion,
  kDrawLate,
  kDrawPrice,
  kDrawQty,
  kDrawCountry,
  kDrawDevice,
  kDrawTags,
  kDrawSession,
};

inline uint64_t Draw(uint64_t row_key, DrawId id) { return Mix64(row_key + id * kGolden); }

/// The datagen columns, in schema order.
enum class DatagenColumn : int {
  kEventId,
  kUserId,
  kSessionId,
  kEventType,
  kUrl,
  kReferrer,
  kApiVersion,
  kTs,
  kPrice,
  kQty,
  kCountry,
  kDevice,
  kTags,
};

constexpr std::array<std::string_view, 5> kEventTypes = {"page_view", "click", "add_to_cart",
                                                         "search", "purchase"};
constexpr int kAddToCart = 2;
constexpr int kPurchase = 4;

/// page_view 60%, click 22%, add_to_cart 8%, search 6%, purchase 4%.
inline int EventTypeOf(uint64_t row_key) {
  uint64_t bucket = Draw(row_key, kDrawEventType) % 100;
  if (bucket < 60) return 0;
  if (bucket < 82) return 1;
  if (bucket < 90) return 2;
  if (bucket < 96) return 3;
  return 4;
}

inline bool HasPrice(int event_type) { return event_type == kAddToCart || event_type == kPurchase; }

constexpr int kNumUsers = 10000;
inline int64_t UserIdOf(uint64_t row_key) {
  return 1 + static_cast<int64_t>(Draw(row_key, kDrawUser) % kNumUsers);
}

constexpr std::array<std::string_view, 10> kCategories = {
    "electronics", "books",   "home",   "garden",  "toys",
    "sports",      "fashion", "beauty", "grocery", "auto"};
constexpr std::array<std::string_view, 7> kReferrers = {
    "https://www.google.com/",   "https://www.bing.com/",         "https://t.co/",
    "https://www.facebook.com/", "https://news.ycombinator.com/", "https://duckduckgo.com/",
    "https://shop.example.com/"};
/// 20 ISO country codes and their weights in percent (sum 100).
constexpr std::array<std::pair<std::string_view, int>, 20> kCountries = {{
    {"US", 30}, {"GB", 8}, {"DE", 8}, {"FR", 6}, {"IN", 8}, {"BR", 5}, {"CA", 5},
    {"JP", 5},  {"AU", 3}, {"ES", 3}, {"IT", 3}, {"NL", 2}, {"SE", 2}, {"MX", 3},
    {"KR", 2},  {"PL", 2}, {"SG", 1}, {"IE", 1}, {"NZ", 1}, {"ZA", 2},
}};
constexpr std::array<uint8_t, 100> kCountryByPercent = [] {
  std::array<uint8_t, 100> table{};
  size_t at = 0;
  for (size_t country = 0; country < kCountries.size(); ++country) {
    for (int i = 0; i < kCountries[country].second; ++i)
      table[at++] = static_cast<uint8_t>(country);
  }
  return table;
}();
constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kDevices = {{
    {"ios", "safari"},
    {"ios", "chrome"},
    {"android", "chrome"},
    {"android", "samsung"},
    {"windows", "chrome"},
    {"windows", "edge"},
    {"windows", "firefox"},
    {"macos", "safari"},
    {"macos", "chrome"},
    {"linux", "firefox"},
}};
constexpr std::array<std::string_view, 8> kTags = {"sale",       "new",       "mobile", "promo",
                                                   "mobile_app", "returning", "vip",    "gift"};

constexpr int64_t kSessionMicros = 30LL * 60 * 1000 * 1000;

SchemaRef FullSchema() {
  static const SchemaRef kSchema = std::make_shared<Schema>(std::vector<Field>{
      {"event_id", StringType(), false},
      {"user_id", Int64Type(), false},
      {"session_id", StringType(), false},
      {"event_type", StringType(), false},
      {"url", StringType(), false},
      {"referrer", StringType(), true},
      {"api_version", StringType(), false},
      {"ts", TimestampType(), false},
      {"price", DoubleType(), true},
      {"qty", Int32Type(), false},
      {"country", StringType(), false},
      {"device", StructType({{"os", StringType(), true}, {"browser", StringType(), true}}), true},
      {"tags", ListType(StringType()), true},
  });
  return kSchema;
}

/// Rows `total` spread over `parts`: partition `part`'s share (the first ones get the remainder).
inline int64_t Share(int64_t total, int64_t parts, int64_t part) {
  return total / parts + (part < total % parts ? 1 : 0);
}

constexpr char kHex[] = "0123456789abcdef";

inline void AppendHex(uint64_t value, int digits, char* out) {
  for (int i = digits - 1; i >= 0; --i) {
    out[i] = kHex[value & 0xF];
    value >>= 4;
  }
}

/// The parameters of one datagen source, read from validated options.
struct DatagenParams {
  int64_t seed = 42;
  int64_t num_rows = 0;
  int64_t rows_per_second = 0;
  int64_t partitions = 1;
  int64_t max_rows_per_trigger = 100000;
  int64_t start_micros = 0;
  int64_t step_micros = 10000;
  int64_t max_out_of_order_micros = 30000000;
  /// format = 'json': rows are encoded as JSON lines and decoded back through the JSON decoder
  /// (the decode path without Kafka, for benchmarks); the rows are the same.
  bool json = false;
};

Result<DatagenParams> ParamsFromOptions(const OptionSet& options) {
  DatagenParams params;
  params.seed = options.GetInt("seed");
  params.num_rows = options.GetInt("numRows");
  params.rows_per_second = options.GetInt("rowsPerSecond");
  params.partitions = std::max<int64_t>(1, options.GetInt("partitions"));
  params.max_rows_per_trigger = std::max<int64_t>(1, options.GetInt("maxRowsPerTrigger"));
  params.json = EqualsIgnoreCase(options.GetString("format"), "json");
  std::string start = options.GetString("startTimestamp");
  auto start_micros = ParseTimestampMicros(start);
  if (!start_micros) {
    return Status::Config(
        "option 'startTimestamp' expects an ISO-8601 timestamp (e.g. '2024-01-01T00:00:00Z'), got "
        "'{}'",
        start);
  }
  params.start_micros = *start_micros;
  params.step_micros = options.GetDurationMicros("eventTimeStep");
  params.max_out_of_order_micros = options.GetDurationMicros("maxOutOfOrder");
  return params;
}

/// Generates the values of one column for rows [start, end) of one partition.
class RowGenerator {
 public:
  explicit RowGenerator(const DatagenParams& params)
      : params_(params), seed_key_(Mix64(static_cast<uint64_t>(params.seed))) {}

  uint64_t RowKey(int64_t global) const {
    return Mix64(seed_key_ ^ Mix64(static_cast<uint64_t>(global)));
  }
  int64_t BaseTime(int64_t global) const {
    return params_.start_micros + global * params_.step_micros;
  }
  int64_t EventTime(int64_t global, uint64_t row_key) const {
    int64_t ts = BaseTime(global);
    uint64_t late = Draw(row_key, kDrawLate);
    if (late % 100 < 5 && params_.max_out_of_order_micros > 0) {
      ts -= static_cast<int64_t>((late >> 8) %
                                 static_cast<uint64_t>(params_.max_out_of_order_micros + 1));
    }
    return ts;
  }

  ColumnRef Build(DatagenColumn column, const TypeRef& type, int64_t partition, int64_t start,
                  int64_t end) const;

 private:
  template <typename Fn>
  void ForEachRow(int64_t partition, int64_t start, int64_t end, Fn&& fn) const {
    for (int64_t offset = start; offset < end; ++offset) {
      int64_t global = offset * params_.partitions + partition;
      fn(global, RowKey(global));
    }
  }

  DatagenParams params_;
  uint64_t seed_key_;
};

ColumnRef RowGenerator::Build(DatagenColumn column, const TypeRef& type, int64_t partition,
                              int64_t start, int64_t end) const {
  const int64_t rows = end - start;
  auto each = [&](auto&& fn) { ForEachRow(partition, start, end, fn); };
  switch (column) {
    case DatagenColumn::kEventId: {
      StringBuilder builder;
      builder.Reserve(rows);
      builder.ReserveData(rows * 36);
      each([&](int64_t, uint64_t key) {
        uint64_t high = Draw(key, kDrawEventIdHigh);
        uint64_t low = Draw(key, kDrawEventIdLow);
        high = (high & ~0xF000ULL) | 0x4000ULL;                       // version 4
        low = (low & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
        char text[36];
        AppendHex(high >> 32, 8, text);
        text[8] = '-';
        AppendHex(high >> 16, 4, text + 9);
        text[13] = '-';
        AppendHex(high, 4, text + 14);
        text[18] = '-';
        AppendHex(low >> 48, 4, text + 19);
        text[23] = '-';
        AppendHex(low, 12, text + 24);
        builder.Append(std::string_view(text, sizeof(text)));
      });
      return builder.Finish();
    }
    case DatagenColumn::kUserId: {
      Int64Builder builder(Int64Type());
      builder.Reserve(rows);
      each([&](int64_t, uint64_t key) { builder.Append(UserIdOf(key)); });
      return builder.Finish();
    }
    case DatagenColumn::kSessionId: {
      // A user's events within one 30-minute bucket of event time share a session.
      StringBuilder builder;
      builder.Reserve(rows);
      builder.ReserveData(rows * 17);
      each([&](int64_t global, uint64_t key) {
        int64_t bucket = FloorDiv(BaseTime(global), kSessionMicros);
        uint64_t session = Mix64(seed_key_ ^ Mix64(static_cast<uint64_t>(UserIdOf(key)) * kGolden ^
                                                   static_cast<uint64_t>(bucket)));
        char text[17];
        text[0] = 's';
        AppendHex(session, 16, text + 1);
        builder.Append(std::string_view(text, sizeof(text)));
      });
      return builder.Finish();
    }
    case DatagenColumn::kEventType: {
      StringBuilder builder;
      builder.Reserve(rows);
      builder.ReserveData(rows * 9);
      each([&](int64_t, uint64_t key) { builder.Append(kEventTypes[EventTypeOf(key)]); });
      return builder.Finish();
    }
    case DatagenColumn::kUrl: {
      StringBuilder builder;
      builder.Reserve(rows);
      builder.ReserveData(rows * 48);
      each([&](int64_t, uint64_t key) {
        uint64_t item = Draw(key, kDrawUrl) % 1000;
        char text[96];
        auto result = fmt::format_to_n(text, sizeof(text), "https://shop.example.com/{}/item-{}",
                                       kCategories[item % kCategories.size()], item);
        builder.Append(std::string_view(text, result.size));
      });
      return builder.Finish();
    }
    case DatagenColumn::kReferrer: {
      StringBuilder builder;
      builder.Reserve(rows);
      builder.ReserveData(rows * 24);
      each([&](int64_t, uint64_t key) {
        uint64_t draw = Draw(key, kDrawReferrer);
        if (draw % 100 < 30) {
          builder.AppendNull();
        } else {
          builder.Append(kReferrers[(draw >> 8) % kReferrers.size()]);
        }
      });
      return builder.Finish();
    }
    case DatagenColumn::kApiVersion: {
      StringBuilder builder;
      builder.Reserve(rows);
      builder.ReserveData(rows * 2);
      each([&](int64_t, uint64_t key) {
        builder.Append(Draw(key, kDrawApiVersion) % 100 < 65 ? "v2" : "v1");
      });
      return builder.Finish();
    }
    case DatagenColumn::kTs: {
      Int64Builder builder(TimestampType());
      builder.Reserve(rows);
      each([&](int64_t global, uint64_t key) { builder.Append(EventTime(global, key)); });
      return builder.Finish();
    }
    case DatagenColumn::kPrice: {
      DoubleBuilder builder(DoubleType());
      builder.Reserve(rows);
      each([&](int64_t, uint64_t key) {
        if (!HasPrice(EventTypeOf(key))) {
          builder.AppendNull();
          return;
        }
        // Whole cents from 1.99 to 499.99; cents / 100.0 is the double nearest the decimal.
        int64_t cents = 199 + static_cast<int64_t>(Draw(key, kDrawPrice) % 49801);
        builder.Append(static_cast<double>(cents) / 100.0);
      });
      return builder.Finish();
    }
    case DatagenColumn::kQty: {
      Int32Builder builder(Int32Type());
      builder.Reserve(rows);
      each([&](int64_t, uint64_t key) {
        int32_t qty = 1;
        if (HasPrice(EventTypeOf(key))) {
          uint64_t draw = Draw(key, kDrawQty);
          if (draw % 100 >= 70) qty = 2 + static_cast<int32_t>((draw >> 8) % 4);  // 2..5
        }
        builder.Append(qty);
      });
      return builder.Finish();
    }
    case DatagenColumn::kCountry: {
      StringBuilder builder;
      builder.Reserve(rows);
      builder.ReserveData(rows * 2);
      each([&](int64_t, uint64_t key) {
        builder.Append(kCountries[kCountryByPercent[Draw(key, kDrawCountry) % 100]].first);
      });
      return builder.Finish();
    }
    case DatagenColumn::kDevice: {
      StructBuilder builder(type);
      builder.Reserve(rows);
      auto* os = static_cast<StringBuilder*>(builder.child(0));
      auto* browser = static_cast<StringBuilder*>(builder.child(1));
      os->Reserve(rows);
      os->ReserveData(rows * 7);
      browser->Reserve(rows);
      browser->ReserveData(rows * 7);
      each([&](int64_t, uint64_t key) {
        uint64_t draw = Draw(key, kDrawDevice);
        if (draw % 100 < 2) {
          builder.AppendNull();
          return;
        }
        const auto& device = kDevices[(draw >> 8) % kDevices.size()];
        os->Append(device.first);
        browser->Append(device.second);
        builder.Append();
      });
      return builder.Finish();
    }
    case DatagenColumn::kTags: {
      ListBuilder builder(type);
      builder.Reserve(rows);
      auto* values = static_cast<StringBuilder*>(builder.values());
      values->Reserve(rows * 2);
      values->ReserveData(rows * 12);
      each([&](int64_t, uint64_t key) {
        uint64_t draw = Draw(key, kDrawTags);
        if (draw % 100 < 5) {
          builder.AppendNull();
          return;
        }
        uint64_t count = (draw >> 8) % 4;
        uint64_t first = (draw >> 16) % kTags.size();
        for (uint64_t i = 0; i < count; ++i) values->Append(kTags[(first + i) % kTags.size()]);
        builder.Append();
      });
      return builder.Finish();
    }
  }
  return Column::MakeNull(type, rows);
}

/// Largest batch Read produces; longer ranges become several batches.
constexpr int64_t kMaxRowsPerReadBatch = 64 * 1024;

class DatagenSource final : public Source {
 public:
  DatagenSource(SourceContext context, DatagenParams params, std::vector<DatagenColumn> columns)
      : context_(std::move(context)),
        params_(params),
        columns_(std::move(columns)),
        generator_(params_),
        clock_(context_.clock != nullptr ? context_.clock : &SystemClock()),
        created_micros_(clock_->NowMicros()) {}

  Result<OffsetMap> InitialOffsets() override {
    OffsetMap offsets;
    for (int64_t p = 0; p < params_.partitions; ++p) offsets[std::to_string(p)] = 0;
    return offsets;
  }

  Result<OffsetMap> LatestOffsets() override {
    OffsetMap latest;
    std::lock_guard lock(mutex_);
    const int64_t budget = RateBudget();
    for (int64_t p = 0; p < params_.partitions; ++p) {
      int64_t value;
      if (bounded()) {
        value = Bound(p);
      } else if (params_.rows_per_second > 0) {
        value = Base(p) + Share(budget, params_.partitions, p);
      } else {
        value = Get(last_start_, p) + TriggerShare(p);
      }
      latest[std::to_string(p)] = value;
    }
    return latest;
  }

  Result<OffsetMap> PlanBatchEnd(const OffsetMap& start) override {
    std::lock_guard lock(mutex_);
    OffsetMap normalized;
    for (int64_t p = 0; p < params_.partitions; ++p) normalized[std::to_string(p)] = Get(start, p);
    if (!base_) base_ = normalized;
    last_start_ = normalized;
    const int64_t budget = RateBudget();
    OffsetMap end;
    for (int64_t p = 0; p < params_.partitions; ++p) {
      const int64_t begin = Get(normalized, p);
      int64_t stop = begin + TriggerShare(p);
      if (bounded()) stop = std::min(stop, Bound(p));
      if (params_.rows_per_second > 0) {
        stop = std::min(stop, Base(p) + Share(budget, params_.partitions, p));
      }
      end[std::to_string(p)] = std::max(begin, stop);
    }
    return end;
  }

  Status Read(const std::string& partition, int64_t start, int64_t end,
              std::vector<Batch>* out) override {
    auto parsed = ParseInt64(partition);
    if (!parsed || *parsed < 0 || *parsed >= params_.partitions) {
      return Status::NotFound("datagen source '{}' has no partition '{}' (it has {})",
                              context_.source_name, partition, params_.partitions);
    }
    const int64_t p = *parsed;
    if (start < 0 || end < start || (bounded() && end > Bound(p))) {
      return Status::OutOfRange("datagen partition {}: range [{}, {}) is outside [0, {})", p, start,
                                end, bounded() ? Bound(p) : INT64_MAX);
    }
    const SchemaRef& schema = context_.schema;
    for (int64_t chunk = start; chunk < end; chunk += kMaxRowsPerReadBatch) {
      const int64_t chunk_end = std::min(end, chunk + kMaxRowsPerReadBatch);
      std::vector<ColumnRef> columns;
      columns.reserve(columns_.size());
      for (size_t i = 0; i < columns_.size(); ++i) {
        columns.push_back(generator_.Build(columns_[i], schema->field(static_cast<int>(i)).type, p,
                                           chunk, chunk_end));
      }
      ASSIGN_OR_RETURN(Batch batch, Batch::Make(schema, std::move(columns), chunk_end - chunk));
      if (params_.json) {
        RETURN_NOT_OK(DecodeAsJson(batch, p, chunk, out));
        continue;
      }
      out->push_back(std::move(batch));
    }
    return Status::OK();
  }

  std::vector<BadRecord> TakeBadRecords() override { return std::exchange(bad_records_, {}); }

  bool IsExhausted(const OffsetMap& offsets) override {
    if (!bounded()) return false;
    for (int64_t p = 0; p < params_.partitions; ++p) {
      auto it = offsets.find(std::to_string(p));
      int64_t at = it == offsets.end() ? 0 : it->second;
      if (at < Bound(p)) return false;
    }
    return true;
  }

  std::string Describe() const override {
    std::string text =
        fmt::format("datagen[seed={}, partitions={}", params_.seed, params_.partitions);
    if (bounded()) text += fmt::format(", numRows={}", params_.num_rows);
    if (params_.rows_per_second > 0)
      text += fmt::format(", rowsPerSecond={}", params_.rows_per_second);
    if (params_.json) text += ", format=json";
    text += "]";
    return text;
  }

 private:
  bool bounded() const { return params_.num_rows > 0; }
  int64_t Bound(int64_t p) const { return Share(params_.num_rows, params_.partitions, p); }
  /// A partition's share of maxRowsPerTrigger; at least 1 so no partition starves.
  int64_t TriggerShare(int64_t p) const {
    return std::max<int64_t>(1, Share(params_.max_rows_per_trigger, params_.partitions, p));
  }
  static int64_t Get(const OffsetMap& offsets, int64_t p) {
    auto it = offsets.find(std::to_string(p));
    return it == offsets.end() ? 0 : it->second;
  }
  int64_t Base(int64_t p) const { return base_ ? Get(*base_, p) : 0; }
  /// Rows the rate limit allows in total since the source was created.
  int64_t RateBudget() const {
    if (params_.rows_per_second <= 0) return 0;
    int64_t elapsed = std::max<int64_t>(0, clock_->NowMicros() - created_micros_);
    constexpr int64_t kMicrosPerSecond = 1000000;
    return params_.rows_per_second * (elapsed / kMicrosPerSecond) +
           params_.rows_per_second * (elapsed % kMicrosPerSecond) / kMicrosPerSecond;
  }

  /// format = 'json': the rows as JSON payloads (one per row), decoded by the JSON decoder.
  Status DecodeAsJson(const Batch& rows, int64_t partition, int64_t first_offset,
                      std::vector<Batch>* out) {
    if (decoder_ == nullptr) {
      DecodeOptions decode;
      decode.used_columns = context_.used_columns;  // projection pushdown
      ASSIGN_OR_RETURN(decoder_, MakeDecoder(DecodeFormat::kJson, context_.schema, decode));
      encoder_ = std::make_unique<JsonLinesEncoder>(*rows.schema());
    }
    payload_.clear();
    encoder_->Encode(rows, payload_);
    RETURN_NOT_OK(decoder_->DecodeText(payload_));
    for (DecodeIssue& issue : decoder_->TakeIssues()) {
      BadRecord bad;
      bad.coordinates = fmt::format(R"("partition":{},"offset":{})", partition,
                                    first_offset + issue.record_index);
      bad.reason_kind = std::string(issue.kind);
      bad.reason = std::move(issue.reason);
      bad.raw = std::move(issue.raw);
      bad.dropped = issue.dropped;
      bad_records_.push_back(std::move(bad));
    }
    ASSIGN_OR_RETURN(Batch decoded, decoder_->Finish());
    out->push_back(std::move(decoded));
    return Status::OK();
  }

  SourceContext context_;
  DatagenParams params_;
  std::unique_ptr<RecordDecoder> decoder_;     // format = 'json'
  std::unique_ptr<JsonLinesEncoder> encoder_;  // format = 'json'
  std::string payload_;
  std::vector<BadRecord> bad_records_;
  std::vector<DatagenColumn> columns_;  // output column i is datagen column columns_[i]
  RowGenerator generator_;
  Clock* clock_;
  int64_t created_micros_;
  std::mutex mutex_;               // guards base_ and last_start_
  std::optional<OffsetMap> base_;  // the first start planned: what was committed at start
  OffsetMap last_start_;
};

Result<SchemaRef> ResolveSchema(const Schema& declared, const OptionSet& options) {
  RETURN_NOT_OK(ParamsFromOptions(options));
  const SchemaRef& full = FullSchema();
  if (declared.num_fields() == 0) return full;
  std::vector<std::string> names;
  for (const auto& field : full->fields()) names.push_back(field.name);
  std::vector<Field> fields;
  std::vector<bool> used(names.size(), false);
  for (const auto& field : declared.fields()) {
    int index = full->FieldIndex(field.name);
    if (index < 0) {
      std::string message = fmt::format("column '{}' is not a datagen column", field.name);
      if (auto match = ClosestMatch(field.name, names)) {
        message += fmt::format(" (did you mean '{}'?)", *match);
      }
      message += fmt::format("; datagen columns: {}", Join(names, ", "));
      return Status(StatusCode::kConfig, std::move(message));
    }
    const Field& actual = full->field(index);
    if (used[static_cast<size_t>(index)]) {
      return Status::Config("column '{}' is declared twice", field.name);
    }
    used[static_cast<size_t>(index)] = true;
    if (field.type == nullptr || !field.type->Equals(*actual.type)) {
      return Status::Config("column '{}' has type {} in datagen, declared as {}", field.name,
                            actual.type->ToString(),
                            field.type ? field.type->ToString() : std::string("(none)"));
    }
    if (!field.nullable && actual.nullable) {
      return Status::Config("column '{}' is nullable in datagen and cannot be declared NOT NULL",
                            field.name);
    }
    fields.push_back(Field{field.name, actual.type, actual.nullable});
  }
  return SchemaRef(std::make_shared<Schema>(std::move(fields)));
}

Result<std::unique_ptr<Source>> CreateDatagenSource(SourceContext context) {
  ASSIGN_OR_RETURN(DatagenParams params, ParamsFromOptions(context.options));
  if (context.schema == nullptr) context.schema = FullSchema();
  std::vector<DatagenColumn> columns;
  const SchemaRef& full = FullSchema();
  for (const auto& field : context.schema->fields()) {
    int index = full->FieldIndex(field.name);
    if (index < 0) return Status::Config("column '{}' is not a datagen column", field.name);
    if (!field.type->Equals(*full->field(index).type)) {
      return Status::Config("column '{}' has type {} in datagen, not {}", field.name,
                            full->field(index).type->ToString(), field.type->ToString());
    }
    columns.push_back(static_cast<DatagenColumn>(index));
  }
  return std::unique_ptr<Source>(
      std::make_unique<DatagenSource>(std::move(context), params, std::move(columns)));
}

std::vector<OptionSpec> DatagenOptions() {
  return {
      {.name = "numRows",
       .type = OptionType::kInt,
       .default_value = "0",
       .description = "Rows to generate in total (spread over the partitions); 0 = unbounded.",
       .min_value = 0},
      {.name = "partitions",
       .type = OptionType::kInt,
       .default_value = "1",
       .description = "Number of source partitions.",
       .min_value = 1},
      {.name = "rowsPerSecond",
       .type = OptionType::kInt,
       .default_value = "0",
       .description = "Rows per second in total across partitions; 0 = unthrottled.",
       .min_value = 0},
      {.name = "maxRowsPerTrigger",
       .type = OptionType::kInt,
       .default_value = "100000",
       .description = "Cap on the rows of one micro-batch (split evenly over partitions).",
       .min_value = 1},
      {.name = "seed",
       .type = OptionType::kInt,
       .default_value = "42",
       .description = "Seed: the same seed gives the same rows."},
      {.name = "startTimestamp",
       .type = OptionType::kString,
       .default_value = "2024-01-01T00:00:00Z",
       .description = "Event time of the first row (ISO-8601)."},
      {.name = "eventTimeStep",
       .type = OptionType::kDuration,
       .default_value = "10ms",
       .description = "Event time advance per generated row.",
       .min_value = 0},
      {.name = "maxOutOfOrder",
       .type = OptionType::kDuration,
       .default_value = "30 seconds",
       .description = "About 5% of rows get an event time earlier by up to this much.",
       .min_value = 0},
      {.name = "format",
       .type = OptionType::kEnum,
       .default_value = "columnar",
       .description = "columnar: rows built directly; json: each row encoded as a JSON payload "
                      "and decoded by the JSON decoder (same rows; benchmarks the decode path).",
       .allowed = {"columnar", "json"}},
  };
}

}  // namespace

void RegisterDatagenConnector(ConnectorRegistry& registry) {
  ConnectorDef def;
  def.name = "datagen";
  def.description =
      "Seeded, replayable clickstream generator (event_id, user_id, session_id, event_type, url, "
      "referrer, api_version, ts, price, qty, country, device, tags).";
  def.source_options = DatagenOptions();
  def.resolve_schema = ResolveSchema;
  def.create_source = CreateDatagenSource;
  Status status = registry.Register(std::move(def));
  SLUICE_DCHECK(status.ok(), status.ToString());
}

}  // namespace sluice
