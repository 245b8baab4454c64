#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "columnar/value.h"
#include "connectors/console/console_sink.h"

namespace sluice {

namespace {

constexpr size_t kTruncateAt = 20;  // Spark's default `truncate` width

size_t CodePoints(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

/// Byte length of the first `n` code points of `text`.
size_t PrefixBytes(std::string_view text, size_t n) {
  size_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (seen == n) return i;
      ++seen;
    }
  }
  return text.size();
}

std::string Cell(std::string text, bool truncate) {
  if (truncate && CodePoints(text) > kTruncateAt) {
    text.resize(PrefixBytes(text, kTruncateAt - 3));
    text += "...";
  }
  return text;
}

void AppendPadded(std::string& out, const std::string& text, size_t width, bool right_align) {
  size_t pad = width - std::min(width, CodePoints(text));
  if (right_align) out.append(pad, ' ');
  out += text;
  if (!right_align) out.append(pad, ' ');
}

}  // namespace

std::string FormatConsoleTable(const std::vector<std::string>& header,
                               const std::vector<std::vector<std::string>>& rows, bool truncate,
                               bool has_more) {
  std::vector<size_t> widths(header.size(), 3);
  for (size_t col = 0; col < header.size(); ++col) {
    widths[col] = std::max(widths[col], CodePoints(header[col]));
    for (const auto& row : rows) widths[col] = std::max(widths[col], CodePoints(row[col]));
  }
  std::string separator = "+";
  for (size_t width : widths) separator += std::string(width, '-') + "+";
  separator += "\n";

  std::string out = separator;
  auto append_row = [&](const std::vector<std::string>& cells) {
    out += "|";
    for (size_t col = 0; col < cells.size(); ++col) {
      AppendPadded(out, cells[col], widths[col], truncate);
      out += "|";
    }
    out += "\n";
  };
  append_row(header);
  out += separator;
  for (const auto& row : rows) append_row(row);
  out += separator;
  if (has_more) {
    out += fmt::format("only showing top {} {}\n", rows.size(), rows.size() == 1 ? "row" : "rows");
  }
  return out;
}

ConsoleSink::ConsoleSink(SinkContext context, std::ostream* out)
    : context_(std::move(context)),
      out_(out),
      num_rows_(context_.options.Has("numRows") ? context_.options.GetInt("numRows") : 20),
      truncate_(context_.options.Has("truncate") ? context_.options.GetBool("truncate") : true) {}

void ConsoleSink::Reset(int64_t batch_id) {
  batch_id_ = batch_id;
  header_.clear();
  rows_.clear();
  total_rows_ = 0;
  if (context_.schema != nullptr) {
    for (const auto& field : context_.schema->fields()) header_.push_back(field.name);
  }
}

Status ConsoleSink::Write(int64_t batch_id, const Batch& batch) {
  if (batch_id != batch_id_) Reset(batch_id);
  if (header_.empty()) {
    for (const auto& field : batch.schema()->fields()) header_.push_back(field.name);
  }
  const int64_t keep =
      std::min<int64_t>(batch.num_rows(), std::max<int64_t>(0, num_rows_ - total_rows_));
  for (int64_t row = 0; row < keep; ++row) {
    std::vector<std::string> cells;
    cells.reserve(static_cast<size_t>(batch.num_columns()));
    for (int col = 0; col < batch.num_columns(); ++col) {
      std::string text;
      AppendCellText(*batch.column(col), row, text);
      cells.push_back(Cell(std::move(text), truncate_));
    }
    rows_.push_back(std::move(cells));
  }
  total_rows_ += batch.num_rows();
  return Status::OK();
}

Result<SinkBatchStats> ConsoleSink::Commit(int64_t batch_id) {
  if (batch_id != batch_id_) Reset(batch_id);  // an empty batch: nothing was written
  std::string text = "-------------------------------------------\n";
  text += fmt::format("Batch: {}\n", batch_id);
  text += "-------------------------------------------\n";
  text += FormatConsoleTable(header_, rows_, truncate_,
                             total_rows_ > static_cast<int64_t>(rows_.size()));
  text += "\n";
  *out_ << text;
  out_->flush();
  SinkBatchStats stats;
  stats.rows = total_rows_;
  Reset(-1);
  return stats;
}

Status ConsoleSink::Abort(int64_t batch_id) {
  if (batch_id == batch_id_) Reset(-1);
  return Status::OK();
}

std::string ConsoleSink::Describe() const {
  return fmt::format("console[numRows={}, truncate={}]", num_rows_, truncate_);
}

namespace {

std::vector<OptionSpec> ConsoleOptions() {
  return {
      {.name = "numRows",
       .type = OptionType::kInt,
       .default_value = "20",
       .description = "Rows printed per batch.",
       .min_value = 0},
      {
          .name = "truncate",
          .type = OptionType::kBool,
          .default_value = "true",
          .description = "Cut cells longer than 20 characters to 17 + \"...\" (and right-align).",
      },
  };
}

}  // namespace

void RegisterConsoleConnector(ConnectorRegistry& registry) {
  ConnectorDef def;
  def.name = "console";
  def.description = "Prints every committed batch as a table on stdout, as Spark's console sink.";
  def.sink_options = ConsoleOptions();
  def.validate_sink = [](const Schema&, const OptionSet&) { return Status::OK(); };
  def.create_sink = [](SinkContext context) -> Result<std::unique_ptr<Sink>> {
    return std::unique_ptr<Sink>(std::make_unique<ConsoleSink>(std::move(context), &std::cout));
  };
  Status status = registry.Register(std::move(def));
  SLUICE_DCHECK(status.ok(), status.ToString());
}

}  // namespace sluice
