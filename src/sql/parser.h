// Parser for the pipeline language: SET, CREATE SOURCE, CREATE SINK, INSERT INTO ... SELECT.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sql/ast.h"
#include "sql/diagnostics.h"

namespace sluice::sql {

/// Parses a whole pipeline file. On syntax errors, reports each to `diagnostics` (recovering at
/// the next ';' to find more) and returns std::nullopt.
std::optional<Script> ParseScript(std::string file_name, std::string text,
                                  Diagnostics* diagnostics);

/// Parses one expression (tests, --set values, test-file literals).
std::optional<ParsedExprPtr> ParseExpression(std::string_view text, Diagnostics* diagnostics);

}  // namespace sluice::sql
