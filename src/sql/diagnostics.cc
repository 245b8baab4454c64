#include "sql/diagnostics.h"

namespace sluice::sql {
namespace {

/// Line `line` (1-based) of `text`, without its newline; empty if out of range.
std::string_view SourceLine(std::string_view text, int line) {
  size_t start = 0;
  for (int current = 1; current < line; ++current) {
    size_t newline = text.find('\n', start);
    if (newline == std::string_view::npos) return {};
    start = newline + 1;
  }
  size_t end = text.find('\n', start);
  std::string_view result = text.substr(start, end == std::string_view::npos ? end : end - start);
  if (!result.empty() && result.back() == '\r') result.remove_suffix(1);
  return result;
}

}  // namespace

std::string Diagnostics::Format() const {
  std::string out;
  for (const Diagnostic& item : items_) {
    if (item.location.line <= 0) {  // not from the file (e.g. a --set override): no caret
      out += file_name_ + ": error: " + item.message + "\n";
      continue;
    }
    out += file_name_ + ":" + std::to_string(item.location.line) + ":" +
           std::to_string(item.location.column) + ": error: " + item.message + "\n";
    std::string_view line = SourceLine(text_, item.location.line);
    out.append(line);
    out += "\n";
    int column = std::max(1, item.location.column);
    for (size_t i = 0; i + 1 < static_cast<size_t>(column); ++i) {
      if (i < line.size()) {
        unsigned char c = static_cast<unsigned char>(line[i]);
        if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte: same character
        out += c == '\t' ? '\t' : ' ';
      } else {
        out += ' ';
      }
    }
    out += "^\n";
  }
  return out;
}

Status Diagnostics::ToStatus() const {
  if (items_.empty()) return Status::OK();
  std::string text = Format();
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return Status(StatusCode::kPlan, std::move(text));
}

}  // namespace sluice::sql
