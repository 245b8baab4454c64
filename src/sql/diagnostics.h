// Errors with positions: "file:line:col: error: message", then the offending line and a caret.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/ast.h"

namespace sluice::sql {

struct Diagnostic {
  Location location;
  std::string message;
};

/// Collects errors; planning continues past most of them so `sluice check` reports them all.
class Diagnostics {
 public:
  Diagnostics(std::string file_name, std::string text)
      : file_name_(std::move(file_name)), text_(text) {}

  void Error(Location location, std::string message) {
    items_.push_back({location, std::move(message)});
  }
  bool has_errors() const { return !items_.empty(); }
  const std::vector<Diagnostic>& items() const { return items_; }

  /// Every error, formatted:
  ///   pipeline.sql:3:24: error: unknown column 'prcie' (did you mean 'price'?)
  ///   INSERT INTO out SELECT prcie FROM clicks;
  ///                          ^
  /// Columns are 1-based bytes; the caret line copies tabs from the source line so the caret
  /// lines up, and counts a multi-byte UTF-8 character as one column of padding.
  std::string Format() const;
  /// A Plan status whose message is Format().
  Status ToStatus() const;

 private:
  std::string file_name_;
  std::string text_;
  std::vector<Diagnostic> items_;
};

}  // namespace sluice::sql
