// A fake Source and Sink for runtime tests, registered as connectors "fake" (source) and
// "fakesink" (sink). Their state lives in shared structs that outlive the instances, so a test
// can restart a query and see what the "durable" sink holds.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "columnar/batch.h"
#include "columnar/builder.h"
#include "connectors/connector.h"
#include "runtime/planner.h"

namespace sluice::testing {

/// Records of partition p have value p * 1000 + offset.
struct FakeSourceState {
  std::mutex mutex;
  std::map<std::string, int64_t> available;  // partition -> records available
  int64_t max_per_batch = 3;                 // per partition
  bool bounded = true;
  std::vector<std::tuple<std::string, int64_t, int64_t>> reads;
  std::vector<OffsetMap> advised;
  int plan_calls = 0;
  /// Called (without the lock) at every PlanBatchEnd.
  std::function<void()> on_plan;
};

struct FakeSinkState {
  std::mutex mutex;
  int opens = 0;
  std::map<int64_t, std::vector<int64_t>> staged;
  std::map<int64_t, std::vector<int64_t>> committed;  // "durable"
  std::vector<int64_t> write_batches;                 // batch id of every Write
  std::vector<int64_t> commit_calls;
  std::vector<int64_t> aborts;
  bool reports_last_committed = true;
  /// Called (without the lock) at every Write; may fail it.
  std::function<Status(int64_t batch_id)> on_write;
  /// Called (without the lock) at every Commit; may fail it.
  std::function<Status(int64_t batch_id)> on_commit;

  /// Every committed value, in batch order.
  std::vector<int64_t> AllCommitted() {
    std::lock_guard lock(mutex);
    std::vector<int64_t> out;
    for (const auto& [batch, values] : committed)
      out.insert(out.end(), values.begin(), values.end());
    return out;
  }
};

inline SchemaRef FakeSchema() {
  static const SchemaRef schema =
      std::make_shared<Schema>(std::vector<Field>{{"v", Int64Type(), false}});
  return schema;
}

class FakeSource final : public Source {
 public:
  explicit FakeSource(std::shared_ptr<FakeSourceState> state) : state_(std::move(state)) {}

  Result<OffsetMap> InitialOffsets() override {
    std::lock_guard lock(state_->mutex);
    OffsetMap out;
    for (const auto& [partition, count] : state_->available) out[partition] = 0;
    return out;
  }
  Result<OffsetMap> LatestOffsets() override {
    std::lock_guard lock(state_->mutex);
    return OffsetMap(state_->available.begin(), state_->available.end());
  }
  Result<OffsetMap> PlanBatchEnd(const OffsetMap& start) override {
    std::function<void()> hook;
    {
      std::lock_guard lock(state_->mutex);
      ++state_->plan_calls;
      hook = state_->on_plan;
    }
    if (hook) hook();
    std::lock_guard lock(state_->mutex);
    OffsetMap end;
    for (const auto& [partition, count] : state_->available) {
      auto it = start.find(partition);
      int64_t from = it == start.end() ? 0 : it->second;
      end[partition] = std::min(from + state_->max_per_batch, count);
      if (end[partition] < from) end[partition] = from;
    }
    return end;
  }
  Status Read(const std::string& partition, int64_t start, int64_t end,
              std::vector<Batch>* out) override {
    {
      std::lock_guard lock(state_->mutex);
      state_->reads.emplace_back(partition, start, end);
    }
    Int64Builder builder(Int64Type());
    int64_t base = std::stoll(partition) * 1000;
    for (int64_t offset = start; offset < end; ++offset) builder.Append(base + offset);
    ASSIGN_OR_RETURN(Batch batch, Batch::Make(FakeSchema(), {builder.Finish()}, end - start));
    out->push_back(std::move(batch));
    return Status::OK();
  }
  bool IsExhausted(const OffsetMap& offsets) override {
    std::lock_guard lock(state_->mutex);
    if (!state_->bounded) return false;
    for (const auto& [partition, count] : state_->available) {
      auto it = offsets.find(partition);
      if (it == offsets.end() || it->second < count) return false;
    }
    return true;
  }
  void Advise(const OffsetMap& committed) override {
    std::lock_guard lock(state_->mutex);
    state_->advised.push_back(committed);
  }
  std::string Describe() const override { return "fake[partitions=2]"; }

