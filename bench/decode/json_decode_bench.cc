// JSON decode throughput (MB/s, records/s) on clickstream NDJSON from datagen (nested device
// struct, tags array, ISO timestamps), next to baselines over the same bytes in the same run:
// plain simdjson touching every field (every key, string and number read) with On-Demand (per
// line, and iterate_many over the whole buffer) and with the DOM parser the decoder's fast path
// uses (per line, and parse_many). Times are the process's CPU time (simdjson's streams may run
// stage 1 on a second thread). See docs/performance.md ("JSON decode").
//
//   build/release/bench/decode/json_decode_bench --benchmark_min_time=2 --benchmark_repetitions=5
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/connector.h"
#include "formats/decode.h"
#include "formats/json_lines.h"

namespace sluice {
namespace {

constexpr int64_t kRecords = 100000;

struct Input {
  std::string ndjson;
  SchemaRef schema;
};

/// datagen's clickstream rows as JSON lines (the bytes Kafka would carry).
const Input& ClickstreamInput() {
  static const Input kInput = [] {
    Input input;
    ConnectorRegistry registry = ConnectorRegistry::Builtin();
    const ConnectorDef* datagen = registry.Find("datagen");
    OptionError error;
    auto options =
        ValidateOptions(datagen->source_options,
                        {{"numRows", std::to_string(kRecords)}, {"seed", "7"}}, "datagen", &error);
    SourceContext context;
    context.options = *options;
    context.schema = *datagen->resolve_schema(Schema(), *options);
    input.schema = context.schema;
    auto source = datagen->create_source(context);
    std::vector<Batch> batches;
    if (!source.ok() || !(*source)->Read("0", 0, kRecords, &batches).ok()) std::abort();
    JsonLinesEncoder encoder(*input.schema);
    for (const Batch& batch : batches) encoder.Encode(batch, input.ndjson);
    input.ndjson.reserve(input.ndjson.size() + simdjson::SIMDJSON_PADDING);
    return input;
  }();
  return kInput;
}

/// Touches every value of `value` (strings read, numbers parsed, containers walked).
simdjson::error_code Touch(simdjson::ondemand::value value, uint64_t* sink) {
  using namespace simdjson::ondemand;
  json_type type;
  if (auto error = value.type().get(type)) return error;
  switch (type) {
    case json_type::object: {
      object object;
      if (auto error = value.get_object().get(object)) return error;
      for (auto field : object) {
        std::string_view key;
        if (auto error = field.unescaped_key().get(key)) return error;
        *sink += key.size();
        if (auto error = Touch(field.value(), sink)) return error;
      }
      return simdjson::SUCCESS;
    }
    case json_type::array: {
      array array;
      if (auto error = value.get_array().get(array)) return error;
      for (auto element : array) {
        simdjson::ondemand::value item;
        if (auto error = element.get(item)) return error;
        if (auto error = Touch(item, sink)) return error;
      }
      return simdjson::SUCCESS;
    }
    case json_type::string: {
      std::string_view text;
      if (auto error = value.get_string().get(text)) return error;
      *sink += text.size();
      return simdjson::SUCCESS;
    }
    case json_type::number: {
      double number;
      if (auto error = value.get_double().get(number)) return error;
      *sink += static_cast<uint64_t>(number);
      return simdjson::SUCCESS;
    }
    case json_type::boolean: {
      bool flag;
      if (auto error = value.get_bool().get(flag)) return error;
      *sink += flag ? 1 : 0;
      return simdjson::SUCCESS;
    }
    case json_type::null:
      *sink += 1;
      return simdjson::SUCCESS;
  }
  return simdjson::SUCCESS;
}

/// Touches every value of a DOM element (like Touch).
void TouchDom(simdjson::dom::element element, uint64_t* sink) {
  using simdjson::dom::element_type;
  switch (element.type()) {
    case element_type::OBJECT:
      for (simdjson::dom::key_value_pair field : simdjson::dom::object(element)) {
        *sink += field.key.size();
        TouchDom(field.value, sink);
      }
      return;
    case element_type::ARRAY:
      for (simdjson::dom::element item : simdjson::dom::array(element)) TouchDom(item, sink);
      return;
    case element_type::STRING:
      *sink += std::string_view(element).size();
      return;
    case element_type::INT64:
      *sink += static_cast<uint64_t>(int64_t(element));
      return;
    case element_type::UINT64:
      *sink += uint64_t(element);
      return;
    case element_type::DOUBLE:
      *sink += static_cast<uint64_t>(double(element));
      return;
    case element_type::BOOL:
      *sink += bool(element) ? 1 : 0;
      return;
    case element_type::NULL_VALUE:
      *sink += 1;
      return;
  }
}

void SetCounters(benchmark::State& state, const Input& input) {
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(input.ndjson.size()));
  state.SetItemsProcessed(state.iterations() * kRecords);
  state.counters["bytes_per_record"] =
      static_cast<double>(input.ndjson.size()) / static_cast<double>(kRecords);
}

/// Baseline 1: simdjson On-Demand, one document per line (what the decoder does), every field
/// touched.
void BM_SimdjsonOnDemandPerLine(benchmark::State& state) {
  const Input& input = ClickstreamInput();
  simdjson::ondemand::parser parser;
  const std::string& text = input.ndjson;
  for (auto _ : state) {
    uint64_t sink = 0;
    size_t pos = 0;
    while (pos < text.size()) {
      const char* newline =
          static_cast<const char*>(std::memchr(text.data() + pos, '\n', text.size() - pos));
      size_t end = newline == nullptr ? text.size() : static_cast<size_t>(newline - text.data());
      simdjson::ondemand::document doc;
      if (parser.iterate(text.data() + pos, end - pos, text.capacity() - pos).get(doc)) {
        state.SkipWithError("parse error");
        return;
      }
      simdjson::ondemand::value root;
      if (doc.get_value().get(root) || Touch(root, &sink)) {
        state.SkipWithError("iteration error");
        return;
      }
      pos = end + 1;
    }
    benchmark::DoNotOptimize(sink);
  }
  SetCounters(state, input);
}
BENCHMARK(BM_SimdjsonOnDemandPerLine)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

/// Baseline 2: simdjson On-Demand iterate_many over the whole buffer, every field touched.
void BM_SimdjsonOnDemandIterateMany(benchmark::State& state) {
  const Input& input = ClickstreamInput();
  simdjson::ondemand::parser parser;
  for (auto _ : state) {
    uint64_t sink = 0;
    simdjson::ondemand::document_stream stream;
    if (parser.iterate_many(input.ndjson.data(), input.ndjson.size(), 1 << 20).get(stream)) {
      state.SkipWithError("iterate_many error");
      return;
    }
    for (auto doc : stream) {
      simdjson::ondemand::value root;
      if (doc.get_value().get(root) || Touch(root, &sink)) {
        state.SkipWithError("iteration error");
        return;
      }
    }
    benchmark::DoNotOptimize(sink);
  }
  SetCounters(state, input);
}
BENCHMARK(BM_SimdjsonOnDemandIterateMany)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

/// Baseline 3: simdjson DOM (stage 2 builds a tape) per line, every field touched.
void BM_SimdjsonDomPerLine(benchmark::State& state) {
  const Input& input = ClickstreamInput();
  simdjson::dom::parser parser;
  const std::string& text = input.ndjson;
  for (auto _ : state) {
    uint64_t sink = 0;
    size_t pos = 0;
    while (pos < text.size()) {
      const char* newline =
          static_cast<const char*>(std::memchr(text.data() + pos, '\n', text.size() - pos));
      size_t end = newline == nullptr ? text.size() : static_cast<size_t>(newline - text.data());
      simdjson::dom::element root;
      if (parser.parse(text.data() + pos, end - pos, false).get(root)) {
        state.SkipWithError("parse error");
        return;
      }
      TouchDom(root, &sink);
      pos = end + 1;
    }
    benchmark::DoNotOptimize(sink);
  }
  SetCounters(state, input);
}
BENCHMARK(BM_SimdjsonDomPerLine)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

/// Baseline 4: simdjson DOM parse_many over the whole buffer, every field touched.
void BM_SimdjsonDomParseMany(benchmark::State& state) {
  const Input& input = ClickstreamInput();
  simdjson::dom::parser parser;
  for (auto _ : state) {
    uint64_t sink = 0;
    simdjson::dom::document_stream stream;
    if (parser.parse_many(input.ndjson.data(), input.ndjson.size(), 1 << 20).get(stream)) {
      state.SkipWithError("parse_many error");
      return;
    }
    for (auto doc : stream) {
      simdjson::dom::element root;
      if (doc.get(root)) {
        state.SkipWithError("parse error");
        return;
      }
      TouchDom(root, &sink);
    }
    benchmark::DoNotOptimize(sink);
  }
  SetCounters(state, input);
}
BENCHMARK(BM_SimdjsonDomParseMany)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

/// Sluice: the same bytes, as one text (a file's contents), into a Batch of the declared
/// clickstream schema (13 columns).
void BM_JsonDecoderIntoColumns(benchmark::State& state) {
  const Input& input = ClickstreamInput();
  auto decoder = MakeDecoder(DecodeFormat::kJson, input.schema, {});
  if (!decoder.ok()) std::abort();
  for (auto _ : state) {
    if (!(*decoder)->DecodeText(input.ndjson).ok()) {
      state.SkipWithError("decode error");
      return;
    }
    auto batch = (*decoder)->Finish();
    if (!batch.ok() || batch->num_rows() != kRecords) {
      state.SkipWithError("wrong batch");
      return;
    }
    benchmark::DoNotOptimize(batch->num_rows());
  }
  SetCounters(state, input);
}
BENCHMARK(BM_JsonDecoderIntoColumns)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

/// Sluice with projection pushdown: the columns the e2e filter + projection query reads
/// (bench/e2e: everything but referrer and tags) decoded, the other two fields skipped.
void BM_JsonDecoderPushdown(benchmark::State& state) {
  const Input& input = ClickstreamInput();
  DecodeOptions options;
  for (const Field& field : input.schema->fields()) {
    options.used_columns.push_back(field.name != "referrer" && field.name != "tags");
  }
  auto decoder = MakeDecoder(DecodeFormat::kJson, input.schema, options);
  if (!decoder.ok()) std::abort();
  for (auto _ : state) {
    if (!(*decoder)->DecodeText(input.ndjson).ok()) {
      state.SkipWithError("decode error");
      return;
    }
    auto batch = (*decoder)->Finish();
    if (!batch.ok() || batch->num_rows() != kRecords) {
      state.SkipWithError("wrong batch");
      return;
    }
    benchmark::DoNotOptimize(batch->num_rows());
  }
  SetCounters(state, input);
}
BENCHMARK(BM_JsonDecoderPushdown)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

/// Sluice: the same records as separate payloads (Kafka values: no padding after them, so each
/// is copied before parsing).
void BM_JsonDecoderPayloads(benchmark::State& state) {
  const Input& input = ClickstreamInput();
  std::vector<std::string_view> payloads;
  const std::string& text = input.ndjson;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    payloads.emplace_back(text.data() + pos, end - pos);
    pos = end + 1;
  }
  auto decoder = MakeDecoder(DecodeFormat::kJson, input.schema, {});
  if (!decoder.ok()) std::abort();
  for (auto _ : state) {
    if (!(*decoder)->DecodeRecords(payloads, 0).ok()) {
      state.SkipWithError("decode error");
      return;
    }
    auto batch = (*decoder)->Finish();
    if (!batch.ok() || batch->num_rows() != kRecords) {
      state.SkipWithError("wrong batch");
      return;
    }
    benchmark::DoNotOptimize(batch->num_rows());
  }
  SetCounters(state, input);
}
BENCHMARK(BM_JsonDecoderPayloads)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

}  // namespace
}  // namespace sluice

BENCHMARK_MAIN();
