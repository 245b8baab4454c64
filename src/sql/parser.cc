#include "sql/parser.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>

#include "common/strings.h"
#include "common/time_util.h"
#include "sql/lexer.h"

namespace sluice::sql {
namespace {

// Words that never name a column or an alias when written unquoted.
constexpr std::string_view kReservedWords[] = {
    "SELECT", "FROM",    "WHERE",  "AS",    "AND",      "OR",     "NOT",  "IS",
    "NULL",   "TRUE",    "FALSE",  "CAST",  "TRY_CAST", "INSERT", "INTO", "CREATE",
    "SET",    "WITH",    "CASE",   "WHEN",  "THEN",     "ELSE",   "END",  "GROUP",
    "BY",     "ORDER",   "HAVING", "LIMIT", "UNION",    "JOIN",   "ON",   "DISTINCT",
    "IN",     "BETWEEN", "LIKE",   "ILIKE", "RLIKE"};

/// Spark's string-literal escapes (`unescapeSQLString`): \n \t \r \b \0 \Z \' \" \\,
/// \uXXXX, octal \ooo; `\%` and `\_` keep their backslash (LIKE escapes); before any other
/// character the backslash is dropped.
std::string UnescapeSparkString(std::string_view raw) {
  if (raw.find('\\') == std::string_view::npos) return std::string(raw);
  std::string out;
  out.reserve(raw.size());
  auto append_utf8 = [&](uint32_t code) {
    if (code < 0x80) {
      out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (code >> 6)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (code >> 12)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
  };
  for (size_t pos = 0; pos < raw.size(); ++pos) {
    char c = raw[pos];
    if (c != '\\' || pos + 1 >= raw.size()) {
      out.push_back(c);
      continue;
    }
    char next = raw[++pos];
    auto is_hex = [](char h) { return std::isxdigit(static_cast<unsigned char>(h)) != 0; };
    if (next == 'u' && pos + 4 < raw.size() && is_hex(raw[pos + 1]) && is_hex(raw[pos + 2]) &&
        is_hex(raw[pos + 3]) && is_hex(raw[pos + 4])) {
      append_utf8(
          static_cast<uint32_t>(std::stoul(std::string(raw.substr(pos + 1, 4)), nullptr, 16)));
      pos += 4;
      continue;
    }
    if (next >= '0' && next <= '1' && pos + 2 < raw.size() && raw[pos + 1] >= '0' &&
        raw[pos + 1] <= '7' && raw[pos + 2] >= '0' && raw[pos + 2] <= '7') {
      out.push_back(
          static_cast<char>((next - '0') * 64 + (raw[pos + 1] - '0') * 8 + (raw[pos + 2] - '0')));
      pos += 2;
      continue;
    }
    switch (next) {
      case '0':
        out.push_back('\0');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'Z':
        out.push_back('\x1A');
        break;
      case '%':
        out += "\\%";
        break;
      case '_':
        out += "\\_";
        break;
      default:
        out.push_back(next);
        break;
    }
  }
  return out;
}

/// Type names other engines use, mapped onto ours (Spark code pasted as is still binds).
std::optional<TypeRef> TypeAlias(std::string_view name) {
  for (std::string_view alias : {"FLOAT", "REAL", "DECIMAL", "NUMERIC", "DEC"}) {
    if (EqualsIgnoreCase(name, alias)) return DoubleType();
  }
  for (std::string_view alias : {"SMALLINT", "TINYINT", "SHORT", "BYTE", "INT4", "INT2"}) {
    if (EqualsIgnoreCase(name, alias)) return Int32Type();
  }
  if (EqualsIgnoreCase(name, "INT8")) return Int64Type();
  if (EqualsIgnoreCase(name, "TIMESTAMP_NTZ") || EqualsIgnoreCase(name, "TIMESTAMP_LTZ") ||
      EqualsIgnoreCase(name, "TIMESTAMPTZ")) {
    return TimestampType();
  }
  return std::nullopt;
}

bool IsReserved(const Token& token) {
  if (token.kind != TokenKind::kIdentifier) return false;
  for (std::string_view word : kReservedWords) {
    if (EqualsIgnoreCase(token.text, word)) return true;
  }
  return false;
}

struct IntervalUnit {
  std::string_view singular;
  int64_t micros;
};
constexpr IntervalUnit kIntervalUnits[] = {{"MICROSECOND", 1},
                                           {"MILLISECOND", 1000},
                                           {"SECOND", 1000000},
                                           {"MINUTE", 60LL * 1000000},
                                           {"HOUR", 3600LL * 1000000},
                                           {"DAY", 86400LL * 1000000},
                                           {"WEEK", 7 * 86400LL * 1000000}};

std::optional<int64_t> IntervalUnitMicros(const Token& token) {
  if (token.kind != TokenKind::kIdentifier) return std::nullopt;
  for (const auto& unit : kIntervalUnits) {
    if (EqualsIgnoreCase(token.text, unit.singular) ||
        (token.text.size() == unit.singular.size() + 1 &&
         EqualsIgnoreCase(token.text, std::string(unit.singular) + "S"))) {
      return unit.micros;
    }
  }
  return std::nullopt;
}

class Parser {
 public:
  Parser(std::string_view text, Diagnostics* diagnostics)
      : text_(text), tokens_(Tokenize(text)), diagnostics_(diagnostics) {}

  bool ParseStatements(std::vector<Statement>* statements) {
    bool ok = true;
    while (Peek().kind != TokenKind::kEnd) {
      if (AcceptOp(";")) continue;
      failed_ = false;
      std::optional<Statement> statement = ParseStatement();
      if (!failed_ && !IsOp(Peek(), ";") && Peek().kind != TokenKind::kEnd) {
        ErrorExpected("';'");
      }
      if (failed_) {
        ok = false;
        Recover();
      } else {
        statements->push_back(std::move(*statement));
        AcceptOp(";");
      }
    }
    return ok;
  }

  std::optional<ParsedExprPtr> ParseStandaloneExpression() {
    ParsedExprPtr expr = ParseExpr();
    if (!failed_ && Peek().kind != TokenKind::kEnd) ErrorExpected("end of expression");
    if (failed_) {
      Recover();
      return std::nullopt;
    }
    return expr;
  }

 private:
  // ---- token helpers ----
  const Token& Peek(size_t ahead = 0) const {
    size_t index = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[index];
  }
  const Token& Next() {
    const Token& token = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    last_end_ = token.end;
    return token;
  }
  static bool IsOp(const Token& token, std::string_view op) {
    return token.kind == TokenKind::kOperator && token.value == op;
  }
  bool AcceptOp(std::string_view op) {
    if (!IsOp(Peek(), op)) return false;
    Next();
    return true;
  }
  bool AcceptKeyword(std::string_view keyword) {
    if (!IsKeyword(Peek(), keyword)) return false;
    Next();
    return true;
  }
  bool ExpectOp(std::string_view op) {
    if (AcceptOp(op)) return true;
    ErrorExpected("'" + std::string(op) + "'");
    return false;
  }
  bool ExpectKeyword(std::string_view keyword) {
    if (AcceptKeyword(keyword)) return true;
    ErrorExpected("'" + std::string(keyword) + "'");
    return false;
  }

  // ---- errors ----
  void ErrorAt(Location location, std::string message) {
    if (failed_) return;
    failed_ = true;
    diagnostics_->Error(location, std::move(message));
  }
  /// "expected <what> but found '<token>'", or the lexer's message, or end of input.
  void ErrorExpected(const std::string& what) {
    const Token& token = Peek();
    if (token.kind == TokenKind::kError) {
      reported_lex_error_ = pos_;
      ErrorAt(token.location, token.value);
    } else if (token.kind == TokenKind::kEnd) {
      ErrorAt(token.location, "unexpected end of input (expected " + what + ")");
    } else {
      ErrorAt(token.location, "expected " + what + " but found '" + token.text + "'");
    }
  }

  /// Skips to the end of the failed statement: past the next ';', or to the next statement
  /// keyword that starts a line. Lexical errors skipped on the way are still reported.
  void Recover() {
    while (Peek().kind != TokenKind::kEnd) {
      const Token& token = Peek();
      if (token.kind == TokenKind::kError && reported_lex_error_ != pos_) {
        diagnostics_->Error(token.location, token.value);
        reported_lex_error_ = pos_;
      }
      if (IsOp(token, ";")) {
        Next();
        return;
      }
      if (pos_ > recover_start_guard_ && IsStatementStart(pos_)) return;
      Next();
    }
    if (Peek().kind == TokenKind::kEnd) return;
  }
  bool IsStatementStart(size_t index) const {
    const Token& token = tokens_[index];
    if (!(IsKeyword(token, "CREATE") || IsKeyword(token, "INSERT") || IsKeyword(token, "SET"))) {
      return false;
    }
    if (index == statement_start_) return false;
    // First token on its line.
    return index == 0 || tokens_[index - 1].location.line < token.location.line;
  }

  // ---- statements ----
  std::optional<Statement> ParseStatement() {
    statement_start_ = pos_;
    recover_start_guard_ = pos_;
    const Token& first = Peek();
    if (IsKeyword(first, "SET")) {
      Next();
      SetStmt stmt;
      if (!ParseOption(&stmt.option)) return std::nullopt;
      return Statement(std::move(stmt));
    }
    if (IsKeyword(first, "CREATE")) {
      Next();
      if (AcceptKeyword("SOURCE")) return ParseCreateSource();
      if (AcceptKeyword("SINK")) return ParseCreateSink();
      ErrorExpected("'SOURCE' or 'SINK'");
      return std::nullopt;
    }
    if (IsKeyword(first, "INSERT")) return ParseInsert();
    ErrorExpected("'SET', 'CREATE' or 'INSERT'");
    return std::nullopt;
  }

  /// A name: an unquoted non-reserved identifier or a quoted one.
  bool ParseName(std::string* name, Location* location, const char* what) {
    const Token& token = Peek();
    if ((token.kind == TokenKind::kIdentifier && !IsReserved(token)) ||
        token.kind == TokenKind::kQuotedIdentifier) {
      *name = token.value;
      if (location != nullptr) *location = token.location;
      Next();
      return true;
    }
    ErrorExpected(what);
    return false;
  }

  /// An option key: 'string' or a dotted identifier (kafka.bootstrap.servers).
  bool ParseOptionKey(std::string* key, Location* location) {
    const Token& token = Peek();
    *location = token.location;
    if (token.kind == TokenKind::kString) {
      *key = token.value;
      Next();
      return true;
    }
    if (token.kind == TokenKind::kIdentifier || token.kind == TokenKind::kQuotedIdentifier) {
      *key = Next().value;
      while (IsOp(Peek(), ".")) {
        Next();
        const Token& part = Peek();
        if (part.kind != TokenKind::kIdentifier && part.kind != TokenKind::kQuotedIdentifier &&
            part.kind != TokenKind::kInteger) {
          ErrorExpected("an option name");
          return false;
        }
        *key += "." + Next().value;
      }
      return true;
    }
    ErrorExpected("an option name");
    return false;
  }

  /// `key = value`; the value is a string, a number, TRUE/FALSE or an identifier.
  bool ParseOption(OptionClause* option) {
    if (!ParseOptionKey(&option->key, &option->key_location)) return false;
    if (!ExpectOp("=")) return false;
    const Token& token = Peek();
    option->value_location = token.location;
    if (token.kind == TokenKind::kString) {
      // Spark's escapes apply to option strings too: '\t' is a tab, '\\' a backslash.
      option->value = UnescapeSparkString(Next().value);
      return true;
    }
    if (token.kind == TokenKind::kString || token.kind == TokenKind::kQuotedIdentifier ||
        (token.kind == TokenKind::kIdentifier &&
         (!IsReserved(token) || IsKeyword(token, "TRUE") || IsKeyword(token, "FALSE")))) {
      option->value = Next().value;
      return true;
    }
    if (token.kind == TokenKind::kInteger || token.kind == TokenKind::kDecimal) {
      option->value = Next().text;
      return true;
    }
    if (IsOp(token, "-") &&
        (Peek(1).kind == TokenKind::kInteger || Peek(1).kind == TokenKind::kDecimal)) {
      Next();
      option->value = "-" + Next().text;
      return true;
    }
    ErrorExpected("an option value");
    return false;
  }

  bool ParseWithOptions(std::vector<OptionClause>* options) {
    if (!ExpectKeyword("WITH")) return false;
    if (!ExpectOp("(")) return false;
    if (AcceptOp(")")) return true;
    do {
      OptionClause option;
      if (!ParseOption(&option)) return false;
      options->push_back(std::move(option));
    } while (AcceptOp(","));
    return ExpectOp(")");
  }

  std::optional<Statement> ParseCreateSource() {
    CreateSourceStmt stmt;
    if (!ParseName(&stmt.name, &stmt.name_location, "a source name")) return std::nullopt;
    if (AcceptOp("(")) {
      do {
        if (IsKeyword(Peek(), "WATERMARK")) {
          if (!ParseWatermark(&stmt)) return std::nullopt;
          continue;
        }
        ColumnDef column;
        if (!ParseName(&column.name, &column.location, "a column name")) return std::nullopt;
        for (const auto& existing : stmt.columns) {
          if (EqualsIgnoreCase(existing.name, column.name)) {
            ErrorAt(column.location, "duplicate column '" + column.name + "'");
            return std::nullopt;
          }
        }
        column.type = ParseType();
        if (!column.type) return std::nullopt;
        if (IsKeyword(Peek(), "NOT")) {
          Next();
          if (!ExpectKeyword("NULL")) return std::nullopt;
          column.not_null = true;
        } else {
          AcceptKeyword("NULL");
        }
        if (IsKeyword(Peek(), "METADATA") && !ParseMetadata(&column)) return std::nullopt;
        stmt.columns.push_back(std::move(column));
      } while (AcceptOp(","));
      if (!ExpectOp(")")) return std::nullopt;
      if (stmt.watermark) {
        bool found = false;
        for (const auto& column : stmt.columns) {
          if (EqualsIgnoreCase(column.name, stmt.watermark->column)) {
            found = true;
            if (column.type->id() != TypeId::kTimestamp) {
              ErrorAt(stmt.watermark->location, "watermark column '" + column.name +
                                                    "' must be TIMESTAMP, got " +
                                                    column.type->ToString());
              return std::nullopt;
            }
          }
        }
        if (!found) {
          ErrorAt(stmt.watermark->location,
                  "unknown column '" + stmt.watermark->column + "' in WATERMARK");
          return std::nullopt;
        }
      }
    }
    if (!ParseWithOptions(&stmt.options)) return std::nullopt;
    return Statement(std::move(stmt));
  }

  // METADATA [FROM 'key'] [VIRTUAL] after a column's type (Flink's syntax). VIRTUAL is accepted
  // for pasted Flink DDL and changes nothing: a source's columns are never written back.
  bool ParseMetadata(ColumnDef* column) {
    const Token& keyword = Next();
    column->metadata = true;
    column->metadata_key = column->name;
    column->metadata_location = keyword.location;
    if (AcceptKeyword("FROM")) {
      const Token& key = Peek();
      if (key.kind != TokenKind::kString) {
        ErrorExpected("a metadata key string (e.g. 'offset')");
        return false;
      }
      column->metadata_location = key.location;
      column->metadata_key = Next().value;
      if (column->metadata_key.empty()) {
        ErrorAt(column->metadata_location, "empty metadata key");
        return false;
      }
    }
    AcceptKeyword("VIRTUAL");
    return true;
  }

  // WATERMARK FOR col AS col [- INTERVAL '30' SECOND]
  bool ParseWatermark(CreateSourceStmt* stmt) {
    const Token& keyword = Next();
    if (stmt->watermark) {
      ErrorAt(keyword.location, "only one WATERMARK is allowed");
      return false;
    }
    WatermarkDef watermark;
    if (!ExpectKeyword("FOR")) return false;
    if (!ParseName(&watermark.column, &watermark.location, "a column name")) return false;
    if (!ExpectKeyword("AS")) return false;
    std::string column;
    Location location;
    if (!ParseName(&column, &location, "a column name")) return false;
    if (!EqualsIgnoreCase(column, watermark.column)) {
      ErrorAt(location, "watermark expression must be '" + watermark.column +
                            " - INTERVAL ...', found column '" + column + "'");
      return false;
    }
    if (AcceptOp("-")) {
      if (!IsKeyword(Peek(), "INTERVAL")) {
        ErrorExpected("'INTERVAL'");
        return false;
      }
      std::optional<int64_t> micros = ParseIntervalMicros();
      if (!micros) return false;
      if (*micros < 0) {
        ErrorAt(location, "watermark delay must not be negative");
        return false;
      }
      watermark.delay_micros = *micros;
    }
    stmt->watermark = std::move(watermark);
    return true;
  }

  std::optional<Statement> ParseCreateSink() {
    CreateSinkStmt stmt;
    if (!ParseName(&stmt.name, &stmt.name_location, "a sink name")) return std::nullopt;
    if (!ParseWithOptions(&stmt.options)) return std::nullopt;
    return Statement(std::move(stmt));
  }

  std::optional<Statement> ParseInsert() {
    InsertStmt stmt;
    stmt.location = Next().location;
    if (!ExpectKeyword("INTO")) return std::nullopt;
    if (!ParseName(&stmt.sink, &stmt.sink_location, "a sink name")) return std::nullopt;
    if (!ExpectKeyword("SELECT")) return std::nullopt;
    do {
      SelectItem item;
      item.expr = ParseExpr();
      if (failed_) return std::nullopt;
      if (AcceptKeyword("AS")) {
        if (!ParseName(&item.alias, &item.alias_location, "an alias")) return std::nullopt;
      } else if ((Peek().kind == TokenKind::kIdentifier && !IsReserved(Peek())) ||
                 Peek().kind == TokenKind::kQuotedIdentifier) {
        item.alias_location = Peek().location;
        item.alias = Next().value;
      }
      if (!item.alias.empty() && item.expr->kind == ExprKind::kStar) {
        ErrorAt(item.alias_location, "'*' cannot have an alias");
        return std::nullopt;
      }
      stmt.select_list.push_back(std::move(item));
    } while (AcceptOp(","));
    if (!ExpectKeyword("FROM")) return std::nullopt;
    if (!ParseName(&stmt.source, &stmt.source_location, "a source name")) return std::nullopt;
    if (AcceptKeyword("AS")) {
      if (!ParseName(&stmt.source_alias, nullptr, "an alias")) return std::nullopt;
    } else if ((Peek().kind == TokenKind::kIdentifier && !IsReserved(Peek())) ||
               Peek().kind == TokenKind::kQuotedIdentifier) {
      stmt.source_alias = Next().value;
    }
    if (AcceptKeyword("WHERE")) {
      stmt.where = ParseExpr();
      if (failed_) return std::nullopt;
    }
    return Statement(std::move(stmt));
  }

  // ---- types ----
  TypeRef ParseType() {
    const Token& token = Peek();
    if (token.kind != TokenKind::kIdentifier) {
      ErrorExpected("a type");
      return nullptr;
    }
    if (IsKeyword(token, "STRUCT")) {
      Next();
      if (!ExpectOp("<")) return nullptr;
      std::vector<Field> fields;
      if (!IsOp(Peek(), ">")) {
        do {
          const Token& name = Peek();
          if (name.kind != TokenKind::kIdentifier && name.kind != TokenKind::kQuotedIdentifier) {
            ErrorExpected("a field name");
            return nullptr;
          }
          Field field;
          field.name = Next().value;
          for (const auto& existing : fields) {
            if (EqualsIgnoreCase(existing.name, field.name)) {
              ErrorAt(name.location, "duplicate field '" + field.name + "'");
              return nullptr;
            }
          }
          AcceptOp(":");
          field.type = ParseType();
          if (!field.type) return nullptr;
          if (IsKeyword(Peek(), "NOT")) {
            Next();
            if (!ExpectKeyword("NULL")) return nullptr;
            field.nullable = false;
          }
          fields.push_back(std::move(field));
        } while (AcceptOp(","));
      }
      if (!ExpectOp(">")) return nullptr;
      return StructType(std::move(fields));
    }
    if (IsKeyword(token, "ARRAY")) {
      Next();
      if (!ExpectOp("<")) return nullptr;
      TypeRef element = ParseType();
      if (!element) return nullptr;
      if (!ExpectOp(">")) return nullptr;
      return ListType(std::move(element));
    }
    std::optional<TypeRef> type = PrimitiveTypeFromName(token.text);
    if (!type) type = TypeAlias(token.text);
    if (!type) {
      ErrorAt(token.location, "unknown type '" + token.text + "'");
      return nullptr;
    }
    Next();
    // DECIMAL(10, 2), VARCHAR(20): the precision is accepted and ignored (DECIMAL is DOUBLE).
    if (IsOp(Peek(), "(") && Peek(1).kind == TokenKind::kInteger) {
      Next();
      Next();
      if (AcceptOp(",") && Peek().kind == TokenKind::kInteger) Next();
      if (!ExpectOp(")")) return nullptr;
    }
    return *type;
  }

  // ---- expressions ----
  ParsedExprPtr NewExpr(ExprKind kind, Location location) {
    auto expr = std::make_unique<ParsedExpr>();
    expr->kind = kind;
    expr->location = location;
    return expr;
  }
  /// Sets the expression's text to the source from `begin` to the end of the last token.
  ParsedExprPtr Finish(ParsedExprPtr expr, size_t begin) {
    if (expr) expr->text = std::string(text_.substr(begin, last_end_ - begin));
    return expr;
  }

  ParsedExprPtr ParseExpr() {
    // Bounded recursion: a hostile file cannot overflow the stack.
    if (++depth_ > kMaxDepth) {
      ErrorAt(Peek().location, "expression nested too deeply");
      --depth_;
      return nullptr;
    }
    ParsedExprPtr expr = ParseOr();
    --depth_;
    return expr;
  }

  ParsedExprPtr MakeBinary(std::string op, const Token& op_token, ParsedExprPtr left,
                           ParsedExprPtr right, size_t begin) {
    auto expr = NewExpr(ExprKind::kBinary, op_token.location);
    expr->op = std::move(op);
    expr->children.push_back(std::move(left));
    expr->children.push_back(std::move(right));
    return Finish(std::move(expr), begin);
  }

  ParsedExprPtr ParseOr() {
    size_t begin = Peek().begin;
    ParsedExprPtr left = ParseAnd();
    while (!failed_ && IsKeyword(Peek(), "OR")) {
      Token op = Next();
      ParsedExprPtr right = ParseAnd();
      if (failed_) return nullptr;
      left = MakeBinary("OR", op, std::move(left), std::move(right), begin);
    }
    return failed_ ? nullptr : std::move(left);
  }

  ParsedExprPtr ParseAnd() {
    size_t begin = Peek().begin;
    ParsedExprPtr left = ParseNot();
    while (!failed_ && IsKeyword(Peek(), "AND")) {
      Token op = Next();
      ParsedExprPtr right = ParseNot();
      if (failed_) return nullptr;
      left = MakeBinary("AND", op, std::move(left), std::move(right), begin);
    }
    return failed_ ? nullptr : std::move(left);
  }

  ParsedExprPtr ParseNot() {
    if (IsKeyword(Peek(), "NOT")) {
      if (depth_ + 1 > kMaxDepth) {
        ErrorAt(Peek().location, "expression nested too deeply");
        return nullptr;
      }
      ++depth_;
      size_t begin = Peek().begin;
      Token op = Next();
      ParsedExprPtr operand = ParseNot();
      --depth_;
      if (failed_) return nullptr;
      auto expr = NewExpr(ExprKind::kUnary, op.location);
      expr->op = "NOT";
      expr->children.push_back(std::move(operand));
      return Finish(std::move(expr), begin);
    }
    return ParseComparison();
  }

  static std::optional<std::string> ComparisonOp(const Token& token) {
    if (token.kind != TokenKind::kOperator) return std::nullopt;
    const std::string& op = token.value;
    if (op == "=" || op == "==") return "=";
    if (op == "<>" || op == "!=") return "<>";
    if (op == "<" || op == "<=" || op == ">" || op == ">=") return op;
    return std::nullopt;
  }

  static bool IsPredicateKeyword(const Token& token) {
    return IsKeyword(token, "IN") || IsKeyword(token, "BETWEEN") || IsKeyword(token, "LIKE") ||
           IsKeyword(token, "ILIKE") || IsKeyword(token, "RLIKE") || IsKeyword(token, "REGEXP");
  }

  ParsedExprPtr ParseComparison() {
    size_t begin = Peek().begin;
    ParsedExprPtr left = ParseConcat();
    while (!failed_) {
      if (std::optional<std::string> op = ComparisonOp(Peek())) {
        Token op_token = Next();
        ParsedExprPtr right = ParseConcat();
        if (failed_) return nullptr;
        left = MakeBinary(*op, op_token, std::move(left), std::move(right), begin);
      } else if (IsKeyword(Peek(), "IS")) {
        Token is = Next();
        bool negated = AcceptKeyword("NOT");
        if (AcceptKeyword("DISTINCT")) {
          if (!ExpectKeyword("FROM")) return nullptr;
          ParsedExprPtr right = ParseConcat();
          if (failed_) return nullptr;
          left = MakeBinary(negated ? "IS NOT DISTINCT FROM" : "IS DISTINCT FROM", is,
                            std::move(left), std::move(right), begin);
          continue;
        }
        if (!ExpectKeyword("NULL")) return nullptr;
        auto expr = NewExpr(ExprKind::kIsNull, is.location);
        expr->negated = negated;
        expr->children.push_back(std::move(left));
        left = Finish(std::move(expr), begin);
      } else if (IsPredicateKeyword(Peek()) ||
                 (IsKeyword(Peek(), "NOT") && IsPredicateKeyword(Peek(1)))) {
        bool negated = AcceptKeyword("NOT");
        Token keyword = Next();
        left = ParsePredicate(std::move(left), keyword, negated, begin);
        if (failed_) return nullptr;
      } else {
        break;
      }
    }
    return failed_ ? nullptr : std::move(left);
  }

  /// The rest of `left [NOT] IN (...)`, `BETWEEN lo AND hi`, `LIKE p [ESCAPE e]`, `RLIKE p`.
  ParsedExprPtr ParsePredicate(ParsedExprPtr left, const Token& keyword, bool negated,
                               size_t begin) {
    if (IsKeyword(keyword, "IN")) {
      auto expr = NewExpr(ExprKind::kIn, keyword.location);
      expr->negated = negated;
      expr->children.push_back(std::move(left));
      if (!ExpectOp("(")) return nullptr;
      do {
        ParsedExprPtr item = ParseExpr();
        if (failed_) return nullptr;
        expr->children.push_back(std::move(item));
      } while (AcceptOp(","));
      if (!ExpectOp(")")) return nullptr;
      return Finish(std::move(expr), begin);
    }
    if (IsKeyword(keyword, "BETWEEN")) {
      auto expr = NewExpr(ExprKind::kBetween, keyword.location);
      expr->negated = negated;
      expr->children.push_back(std::move(left));
      ParsedExprPtr low = ParseConcat();
      if (failed_ || !ExpectKeyword("AND")) return nullptr;
      ParsedExprPtr high = ParseConcat();
      if (failed_) return nullptr;
      expr->children.push_back(std::move(low));
      expr->children.push_back(std::move(high));
      return Finish(std::move(expr), begin);
    }
    std::string op = ToUpper(keyword.text);
    if (op == "REGEXP") op = "RLIKE";
    ParsedExprPtr pattern = ParseConcat();
    if (failed_) return nullptr;
    auto expr = NewExpr(ExprKind::kBinary, keyword.location);
    expr->op = op;
    expr->negated = negated;
    expr->children.push_back(std::move(left));
    expr->children.push_back(std::move(pattern));
    if (op != "RLIKE" && AcceptKeyword("ESCAPE")) {
      ParsedExprPtr escape = ParsePrimary();
      if (failed_) return nullptr;
      expr->children.push_back(std::move(escape));
    }
    return Finish(std::move(expr), begin);
  }

  ParsedExprPtr ParseConcat() {
    size_t begin = Peek().begin;
    ParsedExprPtr left = ParseAdditive();
    while (!failed_ && IsOp(Peek(), "||")) {
      Token op = Next();
      ParsedExprPtr right = ParseAdditive();
      if (failed_) return nullptr;
      left = MakeBinary("||", op, std::move(left), std::move(right), begin);
    }
    return failed_ ? nullptr : std::move(left);
  }

  ParsedExprPtr ParseAdditive() {
    size_t begin = Peek().begin;
    ParsedExprPtr left = ParseMultiplicative();
    while (!failed_ && (IsOp(Peek(), "+") || IsOp(Peek(), "-"))) {
      Token op = Next();
      ParsedExprPtr right = ParseMultiplicative();
      if (failed_) return nullptr;
      left = MakeBinary(op.value, op, std::move(left), std::move(right), begin);
    }
    return failed_ ? nullptr : std::move(left);
  }

  ParsedExprPtr ParseMultiplicative() {
    size_t begin = Peek().begin;
    ParsedExprPtr left = ParseUnary();
    while (!failed_ &&
           (IsOp(Peek(), "*") || IsOp(Peek(), "/") || IsOp(Peek(), "%") || IsDivKeyword())) {
      Token op = Next();
      ParsedExprPtr right = ParseUnary();
      if (failed_) return nullptr;
      left = MakeBinary(op.kind == TokenKind::kIdentifier ? "DIV" : op.value, op, std::move(left),
                        std::move(right), begin);
    }
    return failed_ ? nullptr : std::move(left);
  }

  /// `a DIV b` (Spark's integral division); `DIV` followed by FROM, ',' or the end is an alias.
  bool IsDivKeyword() const {
    if (!IsKeyword(Peek(), "DIV")) return false;
    const Token& next = Peek(1);
    return !(next.kind == TokenKind::kEnd || IsKeyword(next, "FROM") || IsOp(next, ",") ||
             IsOp(next, ";") || IsOp(next, ")") || IsKeyword(next, "AS"));
  }

  ParsedExprPtr ParseUnary() {
    if (IsOp(Peek(), "-") || IsOp(Peek(), "+")) {
      if (depth_ + 1 > kMaxDepth) {
        ErrorAt(Peek().location, "expression nested too deeply");
        return nullptr;
      }
      size_t begin = Peek().begin;
      Token op = Next();
      // A minus directly before an integer is part of the literal, so that the smallest INT
      // and BIGINT values can be written.
      if (op.value == "-" && Peek().kind == TokenKind::kInteger) {
        return Finish(ParseIntegerLiteral(Next(), /*negative=*/true, op.location), begin);
      }
      ++depth_;
      ParsedExprPtr operand = ParseUnary();
      --depth_;
      if (failed_) return nullptr;
      auto expr = NewExpr(ExprKind::kUnary, op.location);
      expr->op = op.value;
      expr->children.push_back(std::move(operand));
      return Finish(std::move(expr), begin);
    }
    size_t begin = Peek().begin;
    ParsedExprPtr primary = ParsePrimary();
    if (failed_) return nullptr;
    return ParsePostfix(std::move(primary), begin);
  }

  /// `x::TYPE`, `a[i]`, and `.field` after a subscript or a parenthesised expression.
  ParsedExprPtr ParsePostfix(ParsedExprPtr expr, size_t begin) {
    while (!failed_) {
      if (IsOp(Peek(), "::")) {
        Token op = Next();
        TypeRef type = ParseType();
        if (!type) return nullptr;
        auto cast = NewExpr(ExprKind::kCast, op.location);
        cast->cast_type = std::move(type);
        cast->children.push_back(std::move(expr));
        expr = Finish(std::move(cast), begin);
      } else if (IsOp(Peek(), "[")) {
        Token op = Next();
        ParsedExprPtr index = ParseExpr();
        if (failed_ || !ExpectOp("]")) return nullptr;
        auto subscript = NewExpr(ExprKind::kSubscript, op.location);
        subscript->children.push_back(std::move(expr));
        subscript->children.push_back(std::move(index));
        expr = Finish(std::move(subscript), begin);
      } else if (IsOp(Peek(), ".") &&
                 (expr->kind == ExprKind::kSubscript || expr->kind == ExprKind::kField ||
                  expr->kind == ExprKind::kFunction ||
                  (expr->kind != ExprKind::kColumnRef && expr->kind != ExprKind::kStar))) {
        Next();
        const Token& name = Peek();
        if (name.kind != TokenKind::kIdentifier && name.kind != TokenKind::kQuotedIdentifier) {
          ErrorExpected("a field name");
          return nullptr;
        }
        auto field = NewExpr(ExprKind::kField, name.location);
        field->path.push_back(Next().value);
        field->children.push_back(std::move(expr));
        expr = Finish(std::move(field), begin);
      } else {
        break;
      }
    }
    return failed_ ? nullptr : std::move(expr);
  }

  ParsedExprPtr ParseIntegerLiteral(const Token& token, bool negative, Location location) {
    uint64_t magnitude = 0;
    bool overflow = false;
    for (char c : token.value) {
      uint64_t digit = static_cast<uint64_t>(c - '0');
      if (magnitude > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
        overflow = true;
        break;
      }
      magnitude = magnitude * 10 + digit;
    }
    const uint64_t limit =
        static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0);
    if (overflow || magnitude > limit) {
      ErrorAt(location, "integer literal " + std::string(negative ? "-" : "") + token.value +
                            " is out of range for BIGINT");
      return nullptr;
    }
    int64_t value =
        negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
    auto expr = NewExpr(ExprKind::kLiteral, location);
    if (value >= std::numeric_limits<int32_t>::min() &&
        value <= std::numeric_limits<int32_t>::max()) {
      expr->literal = Value::Int32(static_cast<int32_t>(value));
    } else {
      expr->literal = Value::Int64(value);
    }
    return expr;
  }

  /// INTERVAL 'n' UNIT, INTERVAL n UNIT or INTERVAL '30 seconds' -> microseconds.
  std::optional<int64_t> ParseIntervalMicros() {
    Next();  // INTERVAL
    const Token& amount = Peek();
    std::string amount_text;
    if (amount.kind == TokenKind::kString || amount.kind == TokenKind::kInteger) {
      amount_text = std::string(Trim(amount.value));
    } else if (IsOp(amount, "-") && Peek(1).kind == TokenKind::kInteger) {
      Next();
      amount_text = "-" + Peek().value;
    } else {
      ErrorExpected("an interval value");
      return std::nullopt;
    }
    Token amount_token = Next();
    std::optional<int64_t> unit = IntervalUnitMicros(Peek());
    if (!unit) {
      if (amount_token.kind == TokenKind::kString) {
        // '30 seconds' style: the unit is inside the string.
        std::optional<int64_t> count = ParseInt64(amount_text);
        if (!count) {
          Result<int64_t> micros = ParseDurationMicros(amount_text);
          if (micros.ok()) return *micros;
          ErrorAt(amount_token.location, "invalid INTERVAL value '" + amount_token.value + "'");
          return std::nullopt;
        }
      }
      ErrorExpected("an interval unit (SECOND, MINUTE, HOUR, DAY, MILLISECOND)");
      return std::nullopt;
    }
    Next();
    std::optional<int64_t> count = ParseInt64(amount_text);
    int64_t micros = 0;
    if (!count) {
      ErrorAt(amount_token.location, "invalid INTERVAL value '" + amount_token.value + "'");
      return std::nullopt;
    }
    if (__builtin_mul_overflow(*count, *unit, &micros)) {
      ErrorAt(amount_token.location, "INTERVAL value '" + amount_token.value + "' is too large");
      return std::nullopt;
    }
    return micros;
  }

  ParsedExprPtr ParsePrimary() {
    const Token& token = Peek();
    size_t begin = token.begin;
    Location location = token.location;
    switch (token.kind) {
      case TokenKind::kInteger:
        return Finish(ParseIntegerLiteral(Next(), /*negative=*/false, location), begin);
      case TokenKind::kDecimal: {
        const Token& number = Next();
        errno = 0;
        double value = std::strtod(number.value.c_str(), nullptr);
        if (errno == ERANGE && std::isinf(value)) {
          ErrorAt(location, "number " + number.value + " is out of range for DOUBLE");
          return nullptr;
        }
        auto expr = NewExpr(ExprKind::kLiteral, location);
        expr->literal = Value::Double(value);
        return Finish(std::move(expr), begin);
      }
      case TokenKind::kString: {
        auto expr = NewExpr(ExprKind::kLiteral, location);
        expr->literal = Value::String(UnescapeSparkString(Next().value));
        return Finish(std::move(expr), begin);
      }
      case TokenKind::kQuotedIdentifier:
        return ParseColumnRefOrCall();
      case TokenKind::kOperator:
        if (IsOp(token, "(")) {
          Next();
          ParsedExprPtr inner = ParseExpr();
          if (failed_ || !ExpectOp(")")) return nullptr;
          // Keep the parentheses in the text: "(a + b) * 2" names its column as written.
          inner->text = std::string(text_.substr(begin, last_end_ - begin));
          return inner;
        }
        if (IsOp(token, "*")) {
          Next();
          return Finish(NewExpr(ExprKind::kStar, location), begin);
        }
        break;
      case TokenKind::kIdentifier:
        return ParseKeywordOrName();
      default:
        break;
    }
    ErrorExpected("an expression");
    return nullptr;
  }

  ParsedExprPtr ParseKeywordOrName() {
    const Token& token = Peek();
    size_t begin = token.begin;
    Location location = token.location;
    if (IsKeyword(token, "TRUE") || IsKeyword(token, "FALSE")) {
      auto expr = NewExpr(ExprKind::kLiteral, location);
      expr->literal = Value::Boolean(IsKeyword(Next(), "TRUE"));
      return Finish(std::move(expr), begin);
    }
    if (IsKeyword(token, "NULL")) {
      Next();
      auto expr = NewExpr(ExprKind::kLiteral, location);
      expr->literal = Value(TypeRef());  // untyped NULL: the binder gives it a type
      return Finish(std::move(expr), begin);
    }
    if (IsKeyword(token, "CAST") || IsKeyword(token, "TRY_CAST")) {
      bool try_cast = IsKeyword(Next(), "TRY_CAST");
      if (!ExpectOp("(")) return nullptr;
      ParsedExprPtr operand = ParseExpr();
      if (failed_ || !ExpectKeyword("AS")) return nullptr;
      TypeRef type = ParseType();
      if (!type || !ExpectOp(")")) return nullptr;
      auto expr = NewExpr(ExprKind::kCast, location);
      expr->cast_type = std::move(type);
      expr->try_cast = try_cast;
      expr->children.push_back(std::move(operand));
      return Finish(std::move(expr), begin);
    }
    if ((IsKeyword(token, "TIMESTAMP") || IsKeyword(token, "DATE")) &&
        Peek(1).kind == TokenKind::kString) {
      bool is_timestamp = IsKeyword(Next(), "TIMESTAMP");
      const Token& literal = Next();
      auto expr = NewExpr(ExprKind::kLiteral, location);
      if (is_timestamp) {
        std::optional<int64_t> micros = ParseTimestampMicros(Trim(literal.value));
        if (!micros) {
          ErrorAt(literal.location, "invalid TIMESTAMP literal '" + literal.value + "'");
          return nullptr;
        }
        expr->literal = Value::Timestamp(*micros);
      } else {
        std::optional<int32_t> days = ParseDate(Trim(literal.value));
        if (!days) {
          ErrorAt(literal.location, "invalid DATE literal '" + literal.value + "'");
          return nullptr;
        }
        expr->literal = Value::Date(*days);
      }
      return Finish(std::move(expr), begin);
    }
    if (IsKeyword(token, "INTERVAL") &&
        (Peek(1).kind == TokenKind::kString || Peek(1).kind == TokenKind::kInteger ||
         IsOp(Peek(1), "-"))) {
      std::optional<int64_t> micros = ParseIntervalMicros();
      if (!micros) return nullptr;
      auto expr = NewExpr(ExprKind::kInterval, location);
      expr->literal = Value::Int64(*micros);
      return Finish(std::move(expr), begin);
    }
    if (IsKeyword(token, "CASE")) return ParseCase();
    if (IsOp(Peek(1), "(")) {
      if (IsKeyword(token, "EXTRACT")) return ParseExtract();
      if (IsKeyword(token, "TRIM")) return ParseTrim();
      if (IsKeyword(token, "SUBSTRING") || IsKeyword(token, "SUBSTR")) {
        if (ParsedExprPtr special = ParseSubstringFrom()) return special;
        if (failed_) return nullptr;
      }
      if (IsKeyword(token, "POSITION")) {
        if (ParsedExprPtr special = ParsePositionIn()) return special;
        if (failed_) return nullptr;
      }
    } else if (IsKeyword(token, "CURRENT_TIMESTAMP") || IsKeyword(token, "CURRENT_DATE") ||
               IsKeyword(token, "CURRENT_TIMEZONE")) {
      // Spark and standard SQL allow these without parentheses.
      auto expr = NewExpr(ExprKind::kFunction, location);
      expr->function_name = Next().value;
      return Finish(std::move(expr), begin);
    }
    if (IsReserved(token)) {
      ErrorExpected("an expression");
      return nullptr;
    }
    return ParseColumnRefOrCall();
  }

  ParsedExprPtr MakeStringLiteral(std::string value, Location location) {
    auto expr = NewExpr(ExprKind::kLiteral, location);
    expr->literal = Value::String(std::move(value));
    expr->text = "'" + expr->literal->string() + "'";
    return expr;
  }

  /// CASE [operand] WHEN a THEN b ... [ELSE c] END
  ParsedExprPtr ParseCase() {
    size_t begin = Peek().begin;
    auto expr = NewExpr(ExprKind::kCase, Next().location);
    if (!IsKeyword(Peek(), "WHEN")) {
      ParsedExprPtr operand = ParseExpr();
      if (failed_) return nullptr;
      expr->case_has_operand = true;
      expr->children.push_back(std::move(operand));
    }
    if (!IsKeyword(Peek(), "WHEN")) {
      ErrorExpected("'WHEN'");
      return nullptr;
    }
    while (AcceptKeyword("WHEN")) {
      ParsedExprPtr when = ParseExpr();
      if (failed_ || !ExpectKeyword("THEN")) return nullptr;
      ParsedExprPtr then = ParseExpr();
      if (failed_) return nullptr;
      expr->children.push_back(std::move(when));
      expr->children.push_back(std::move(then));
    }
    if (AcceptKeyword("ELSE")) {
      ParsedExprPtr otherwise = ParseExpr();
      if (failed_) return nullptr;
      expr->case_has_else = true;
      expr->children.push_back(std::move(otherwise));
    }
    if (!ExpectKeyword("END")) return nullptr;
    return Finish(std::move(expr), begin);
  }

  /// EXTRACT(field FROM x) -> date_part('field', x)
  ParsedExprPtr ParseExtract() {
    size_t begin = Peek().begin;
    auto expr = NewExpr(ExprKind::kFunction, Peek().location);
    Next();
    expr->function_name = "date_part";
    Next();  // (
    const Token& field = Peek();
    if (field.kind != TokenKind::kIdentifier && field.kind != TokenKind::kString) {
      ErrorExpected("a field name (YEAR, MONTH, DAY, HOUR, ...)");
      return nullptr;
    }
    expr->children.push_back(MakeStringLiteral(field.value, field.location));
    Next();
    if (!ExpectKeyword("FROM")) return nullptr;
    ParsedExprPtr operand = ParseExpr();
    if (failed_ || !ExpectOp(")")) return nullptr;
    expr->children.push_back(std::move(operand));
    return Finish(std::move(expr), begin);
  }

  /// TRIM([BOTH|LEADING|TRAILING] [chars] FROM s) or trim(s [, chars]).
  ParsedExprPtr ParseTrim() {
    size_t begin = Peek().begin;
    auto expr = NewExpr(ExprKind::kFunction, Peek().location);
    expr->function_name = Next().value;
    Next();  // (
    std::string function = "trim";
    bool sql_form = false;
    if (AcceptKeyword("BOTH")) {
      sql_form = true;
    } else if (AcceptKeyword("LEADING")) {
      function = "ltrim";
      sql_form = true;
    } else if (AcceptKeyword("TRAILING")) {
      function = "rtrim";
      sql_form = true;
    }
    ParsedExprPtr chars;
    if (!(sql_form && IsKeyword(Peek(), "FROM"))) {
      chars = ParseExpr();
      if (failed_) return nullptr;
    }
    if (AcceptKeyword("FROM")) {
      ParsedExprPtr operand = ParseExpr();
      if (failed_) return nullptr;
      expr->children.push_back(std::move(operand));
      if (chars) expr->children.push_back(std::move(chars));
      expr->function_name = function;
    } else {
      if (sql_form) {
        ErrorExpected("'FROM'");
        return nullptr;
      }
      expr->children.push_back(std::move(chars));
      while (AcceptOp(",")) {
        ParsedExprPtr arg = ParseExpr();
        if (failed_) return nullptr;
        expr->children.push_back(std::move(arg));
      }
    }
    if (!ExpectOp(")")) return nullptr;
    return Finish(std::move(expr), begin);
  }

  /// SUBSTRING(s FROM pos [FOR len]); nullptr (without error) for the plain call form.
  ParsedExprPtr ParseSubstringFrom() {
    size_t saved = pos_;
    size_t begin = Peek().begin;
    auto expr = NewExpr(ExprKind::kFunction, Peek().location);
    expr->function_name = Next().value;
    Next();  // (
    ParsedExprPtr operand = ParseExpr();
    if (failed_) return nullptr;
    if (!AcceptKeyword("FROM")) {
      pos_ = saved;
      return nullptr;
    }
    ParsedExprPtr start = ParseExpr();
    if (failed_) return nullptr;
    expr->children.push_back(std::move(operand));
    expr->children.push_back(std::move(start));
    if (AcceptKeyword("FOR")) {
      ParsedExprPtr length = ParseExpr();
      if (failed_) return nullptr;
      expr->children.push_back(std::move(length));
    }
    if (!ExpectOp(")")) return nullptr;
    return Finish(std::move(expr), begin);
  }

  /// POSITION(needle IN haystack) -> position(needle, haystack).
  ParsedExprPtr ParsePositionIn() {
    size_t saved = pos_;
    size_t begin = Peek().begin;
    auto expr = NewExpr(ExprKind::kFunction, Peek().location);
    expr->function_name = Next().value;
    Next();  // (
    ParsedExprPtr needle = ParseConcat();
    if (failed_) return nullptr;
    if (!AcceptKeyword("IN")) {
      pos_ = saved;
      return nullptr;
    }
    ParsedExprPtr haystack = ParseExpr();
    if (failed_ || !ExpectOp(")")) return nullptr;
    expr->children.push_back(std::move(needle));
    expr->children.push_back(std::move(haystack));
    return Finish(std::move(expr), begin);
  }

  ParsedExprPtr ParseColumnRefOrCall() {
    const Token& first = Next();
    size_t begin = first.begin;
    if (first.kind == TokenKind::kIdentifier && IsOp(Peek(), "(")) {
      Next();
      auto expr = NewExpr(ExprKind::kFunction, first.location);
      expr->function_name = first.value;
      if (!AcceptOp(")")) {
        do {
          ParsedExprPtr arg = ParseExpr();
          if (failed_) return nullptr;
          expr->children.push_back(std::move(arg));
        } while (AcceptOp(","));
        if (!ExpectOp(")")) return nullptr;
      }
      return Finish(std::move(expr), begin);
    }
    auto expr = NewExpr(ExprKind::kColumnRef, first.location);
    expr->path.push_back(first.value);
    while (AcceptOp(".")) {
      const Token& part = Peek();
      if (IsOp(part, "*")) {
        Next();
        expr->kind = ExprKind::kStar;
        break;
      }
      if (part.kind != TokenKind::kIdentifier && part.kind != TokenKind::kQuotedIdentifier) {
        ErrorExpected("a field name");
        return nullptr;
      }
      expr->path.push_back(Next().value);
    }
    return Finish(std::move(expr), begin);
  }

  static constexpr int kMaxDepth = 200;

  std::string_view text_;
  std::vector<Token> tokens_;
  int depth_ = 0;
  Diagnostics* diagnostics_;
  size_t pos_ = 0;
  size_t last_end_ = 0;
  bool failed_ = false;
  size_t reported_lex_error_ = static_cast<size_t>(-1);
  size_t statement_start_ = 0;
  size_t recover_start_guard_ = 0;
};

}  // namespace

std::optional<Script> ParseScript(std::string file_name, std::string text,
                                  Diagnostics* diagnostics) {
  Script script;
  script.file_name = std::move(file_name);
  script.text = std::move(text);
  Parser parser(script.text, diagnostics);
  if (!parser.ParseStatements(&script.statements)) return std::nullopt;
  return script;
}

std::optional<ParsedExprPtr> ParseExpression(std::string_view text, Diagnostics* diagnostics) {
  Parser parser(text, diagnostics);
  return parser.ParseStandaloneExpression();
}

}  // namespace sluice::sql
