// The pipeline language's syntax tree. Every node carries the position it was written at, so
// every later error (binding, options, types) can point at the user's text.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "columnar/types.h"
#include "columnar/value.h"

namespace sluice::sql {

/// 1-based line and column (in bytes) of a token in the pipeline file.
struct Location {
  int line = 0;
  int column = 0;
};

struct ParsedExpr;
using ParsedExprPtr = std::unique_ptr<ParsedExpr>;

/// Expression node kinds. Unary and binary operators are located at their operator token; all
/// other nodes at their first token.
enum class ExprKind {
  kColumnRef,  // path: {"device", "os"} for device.os; first element may be a source name
  kStar,       // SELECT * (path empty), src.* or struct_col.* (path = the prefix)
  /// literal: a Value (INT/BIGINT/DOUBLE/STRING/BOOLEAN, TIMESTAMP '...', DATE '...'); the NULL
  /// keyword is a null Value whose type() is nullptr (the binder gives it a type).
  kLiteral,
  kInterval,  // INTERVAL '30' SECOND: literal holds BIGINT microseconds
  kUnary,     // op: "-", "+", "NOT"; children[0]
  /// op: "+","-","*","/","%","DIV","=","<>","<","<=",">",">=","AND","OR","||",
  /// "IS DISTINCT FROM", "IS NOT DISTINCT FROM", and "LIKE"/"ILIKE"/"RLIKE" (negated = NOT LIKE;
  /// an optional third child is LIKE's ESCAPE character); children[0..1]
  kBinary,
  kIsNull,    // children[0]; negated = IS NOT NULL
  kCast,      // children[0]; cast_type; try_cast for TRY_CAST
  kFunction,  // name(args...): function_name, children = args
  kCase,  // CASE [operand] WHEN .. THEN .. [ELSE ..] END: children = [operand?] whens/thens [else]
  kIn,    // x [NOT] IN (a, b, ...): children = x, a, b, ...; negated
  kBetween,    // x [NOT] BETWEEN lo AND hi: children = x, lo, hi; negated
  kSubscript,  // a[i]: children = a, i
  kField,      // (expr).name or a[i].name: children[0]; path[0] = the field name
};

struct ParsedExpr {
  ExprKind kind;
  Location location;
  std::vector<std::string> path;  // kColumnRef
  std::optional<Value> literal;   // kLiteral, kInterval
  std::string op;                 // kUnary, kBinary (upper-case for keywords)
  std::string function_name;      // kFunction (as written)
  TypeRef cast_type;              // kCast
  bool negated = false;           // kIsNull, kIn, kBetween, LIKE
  bool try_cast = false;          // kCast
  bool case_has_operand = false;  // kCase
  bool case_has_else = false;     // kCase
  std::vector<ParsedExprPtr> children;
  /// The exact source text of the expression (used to name unaliased output columns).
  std::string text;
};

/// `'key' = 'value'` in a WITH list or a SET.
struct OptionClause {
  std::string key;
  std::string value;
  Location key_location;
  Location value_location;
};

struct ColumnDef {
  std::string name;
  TypeRef type;
  bool not_null = false;
  Location location;
  /// `name TYPE METADATA [FROM 'key'] [VIRTUAL]` (Flink's syntax): the column is filled by the
  /// connector from the record's metadata (e.g. a Kafka record's offset), not decoded from its
  /// value. `metadata_key` is the FROM key, or the column name when FROM is absent.
  bool metadata = false;
  std::string metadata_key;
  Location metadata_location;  // of the key string, or of METADATA when FROM is absent
};

struct WatermarkDef {
  std::string column;        // event-time column
  int64_t delay_micros = 0;  // from `col - INTERVAL '30' SECOND`
  Location location;
};

struct SetStmt {
  OptionClause option;
};

struct CreateSourceStmt {
  std::string name;
  Location name_location;
  std::vector<ColumnDef> columns;  // may be empty when the connector knows its schema
  std::optional<WatermarkDef> watermark;
  std::vector<OptionClause> options;
};

struct CreateSinkStmt {
  std::string name;
  Location name_location;
  std::vector<OptionClause> options;
};

struct SelectItem {
  ParsedExprPtr expr;
  std::string alias;  // empty if none
  Location alias_location;
};

struct InsertStmt {
  std::string sink;
  Location sink_location;
  std::vector<SelectItem> select_list;
  std::string source;
  Location source_location;
  std::string source_alias;  // FROM clicks c
  ParsedExprPtr where;       // null if none
  Location location;         // of the INSERT keyword
};

using Statement = std::variant<SetStmt, CreateSourceStmt, CreateSinkStmt, InsertStmt>;

/// A whole pipeline file.
struct Script {
  std::string file_name;  // as given on the command line, for error messages
  std::string text;       // the full text, for carets under errors
  std::vector<Statement> statements;
};

}  // namespace sluice::sql
