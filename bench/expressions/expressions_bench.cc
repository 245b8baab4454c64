// Rows/s of one core for a typical ingestion projection, through the real parser, binder and
// vectorized evaluator. The table is generated from the row number by the same formulas as
// duckdb_baseline.mjs, so DuckDB runs the same SELECT on the same rows (compare.sh).
#include <benchmark/benchmark.h>

#include <array>
#include <cstdio>
#include <string>

#include "columnar/batch.h"
#include "columnar/builder.h"
#include "exec/transform.h"
#include "sql/binder.h"
#include "sql/diagnostics.h"
#include "sql/parser.h"

namespace sluice {
namespace {

constexpr int64_t kRows = 1 << 20;  // 1,048,576 rows: one 1M-row batch

/// The query both engines run (DuckDB's spelling is in duckdb_baseline.mjs).
constexpr const char* kPipeline = R"sql(
CREATE SOURCE events (id BIGINT, ts TIMESTAMP, url STRING, price DOUBLE, qty INT, country STRING,
                      referrer STRING) WITH ('connector' = 'memory');
CREATE SINK out WITH ('connector' = 'memory');
INSERT INTO out SELECT
  id,
  date_format(ts, 'yyyy-MM-dd HH:mm:ss') AS event_time,
  CASE WHEN price < 60 THEN 'low' WHEN price < 80 THEN 'mid' ELSE 'high' END AS band,
  regexp_extract(url, '/([a-z]+)/item', 1) AS category,
  upper(country) AS country,
  price * qty AS revenue,
  coalesce(referrer, 'direct') AS referrer,
  hour(ts) AS hour
FROM events
WHERE price >= 50
)sql";

Batch MakeTable() {
  static constexpr std::array<const char*, 10> kCategories = {
      "electronics", "books",   "home",   "garden",  "toys",
      "sports",      "fashion", "beauty", "grocery", "auto"};
  static constexpr std::array<const char*, 8> kCountries = {"us", "gb", "de", "fr",
                                                            "in", "br", "jp", "ca"};
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"id", Int64Type(), false},
                                                            {"ts", TimestampType(), false},
                                                            {"url", StringType(), false},
                                                            {"price", DoubleType(), false},
                                                            {"qty", Int32Type(), false},
                                                            {"country", StringType(), false},
                                                            {"referrer", StringType(), true}});
  Int64Builder id(Int64Type());
  Int64Builder ts(TimestampType());
  StringBuilder url;
  DoubleBuilder price(DoubleType());
  Int32Builder qty(Int32Type());
  StringBuilder country;
  StringBuilder referrer;
  char buffer[128];
  for (int64_t row = 0; row < kRows; ++row) {
    id.Append(row);
    ts.Append(1704067200000000LL + row * 1000003LL);
    int length = std::snprintf(buffer, sizeof(buffer), "https://shop.example.com/%s/item-%lld",
                               kCategories[static_cast<size_t>(row % 10)],
                               static_cast<long long>(row * 7919 % 1000));
    url.Append(std::string_view(buffer, static_cast<size_t>(length)));
    price.Append(static_cast<double>(row * 37 % 10000) / 100.0);
    qty.Append(static_cast<int32_t>(row % 5 + 1));
    country.Append(kCountries[static_cast<size_t>(row % 8)]);
    if (row % 3 == 0) {
      referrer.AppendNull();
    } else {
      length = std::snprintf(buffer, sizeof(buffer), "https://ref%lld.example.org/",
                             static_cast<long long>(row % 5));
      referrer.Append(std::string_view(buffer, static_cast<size_t>(length)));
    }
  }
  return *Batch::Make(schema,
                      {id.Finish(), ts.Finish(), url.Finish(), price.Finish(), qty.Finish(),
                       country.Finish(), referrer.Finish()},
                      kRows);
}

void BM_IngestionProjection(benchmark::State& state) {
  Batch table = MakeTable();
  sql::Diagnostics diagnostics("bench.sql", kPipeline);
  std::optional<sql::Script> script = sql::ParseScript("bench.sql", kPipeline, &diagnostics);
  if (!script) {
    state.SkipWithError(diagnostics.Format().c_str());
    return;
  }
  const auto& insert = std::get<sql::InsertStmt>(script->statements[2]);
  std::optional<sql::BoundQuery> query = sql::BindInsert(insert, *table.schema(), &diagnostics);
  if (!query) {
    state.SkipWithError(diagnostics.Format().c_str());
    return;
  }
  EvalContext context;
  int64_t output_rows = 0;
  for (auto _ : state) {
    Result<Batch> output = query->transform->Apply(table, context);
    if (!output.ok()) {
      state.SkipWithError(output.status().ToString().c_str());
      return;
    }
    output_rows = output->num_rows();
    benchmark::DoNotOptimize(output_rows);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.counters["output_rows"] = static_cast<double>(output_rows);
}
BENCHMARK(BM_IngestionProjection)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
}  // namespace sluice

BENCHMARK_MAIN();
