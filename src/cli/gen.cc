#include "cli/gen.h"

#include <cstdio>
#include <memory>

#include "columnar/builder.h"
#include "connectors/connector.h"
#include "formats/json_lines.h"

namespace sluice {

namespace {

constexpr int64_t kChunkRows = 65536;

// Adds `ts_ms` (BIGINT, epoch millis) computed from the TIMESTAMP column `ts`.
Result<Batch> WithEpochMillis(const Batch& batch) {
  int ts_index = batch.schema()->FieldIndex("ts");
  if (ts_index < 0) return Status::Internal("datagen batch without a ts column");
  const Column& ts = *batch.column(ts_index);
  Int64Builder millis(Int64Type());
  millis.Reserve(batch.num_rows());
  const int64_t* micros = ts.Values<int64_t>();
  for (int64_t row = 0; row < batch.num_rows(); ++row) {
    if (ts.IsNull(row)) {
      millis.AppendNull();
    } else {
      millis.Append(micros[row] / 1000);
    }
  }
  std::vector<Field> fields = batch.schema()->fields();
  fields.push_back({"ts_ms", Int64Type(), ts.null_count() > 0});
  std::vector<ColumnRef> columns = batch.columns();
  columns.push_back(millis.Finish());
  return Batch::Make(std::make_shared<Schema>(std::move(fields)), std::move(columns),
                     batch.num_rows());
}

}  // namespace

Status GenerateNdjson(const GenOptions& options) {
  if (options.rows < 0) return Status::Config("--rows must be >= 0, got {}", options.rows);
  ConnectorRegistry registry = ConnectorRegistry::Builtin();
  const ConnectorDef* datagen = registry.Find("datagen");
  if (datagen == nullptr) return Status::Internal("the datagen connector is not registered");
  OptionError error;
  ASSIGN_OR_RETURN(OptionSet source_options,
                   ValidateOptions(datagen->source_options,
                                   {{"numRows", std::to_string(options.rows)},
                                    {"seed", std::to_string(options.seed)},
                                    {"partitions", "1"}},
                                   "sluice gen", &error));
  ASSIGN_OR_RETURN(SchemaRef schema, datagen->resolve_schema(Schema(), source_options));
  SourceContext context;
  context.query_id = "gen";
  context.source_name = "gen";
  context.schema = schema;
  context.options = source_options;
  context.clock = &SystemClock();
  ASSIGN_OR_RETURN(std::unique_ptr<Source> source, datagen->create_source(std::move(context)));

  FILE* out = options.output == "-" ? stdout : std::fopen(options.output.c_str(), "wb");
  if (out == nullptr) {
    return Status::IOError("cannot write '{}': {}", options.output, std::strerror(errno));
  }
  std::unique_ptr<JsonLinesEncoder> encoder;
  std::string buffer;
  Status status;
  for (int64_t start = 0; start < options.rows && status.ok(); start += kChunkRows) {
    std::vector<Batch> batches;
    status = source->Read("0", start, std::min(options.rows, start + kChunkRows), &batches);
    for (const Batch& batch : batches) {
      if (!status.ok()) break;
      auto with_millis = WithEpochMillis(batch);
      if (!with_millis.ok()) {
        status = with_millis.status();
        break;
      }
      if (encoder == nullptr) encoder = std::make_unique<JsonLinesEncoder>(*with_millis->schema());
      buffer.clear();
      encoder->Encode(*with_millis, buffer);
      if (std::fwrite(buffer.data(), 1, buffer.size(), out) != buffer.size()) {
        status = Status::IOError("writing '{}': {}", options.output, std::strerror(errno));
      }
    }
  }
  if (out != stdout) {
    if (std::fclose(out) != 0 && status.ok()) {
      status = Status::IOError("closing '{}': {}", options.output, std::strerror(errno));
    }
  } else {
    std::fflush(out);
  }
  return status;
}

}  // namespace sluice
