#include "sql_runner/memory_connectors.h"

#include <algorithm>

#include "sql_runner/cell_parser.h"

namespace sluice::testing {

namespace {

class MemorySource final : public Source {
 public:
  MemorySource(SchemaRef schema, Batch rows, int64_t rows_per_batch)
      : schema_(std::move(schema)), rows_(std::move(rows)), rows_per_batch_(rows_per_batch) {}

  Result<OffsetMap> InitialOffsets() override { return OffsetMap{{"0", 0}}; }
  Result<OffsetMap> LatestOffsets() override { return OffsetMap{{"0", rows_.num_rows()}}; }
  Result<OffsetMap> PlanBatchEnd(const OffsetMap& start) override {
    auto it = start.find("0");
    int64_t from = it == start.end() ? 0 : it->second;
    int64_t to =
        rows_per_batch_ > 0 ? std::min(rows_.num_rows(), from + rows_per_batch_) : rows_.num_rows();
    return OffsetMap{{"0", to}};
  }
  Status Read(const std::string& partition, int64_t start, int64_t end,
              std::vector<Batch>* out) override {
    if (partition != "0" || start < 0 || end > rows_.num_rows() || start > end) {
      return Status::Internal("memory source: bad range {}:[{}, {})", partition, start, end);
    }
    out->push_back(rows_.Slice(start, end - start));
    return Status::OK();
  }
  bool IsExhausted(const OffsetMap& offsets) override {
    auto it = offsets.find("0");
    return it != offsets.end() && it->second >= rows_.num_rows();
  }
  std::string Describe() const override { return "memory"; }

 private:
  SchemaRef schema_;
  Batch rows_;
  int64_t rows_per_batch_;
};

class MemorySink final : public Sink {
 public:
  MemorySink(std::string name, std::shared_ptr<MemoryStore> store)
      : name_(std::move(name)), store_(std::move(store)) {}

  Status Open() override { return Status::OK(); }
  Status Write(int64_t batch_id, const Batch& batch) override {
    staged_[batch_id].push_back(batch);
    return Status::OK();
  }
  Result<SinkBatchStats> Commit(int64_t batch_id) override {
    std::lock_guard lock(store_->mutex);
    auto& committed = store_->committed[name_];
    SinkBatchStats stats;
    if (std::find(committed.begin(), committed.end(), batch_id) != committed.end()) {
      staged_.erase(batch_id);
      return stats;
    }
    committed.push_back(batch_id);
    for (auto& batch : staged_[batch_id]) {
      stats.rows += batch.num_rows();
      store_->outputs[name_].push_back(std::move(batch));
    }
    staged_.erase(batch_id);
    return stats;
  }
  Status Abort(int64_t batch_id) override {
    staged_.erase(batch_id);
    return Status::OK();
  }
  Result<int64_t> LastCommitted() override {
    std::lock_guard lock(store_->mutex);
    auto& committed = store_->committed[name_];
    return committed.empty() ? int64_t{-1} : *std::max_element(committed.begin(), committed.end());
  }
  std::string Describe() const override { return "memory[" + name_ + "]"; }

 private:
  std::string name_;
  std::shared_ptr<MemoryStore> store_;
  std::map<int64_t, std::vector<Batch>> staged_;
};

Result<Batch> BuildRows(const Schema& schema, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::unique_ptr<ColumnBuilder>> builders;
  for (const auto& field : schema.fields()) builders.push_back(ColumnBuilder::Make(field.type));
  for (size_t row_idx = 0; row_idx < rows.size(); ++row_idx) {
    const auto& row = rows[row_idx];
    if (static_cast<int>(row.size()) != schema.num_fields()) {
      return Status::Config("input row {} has {} cells, the source declares {} columns",
                            row_idx + 1, row.size(), schema.num_fields());
    }
    for (size_t col_idx = 0; col_idx < row.size(); ++col_idx) {
      RETURN_NOT_OK(AppendCellFromText(row[col_idx], builders[col_idx].get())
                        .WithContext(fmt::format("input row {}, column '{}'", row_idx + 1,
                                                 schema.fields()[col_idx].name)));
    }
  }
  std::vector<ColumnRef> columns;
  for (auto& builder : builders) columns.push_back(builder->Finish());
  return Batch::Make(std::make_shared<Schema>(schema), std::move(columns),
                     static_cast<int64_t>(rows.size()));
}

}  // namespace

Status RegisterMemoryConnectors(ConnectorRegistry* registry, std::shared_ptr<MemoryStore> store) {
  ConnectorDef def;
  def.name = "memory";
  def.description = "Test-only: rows from the test file's input blocks; collects output rows.";
  def.source_options = {
      {.name = "input", .type = OptionType::kString, .description = "input block name"},
      {.name = "rowsPerBatch",
       .type = OptionType::kInt,
       .default_value = "0",
       .description = "rows per batch, 0 = all",
       .min_value = 0},
  };
  def.resolve_schema = [](const Schema& declared, const OptionSet&) -> Result<SchemaRef> {
    if (declared.num_fields() == 0) {
      return Status::Config("the memory source needs declared columns");
    }
    return SchemaRef(std::make_shared<Schema>(declared));
  };
  def.create_source = [store](SourceContext context) -> Result<std::unique_ptr<Source>> {
    std::string input =
        context.options.Has("input") ? context.options.GetString("input") : context.source_name;
    std::vector<std::vector<std::string>> rows;
    {
      std::lock_guard lock(store->mutex);
      auto it = store->inputs.find(input);
      if (it == store->inputs.end()) {
        return Status::Config("no input block named '{}' in the test file", input);
      }
      rows = it->second;
    }
    ASSIGN_OR_RETURN(Batch batch, BuildRows(*context.schema, rows));
    return std::unique_ptr<Source>(std::make_unique<MemorySource>(
        context.schema, std::move(batch), context.options.GetInt("rowsPerBatch")));
  };
  def.create_sink = [store](SinkContext context) -> Result<std::unique_ptr<Sink>> {
    return std::unique_ptr<Sink>(std::make_unique<MemorySink>(context.sink_name, store));
  };
  return registry->Register(std::move(def));
}

}  // namespace sluice::testing