 private:
  std::shared_ptr<FakeSourceState> state_;
};

class FakeSink final : public Sink {
 public:
  explicit FakeSink(std::shared_ptr<FakeSinkState> state) : state_(std::move(state)) {}

  Status Open() override {
    std::lock_guard lock(state_->mutex);
    ++state_->opens;
    state_->staged.clear();  // recovery: drop what uncommitted batches staged
    return Status::OK();
  }
  Status Write(int64_t batch_id, const Batch& batch) override {
    std::function<Status(int64_t)> hook;
    {
      std::lock_guard lock(state_->mutex);
      hook = state_->on_write;
    }
    if (hook) RETURN_NOT_OK(hook(batch_id));
    std::lock_guard lock(state_->mutex);
    state_->write_batches.push_back(batch_id);
    const auto& column = batch.column(0);
    for (int64_t row = 0; row < batch.num_rows(); ++row) {
      state_->staged[batch_id].push_back(column->Values<int64_t>()[row]);
    }
    return Status::OK();
  }
  Result<SinkBatchStats> Commit(int64_t batch_id) override {
    std::function<Status(int64_t)> hook;
    {
      std::lock_guard lock(state_->mutex);
      hook = state_->on_commit;
    }
    if (hook) RETURN_NOT_OK(hook(batch_id));
    std::lock_guard lock(state_->mutex);
    state_->commit_calls.push_back(batch_id);
    SinkBatchStats stats;
    if (state_->committed.count(batch_id) > 0) return stats;  // idempotent
    auto& values = state_->committed[batch_id];
    values = std::move(state_->staged[batch_id]);
    state_->staged.erase(batch_id);
    stats.rows = static_cast<int64_t>(values.size());
    stats.files = values.empty() ? 0 : 1;
    stats.bytes = stats.rows * 8;
    return stats;
  }
  Status Abort(int64_t batch_id) override {
    std::lock_guard lock(state_->mutex);
    state_->aborts.push_back(batch_id);
    state_->staged.erase(batch_id);
    return Status::OK();
  }
  Result<int64_t> LastCommitted() override {
    std::lock_guard lock(state_->mutex);
    if (!state_->reports_last_committed || state_->committed.empty()) return int64_t{-1};
    return state_->committed.rbegin()->first;
  }
  std::string Describe() const override { return "fakesink"; }

 private:
  std::shared_ptr<FakeSinkState> state_;
};

inline ConnectorDef FakeSourceDef(std::shared_ptr<FakeSourceState> state) {
  ConnectorDef def;
  def.name = "fake";
  def.description = "test source";
  def.resolve_schema = [](const Schema&, const OptionSet&) -> Result<SchemaRef> {
    return FakeSchema();
  };
  def.create_source = [state](SourceContext) -> Result<std::unique_ptr<Source>> {
    return std::unique_ptr<Source>(std::make_unique<FakeSource>(state));
  };
  return def;
}

inline ConnectorDef FakeSinkDef(std::shared_ptr<FakeSinkState> state) {
  ConnectorDef def;
  def.name = "fakesink";
  def.description = "test sink";
  def.create_sink = [state](SinkContext) -> Result<std::unique_ptr<Sink>> {
    return std::unique_ptr<Sink>(std::make_unique<FakeSink>(state));
  };
  return def;
}

/// A query "q" from the fake source into the fake sink, passing rows through unchanged.
inline QueryPlan FakeQueryPlan(std::shared_ptr<FakeSourceState> source,
                               std::shared_ptr<FakeSinkState> sink, Trigger trigger,
                               std::string checkpoint_dir, std::string name = "q") {
  QueryPlan plan;
  plan.name = std::move(name);
  plan.source.name = "src";
  plan.source.def = FakeSourceDef(std::move(source));
  plan.source.schema = FakeSchema();
  plan.sink.name = "out";
  plan.sink.def = FakeSinkDef(std::move(sink));
  plan.bound.input_schema = FakeSchema();
  plan.bound.output_schema = FakeSchema();
  plan.trigger = trigger;
  plan.checkpoint_dir = std::move(checkpoint_dir);
  return plan;
}

}  // namespace sluice::testing
