#include "runtime/progress.h"

#include <algorithm>
#include <cstdint>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/logging.h"
#include "common/time_util.h"

namespace sluice {

namespace {

using Json = nlohmann::ordered_json;

Json OffsetsJson(const OffsetMap& offsets) {
  Json json = Json::object();
  for (const auto& [partition, offset] : offsets) json[partition] = offset;
  return json;
}

/// Rates are rounded to 0.1 so records stay short and stable.
double Round1(double value) { return static_cast<double>(static_cast<int64_t>(value * 10)) / 10; }

}  // namespace

std::string QueryProgress::ToJson() const {
  Json json;
  json["id"] = id;
  json["runId"] = run_id;
  json["name"] = name;
  json["timestamp"] = FormatTimestampIso(timestamp_micros);
  json["batchId"] = batch_id;
  json["numInputRows"] = num_input_rows;
  json["inputRowsPerSecond"] = Round1(input_rows_per_second);
  json["processedRowsPerSecond"] = Round1(processed_rows_per_second);
  json["durationMs"] =
      Json{{"latestOffset", latest_offset_ms},   {"walCommit", wal_commit_ms},
           {"getBatch", get_batch_ms},           {"addBatch", add_batch_ms},
           {"commitOffsets", commit_offsets_ms}, {"triggerExecution", trigger_execution_ms}};
  Json source_list = Json::array();
  for (const auto& source : sources) {
    Json item;
    item["description"] = source.description;
    item["startOffset"] = OffsetsJson(source.start_offset);
    item["endOffset"] = OffsetsJson(source.end_offset);
    item["latestOffset"] = OffsetsJson(source.latest_offset);
    item["numInputRows"] = source.num_input_rows;
    item["inputRowsPerSecond"] = Round1(source.input_rows_per_second);
    item["processedRowsPerSecond"] = Round1(source.processed_rows_per_second);
    // Lag per partition: records between the batch's end and the latest offset seen when it was
    // planned (Spark's Kafka source reports the min/avg/max as `metrics`; we add the detail).
    if (!source.latest_offset.empty()) {
      Json behind = Json::object();
      int64_t min_behind = INT64_MAX, max_behind = 0, total = 0, count = 0;
      for (const auto& [partition, latest] : source.latest_offset) {
        auto end = source.end_offset.find(partition);
        int64_t lag =
            std::max<int64_t>(0, latest - (end == source.end_offset.end() ? 0 : end->second));
        behind[partition] = lag;
        min_behind = std::min(min_behind, lag);
        max_behind = std::max(max_behind, lag);
        total += lag;
        ++count;
      }
      item["metrics"] = Json{{"minOffsetsBehindLatest", min_behind},
                             {"maxOffsetsBehindLatest", max_behind},
                             {"avgOffsetsBehindLatest",
                              Round1(static_cast<double>(total) / static_cast<double>(count))},
                             {"offsetsBehindLatest", std::move(behind)}};
    }
    source_list.push_back(std::move(item));
  }
  json["sources"] = std::move(source_list);
  json["sink"] = Json{{"description", sink_description}, {"numOutputRows", num_output_rows}};
  json["numOutputRows"] = num_output_rows;
  json["filesWritten"] = files_written;
  json["bytesWritten"] = bytes_written;
  if (bad_records > 0) {
    Json by_reason = Json::object();
    for (const auto& [reason, count] : bad_records_by_reason) by_reason[reason] = count;
    json["badRecords"] = Json{{"count", bad_records}, {"byReason", std::move(by_reason)}};
  }
  if (!s3.empty()) {
    Json counters = Json::object();
    for (const auto& [name, value] : s3) counters[name] = value;
    json["s3"] = std::move(counters);
  }
  if (replayed) json["replayed"] = true;
  if (held_by_sink) json["heldBySink"] = true;
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string QueryProgress::Summary() const {
  return fmt::format(
      "query '{}' batch {}{}: {} rows in, {} rows out in {} ms ({:.0f} rows/s), {} files, {} "
      "bytes{}{}",
      name, batch_id, replayed ? " (replayed)" : "", num_input_rows, num_output_rows,
      trigger_execution_ms, processed_rows_per_second, files_written, bytes_written,
      bad_records > 0 ? fmt::format(", {} bad records", bad_records) : std::string(),
      held_by_sink ? " (held in open files)" : "");
}

Result<std::unique_ptr<ProgressReporter>> ProgressReporter::Open(const std::string& path) {
  std::FILE* file = nullptr;
  if (!path.empty()) {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    file = std::fopen(path.c_str(), "a");
    if (file == nullptr) {
      return Status::IOError("cannot open progress file '{}': {}", path, std::strerror(errno));
    }
  }
  return std::unique_ptr<ProgressReporter>(new ProgressReporter(file, path));
}

ProgressReporter::~ProgressReporter() {
  if (file_ != nullptr) std::fclose(file_);
}

Status ProgressReporter::Report(const QueryProgress& progress) {
  // A readable summary, then the record itself (as Spark logs "Streaming query made progress").
  std::string line = progress.ToJson();
  SLUICE_LOG_INFO("{}", progress.Summary());
  SLUICE_LOG_INFO("query '{}' made progress: {}", progress.name, line);
  std::lock_guard lock(mutex_);
  latest_[progress.name] = progress;
  if (file_ == nullptr) return Status::OK();
  line.push_back('\n');
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    return Status::IOError("cannot write progress file '{}': {}", path_, std::strerror(errno));
  }
  return Status::OK();
}

std::map<std::string, QueryProgress> ProgressReporter::Latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

}  // namespace sluice
