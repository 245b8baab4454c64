#include <gtest/gtest.h>

#include "common/strings.h"
#include "sql/lexer.h"
#include "sql/parser.h"
#include "testing/gtest_util.h"

namespace sluice::sql {
namespace {

/// S-expression form of a parsed expression, to check the tree shape.
std::string Dump(const ParsedExpr& expr) {
  auto child = [&](size_t idx) { return Dump(*expr.children[idx]); };
  switch (expr.kind) {
    case ExprKind::kColumnRef:
      return Join(expr.path, ".");
    case ExprKind::kStar:
      return expr.path.empty() ? "*" : Join(expr.path, ".") + ".*";
    case ExprKind::kLiteral:
      if (!expr.literal->type()) return "NULL";
      if (expr.literal->type()->id() == TypeId::kString) return "'" + expr.literal->string() + "'";
      return expr.literal->ToString() + ":" + expr.literal->type()->ToString();
    case ExprKind::kInterval:
      return "INTERVAL(" + std::to_string(expr.literal->int64()) + ")";
    case ExprKind::kUnary:
      return "(" + expr.op + " " + child(0) + ")";
    case ExprKind::kBinary:
      return "(" + std::string(expr.negated ? "NOT " : "") + expr.op + " " + child(0) + " " +
             child(1) + (expr.children.size() > 2 ? " ESCAPE " + child(2) : "") + ")";
    case ExprKind::kIsNull:
      return std::string(expr.negated ? "(IS NOT NULL " : "(IS NULL ") + child(0) + ")";
    case ExprKind::kCast:
      return std::string(expr.try_cast ? "(TRY_CAST " : "(CAST ") + child(0) + " AS " +
             expr.cast_type->ToString() + ")";
    case ExprKind::kFunction: {
      std::vector<std::string> args;
      for (size_t idx = 0; idx < expr.children.size(); ++idx) args.push_back(child(idx));
      return expr.function_name + "(" + Join(args, ", ") + ")";
    }
    case ExprKind::kCase: {
      std::vector<std::string> args;
      for (size_t idx = 0; idx < expr.children.size(); ++idx) args.push_back(child(idx));
      return std::string("(CASE") + (expr.case_has_operand ? " operand" : "") +
             (expr.case_has_else ? " else" : "") + " " + Join(args, " ") + ")";
    }
    case ExprKind::kIn:
    case ExprKind::kBetween: {
      std::vector<std::string> args;
      for (size_t idx = 1; idx < expr.children.size(); ++idx) args.push_back(child(idx));
      return std::string("(") + (expr.negated ? "NOT " : "") +
             (expr.kind == ExprKind::kIn ? "IN " : "BETWEEN ") + child(0) + " " + Join(args, " ") +
             ")";
    }
    case ExprKind::kSubscript:
      return "(SUBSCRIPT " + child(0) + " " + child(1) + ")";
    case ExprKind::kField:
      return "(FIELD " + child(0) + " " + expr.path[0] + ")";
  }
  return "?";
}

std::string DumpExpr(std::string_view text) {
  Diagnostics diagnostics("expr", std::string(text));
  std::optional<ParsedExprPtr> expr = ParseExpression(text, &diagnostics);
  if (!expr) return "ERROR " + diagnostics.Format();
  return Dump(**expr);
}

/// "line:col: message" for each error.
std::vector<std::string> Errors(const Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const auto& item : diagnostics.items()) {
    out.push_back(std::to_string(item.location.line) + ":" + std::to_string(item.location.column) +
                  ": " + item.message);
  }
  return out;
}

struct Parsed {
  std::optional<Script> script;
  Diagnostics diagnostics;
};

Parsed Parse(const std::string& text) {
  Parsed parsed{std::nullopt, Diagnostics("p.sql", text)};
  parsed.script = ParseScript("p.sql", text, &parsed.diagnostics);
  return parsed;
}

std::vector<std::string> ParseErrors(const std::string& text) {
  Parsed parsed = Parse(text);
  EXPECT_FALSE(parsed.script.has_value());
  return Errors(parsed.diagnostics);
}

TEST(LexerTest, TokensAndPositions) {
  std::vector<Token> tokens = Tokenize("SELECT a.b,\n  'it''s' <> 1.5e3 -- c\n /* x */ `q``x`");
  ASSERT_EQ(tokens.size(), 10u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kIdentifier);
  EXPECT_EQ(tokens[2].value, ".");
  EXPECT_EQ(tokens[5].kind, TokenKind::kString);
  EXPECT_EQ(tokens[5].value, "it's");
  EXPECT_EQ(tokens[5].text, "'it''s'");
  EXPECT_EQ(tokens[5].location.line, 2);
  EXPECT_EQ(tokens[5].location.column, 3);
  EXPECT_EQ(tokens[6].value, "<>");
  EXPECT_EQ(tokens[7].kind, TokenKind::kDecimal);
  EXPECT_EQ(tokens[8].kind, TokenKind::kQuotedIdentifier);
  EXPECT_EQ(tokens[8].value, "q`x");
  EXPECT_EQ(tokens[8].location.line, 3);
  EXPECT_EQ(tokens[8].location.column, 10);
  EXPECT_EQ(tokens[9].kind, TokenKind::kEnd);
}

TEST(LexerTest, Errors) {
  std::vector<Token> tokens = Tokenize("a 'abc");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[1].kind, TokenKind::kError);
  EXPECT_EQ(tokens[1].value, "unterminated string literal");
  EXPECT_EQ(tokens[1].location.column, 3);
  tokens = Tokenize("a /* never closed");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[1].value, "unterminated block comment");
  tokens = Tokenize("a # b");
  EXPECT_EQ(tokens[1].value, "unexpected character '#'");
  EXPECT_EQ(tokens[2].text, "b");
}

TEST(ParserTest, SetStatements) {
  Parsed parsed = Parse("SET 'spark.x' = 'y'; set sluice.trigger.interval = '10 seconds'");
  ASSERT_TRUE(parsed.script) << parsed.diagnostics.Format();
  ASSERT_EQ(parsed.script->statements.size(), 2u);
  const auto& first = std::get<SetStmt>(parsed.script->statements[0]);
  EXPECT_EQ(first.option.key, "spark.x");
  EXPECT_EQ(first.option.value, "y");
  EXPECT_EQ(first.option.key_location.column, 5);
  EXPECT_EQ(first.option.value_location.column, 17);
  const auto& second = std::get<SetStmt>(parsed.script->statements[1]);
  EXPECT_EQ(second.option.key, "sluice.trigger.interval");
  EXPECT_EQ(second.option.value, "10 seconds");
}

TEST(ParserTest, CreateSourceWithColumnsAndWatermark) {
  Parsed parsed = Parse(
      "CREATE SOURCE clicks (\n"
      "  event_id BIGINT NOT NULL,\n"
      "  price double,\n"
      "  \"Name\" VARCHAR,\n"
      "  device STRUCT<os STRING, version: INT, meta STRUCT<k BOOL>>,\n"
      "  tags ARRAY<STRING>,\n"
      "  ts TIMESTAMP, d DATE, n INTEGER, l LONG, t TEXT, f FLOAT8,\n"
      "  WATERMARK FOR ts AS ts - INTERVAL '30' SECOND\n"
      ") WITH ('connector' = 'kafka', 'topic' = 'clicks');");
  ASSERT_TRUE(parsed.script) << parsed.diagnostics.Format();
  const auto& source = std::get<CreateSourceStmt>(parsed.script->statements.at(0));
  EXPECT_EQ(source.name, "clicks");
  EXPECT_EQ(source.name_location.column, 15);
  ASSERT_EQ(source.columns.size(), 11u);
  EXPECT_EQ(source.columns[0].name, "event_id");
  EXPECT_TRUE(source.columns[0].not_null);
  EXPECT_EQ(source.columns[0].type->ToString(), "BIGINT");
  EXPECT_EQ(source.columns[0].location.line, 2);
  EXPECT_EQ(source.columns[0].location.column, 3);
  EXPECT_FALSE(source.columns[1].not_null);
  EXPECT_EQ(source.columns[1].type->ToString(), "DOUBLE");
  EXPECT_EQ(source.columns[2].name, "Name");
  EXPECT_EQ(source.columns[2].type->ToString(), "STRING");
  EXPECT_EQ(source.columns[3].type->ToString(),
            "STRUCT<os: STRING, version: INT, meta: STRUCT<k: BOOLEAN>>");
  EXPECT_EQ(source.columns[4].type->ToString(), "ARRAY<STRING>");
  EXPECT_EQ(source.columns[5].type->ToString(), "TIMESTAMP");
  EXPECT_EQ(source.columns[6].type->ToString(), "DATE");
  EXPECT_EQ(source.columns[7].type->ToString(), "INT");
  EXPECT_EQ(source.columns[8].type->ToString(), "BIGINT");
  EXPECT_EQ(source.columns[9].type->ToString(), "STRING");
  EXPECT_EQ(source.columns[10].type->ToString(), "DOUBLE");
  ASSERT_TRUE(source.watermark);
  EXPECT_EQ(source.watermark->column, "ts");
  EXPECT_EQ(source.watermark->delay_micros, 30 * 1000000LL);
  EXPECT_EQ(source.watermark->location.line, 8);
  ASSERT_EQ(source.options.size(), 2u);
  EXPECT_EQ(source.options[1].key, "topic");
  EXPECT_EQ(source.options[1].value, "clicks");
}

TEST(ParserTest, WatermarkUnits) {
  for (auto [unit, micros] :
       std::vector<std::pair<std::string, int64_t>>{{"'5' MINUTES", 300000000LL},
                                                    {"2 HOUR", 7200000000LL},
                                                    {"'1' day", 86400000000LL},
                                                    {"'250' MILLISECONDS", 250000LL},
                                                    {"'10 seconds'", 10000000LL}}) {
    Parsed parsed = Parse("CREATE SOURCE s (ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL " +
                          unit + ") WITH ('a' = 'b')");
    ASSERT_TRUE(parsed.script) << unit << parsed.diagnostics.Format();
    EXPECT_EQ(std::get<CreateSourceStmt>(parsed.script->statements[0]).watermark->delay_micros,
              micros)
        << unit;
  }
}

TEST(ParserTest, CreateSourceWithoutColumnsAndSink) {
  Parsed parsed = Parse(
      "create source clicks with ('connector'='datagen', rows.per.second = 10);\n"
      "CREATE SINK out WITH ('connector' = 'console')");
  ASSERT_TRUE(parsed.script) << parsed.diagnostics.Format();
  ASSERT_EQ(parsed.script->statements.size(), 2u);
  const auto& source = std::get<CreateSourceStmt>(parsed.script->statements[0]);
  EXPECT_TRUE(source.columns.empty());
  EXPECT_FALSE(source.watermark);
  ASSERT_EQ(source.options.size(), 2u);
  EXPECT_EQ(source.options[1].key, "rows.per.second");
  EXPECT_EQ(source.options[1].value, "10");
  const auto& sink = std::get<CreateSinkStmt>(parsed.script->statements[1]);
  EXPECT_EQ(sink.name, "out");
  EXPECT_EQ(sink.name_location.line, 2);
  EXPECT_EQ(sink.name_location.column, 13);
  EXPECT_EQ(sink.options[0].value, "console");
}

TEST(ParserTest, InsertSelect) {
  Parsed parsed = Parse(
      "-- a comment\n"
      "INSERT INTO out SELECT event_id, price * 2 AS double_price, c.device.os os_name, "
      "`select`, *, c.* FROM clicks AS c WHERE price > 10 /* big */;");
  ASSERT_TRUE(parsed.script) << parsed.diagnostics.Format();
  const auto& insert = std::get<InsertStmt>(parsed.script->statements.at(0));
  EXPECT_EQ(insert.location.line, 2);
  EXPECT_EQ(insert.location.column, 1);
  EXPECT_EQ(insert.sink, "out");
  EXPECT_EQ(insert.source, "clicks");
  EXPECT_EQ(insert.source_alias, "c");
  ASSERT_EQ(insert.select_list.size(), 6u);
  EXPECT_EQ(Dump(*insert.select_list[0].expr), "event_id");
  EXPECT_EQ(insert.select_list[0].alias, "");
  EXPECT_EQ(insert.select_list[1].expr->text, "price * 2");
  EXPECT_EQ(insert.select_list[1].alias, "double_price");
  EXPECT_EQ(insert.select_list[1].alias_location.column, 47);
  EXPECT_EQ(Dump(*insert.select_list[2].expr), "c.device.os");
  EXPECT_EQ(insert.select_list[2].alias, "os_name");
  EXPECT_EQ(Dump(*insert.select_list[3].expr), "select");
  EXPECT_EQ(Dump(*insert.select_list[4].expr), "*");
  EXPECT_EQ(Dump(*insert.select_list[5].expr), "c.*");
  ASSERT_TRUE(insert.where);
  EXPECT_EQ(Dump(*insert.where), "(> price 10:INT)");
  EXPECT_EQ(insert.where->text, "price > 10");
}

TEST(ParserTest, Precedence) {
  EXPECT_EQ(DumpExpr("a OR b AND NOT c = 1"), "(OR a (AND b (NOT (= c 1:INT))))");
  EXPECT_EQ(DumpExpr("a + b * c - d / e % f"), "(- (+ a (* b c)) (% (/ d e) f))");
  EXPECT_EQ(DumpExpr("a || b + 1 = c"), "(= (|| a (+ b 1:INT)) c)");
  EXPECT_EQ(DumpExpr("-a * b"), "(* (- a) b)");
  EXPECT_EQ(DumpExpr("(a + b) * c"), "(* (+ a b) c)");
  EXPECT_EQ(DumpExpr("a IS NOT NULL AND b IS NULL"), "(AND (IS NOT NULL a) (IS NULL b))");
  EXPECT_EQ(DumpExpr("NOT a IS NULL"), "(NOT (IS NULL a))");
  EXPECT_EQ(DumpExpr("a == 1 OR a != 2 OR a <= 3 OR a >= 4 OR a < 5 OR a > 6"),
            "(OR (OR (OR (OR (OR (= a 1:INT) (<> a 2:INT)) (<= a 3:INT)) (>= a 4:INT)) "
            "(< a 5:INT)) (> a 6:INT))");
  EXPECT_EQ(DumpExpr("CAST(a + 1 AS BIGINT) + TRY_CAST(b AS ARRAY<INT>)"),
            "(+ (CAST (+ a 1:INT) AS BIGINT) (TRY_CAST b AS ARRAY<INT>))");
  EXPECT_EQ(DumpExpr("lower(concat(a, 'x'), 1)"), "lower(concat(a, 'x'), 1:INT)");
  EXPECT_EQ(DumpExpr("now()"), "now()");
  EXPECT_EQ(DumpExpr("ts - INTERVAL '1' MINUTE"), "(- ts INTERVAL(60000000))");
}

TEST(ParserTest, PredicatesCaseAndPostfix) {
  EXPECT_EQ(DumpExpr("a IN (1, 2) AND b NOT IN ('x')"), "(AND (IN a 1:INT 2:INT) (NOT IN b 'x'))");
  EXPECT_EQ(DumpExpr("a BETWEEN 1 AND 2 AND b"), "(AND (BETWEEN a 1:INT 2:INT) b)");
  EXPECT_EQ(DumpExpr("a NOT BETWEEN b + 1 AND c || d"), "(NOT BETWEEN a (+ b 1:INT) (|| c d))");
  EXPECT_EQ(DumpExpr("s LIKE 'a%' OR s NOT ILIKE 'b' OR s RLIKE 'c' OR s REGEXP 'd'"),
            "(OR (OR (OR (LIKE s 'a%') (NOT ILIKE s 'b')) (RLIKE s 'c')) (RLIKE s 'd'))");
  EXPECT_EQ(DumpExpr("s LIKE 'a!%' ESCAPE '!'"), "(LIKE s 'a!%' ESCAPE '!')");
  EXPECT_EQ(DumpExpr("a IS DISTINCT FROM b AND a IS NOT DISTINCT FROM NULL"),
            "(AND (IS DISTINCT FROM a b) (IS NOT DISTINCT FROM a NULL))");
  EXPECT_EQ(DumpExpr("CASE WHEN a THEN 1 ELSE 2 END"), "(CASE else a 1:INT 2:INT)");
  EXPECT_EQ(DumpExpr("CASE x WHEN 1 THEN 'a' WHEN 2 THEN 'b' END"),
            "(CASE operand x 1:INT 'a' 2:INT 'b')");
  EXPECT_EQ(DumpExpr("-a::INT"), "(- (CAST a AS INT))");
  EXPECT_EQ(DumpExpr("a[0].b + f(x)[1]"),
            "(+ (FIELD (SUBSCRIPT a 0:INT) b) (SUBSCRIPT f(x) 1:INT))");
  EXPECT_EQ(DumpExpr("a DIV 2 * 3"), "(* (DIV a 2:INT) 3:INT)");
  EXPECT_EQ(DumpExpr("CAST(x AS DECIMAL(10, 2))"), "(CAST x AS DOUBLE)");
  EXPECT_EQ(DumpExpr("EXTRACT(YEAR FROM ts)"), "date_part('YEAR', ts)");
  EXPECT_EQ(DumpExpr("TRIM(LEADING 'x' FROM s)"), "ltrim(s, 'x')");
  EXPECT_EQ(DumpExpr("SUBSTRING(s FROM 2 FOR 3)"), "SUBSTRING(s, 2:INT, 3:INT)");
  EXPECT_EQ(DumpExpr("substring(s, 2)"), "substring(s, 2:INT)");
  EXPECT_EQ(DumpExpr("POSITION('a' IN s)"), "POSITION('a', s)");
  EXPECT_EQ(DumpExpr("current_timestamp"), "current_timestamp()");
  EXPECT_EQ(DumpExpr("a IN 1"),
            "ERROR expr:1:6: error: expected '(' but found '1'\na IN 1\n     ^\n");
}

TEST(ParserTest, StringEscapesAsSpark) {
  EXPECT_EQ(DumpExpr(R"('a\tb')"), "'a\tb'");
  EXPECT_EQ(DumpExpr(R"('it\'s' || 'it''s')"), "(|| 'it's' 'it's')");
  EXPECT_EQ(DumpExpr(R"('\\d+')"), R"('\d+')");
  EXPECT_EQ(DumpExpr(R"('\d')"), "'d'");
  EXPECT_EQ(DumpExpr(R"('\u00e9\101')"),
            "'\xC3\xA9"
            "A'");
  EXPECT_EQ(DumpExpr(R"('a\%b\_')"), R"('a\%b\_')");
}

TEST(ParserTest, Literals) {
  EXPECT_EQ(DumpExpr("2147483647"), "2147483647:INT");
  EXPECT_EQ(DumpExpr("2147483648"), "2147483648:BIGINT");
  EXPECT_EQ(DumpExpr("-2147483648"), "-2147483648:INT");
  EXPECT_EQ(DumpExpr("-9223372036854775808"), "-9223372036854775808:BIGINT");
  EXPECT_EQ(DumpExpr("1.5"), "1.5:DOUBLE");
  EXPECT_EQ(DumpExpr(".5"), "0.5:DOUBLE");
  EXPECT_EQ(DumpExpr("1e3"), "1000.0:DOUBLE");
  EXPECT_EQ(DumpExpr("'it''s'"), "'it's'");
  EXPECT_EQ(DumpExpr("TRUE"), "true:BOOLEAN");
  EXPECT_EQ(DumpExpr("false"), "false:BOOLEAN");
  EXPECT_EQ(DumpExpr("NULL"), "NULL");
  EXPECT_EQ(DumpExpr("TIMESTAMP '2024-05-01 12:00:00'"), "2024-05-01 12:00:00:TIMESTAMP");
  EXPECT_EQ(DumpExpr("DATE '2024-05-01'"), "2024-05-01:DATE");
  EXPECT_EQ(DumpExpr("INTERVAL 2 DAYS"), "INTERVAL(172800000000)");
  // DATE / TIMESTAMP / INTERVAL not followed by a literal are plain names.
  EXPECT_EQ(DumpExpr("date + timestamp"), "(+ date timestamp)");
}

TEST(ParserTest, ExpressionText) {
  Diagnostics diagnostics("e", "");
  auto expr = ParseExpression("  upper( name )||'x'  ", &diagnostics);
  ASSERT_TRUE(expr);
  EXPECT_EQ((*expr)->text, "upper( name )||'x'");
  EXPECT_EQ((*expr)->children[0]->text, "upper( name )");
  EXPECT_EQ((*expr)->children[1]->text, "'x'");
  expr = ParseExpression("(a + b) * 2", &diagnostics);
  ASSERT_TRUE(expr);
  EXPECT_EQ((*expr)->text, "(a + b) * 2");
  EXPECT_EQ((*expr)->children[0]->text, "(a + b)");
}

TEST(ParserTest, ErrorMessagesAndPositions) {
  EXPECT_EQ(ParseErrors("INSERT INTO out SELECT lower(a FROM t;"),
            std::vector<std::string>{"1:32: expected ')' but found 'FROM'"});
  EXPECT_EQ(ParseErrors("SET 'a' = 'b"),
            std::vector<std::string>{"1:11: unterminated string literal"});
  EXPECT_EQ(ParseErrors("CREATE SINK out WITH ('a' = 'b'"),
            std::vector<std::string>{"1:32: unexpected end of input (expected ')')"});
  EXPECT_EQ(ParseErrors("SET a = 1; /* oops\n SET b = 2;"),
            std::vector<std::string>{"1:12: unterminated block comment"});
  EXPECT_EQ(
      ParseErrors("SELECT 1"),
      std::vector<std::string>{"1:1: expected 'SET', 'CREATE' or 'INSERT' but found 'SELECT'"});
  EXPECT_EQ(ParseErrors("CREATE TABLE t"),
            std::vector<std::string>{"1:8: expected 'SOURCE' or 'SINK' but found 'TABLE'"});
  EXPECT_EQ(ParseErrors("CREATE SOURCE s (a INTEGR) WITH ()"),
            std::vector<std::string>{"1:20: unknown type 'INTEGR'"});
  EXPECT_EQ(ParseErrors("CREATE SOURCE s (a INT, A BIGINT) WITH ()"),
            std::vector<std::string>{"1:25: duplicate column 'A'"});
  EXPECT_EQ(ParseErrors("INSERT INTO o SELECT 99999999999999999999 FROM s"),
            std::vector<std::string>{
                "1:22: integer literal 99999999999999999999 is out of range for BIGINT"});
  EXPECT_EQ(ParseErrors("INSERT INTO o SELECT TIMESTAMP '2024-13-45' FROM s"),
            std::vector<std::string>{"1:32: invalid TIMESTAMP literal '2024-13-45'"});
  EXPECT_EQ(ParseErrors("INSERT INTO o SELECT DATE 'x' FROM s"),
            std::vector<std::string>{"1:27: invalid DATE literal 'x'"});
  EXPECT_EQ(ParseErrors("INSERT INTO o SELECT a, FROM s"),
            std::vector<std::string>{"1:25: expected an expression but found 'FROM'"});
  EXPECT_EQ(ParseErrors("INSERT INTO o SELECT a FROM s WHERE"),
            std::vector<std::string>{"1:36: unexpected end of input (expected an expression)"});
  EXPECT_EQ(ParseErrors("CREATE SOURCE s (ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '5' "
                        "FORTNIGHT) WITH ()"),
            std::vector<std::string>{"1:70: expected an interval unit (SECOND, MINUTE, HOUR, DAY, "
                                     "MILLISECOND) but found 'FORTNIGHT'"});
  EXPECT_EQ(ParseErrors("CREATE SOURCE s (ts TIMESTAMP, WATERMARK FOR tz AS tz) WITH ()"),
            std::vector<std::string>{"1:46: unknown column 'tz' in WATERMARK"});
  EXPECT_EQ(ParseErrors("CREATE SINK s WITH ('a' = 'b') INSERT INTO x SELECT a FROM s"),
            std::vector<std::string>{"1:32: expected ';' but found 'INSERT'"});
  EXPECT_EQ(ParseErrors("INSERT INTO o SELECT a # b FROM s"),
            std::vector<std::string>{"1:24: unexpected character '#'"});
  EXPECT_EQ(ParseErrors("INSERT INTO o SELECT a IS 1 FROM s"),
            std::vector<std::string>{"1:27: expected 'NULL' but found '1'"});
}

TEST(ParserTest, RecoversToReportSeveralErrors) {
  std::string text =
      "CREATE SOURCE s (a INT WITH ('x' = 'y');\n"
      "CREATE SINK out WITH ('connector' = 'console');\n"
      "INSERT INTO out SELECT a +, b FROM s;\n"
      "INSERT INTO out SELECT 'oops FROM s;\n";
  EXPECT_EQ(ParseErrors(text), (std::vector<std::string>{
                                   "1:24: expected ')' but found 'WITH'",
                                   "3:27: expected an expression but found ','",
                                   "4:24: unterminated string literal",
                               }));
  // A statement keyword at the start of a line ends a broken statement.
  EXPECT_EQ(ParseErrors("SET a = \nINSERT INTO o SELECT FROM s"),
            (std::vector<std::string>{"2:1: expected an option value but found 'INSERT'",
                                      "2:22: expected an expression but found 'FROM'"}));
}

TEST(ParserTest, FormatShowsLineAndCaret) {
  std::string text = "SET a = 'b';\n\tINSERT INTO out SELECT lower(a FROM t;\n";
  Parsed parsed = Parse(text);
  ASSERT_FALSE(parsed.script);
  EXPECT_EQ(parsed.diagnostics.Format(),
            "p.sql:2:33: error: expected ')' but found 'FROM'\n"
            "\tINSERT INTO out SELECT lower(a FROM t;\n"
            "\t                               ^\n");
  Status status = parsed.diagnostics.ToStatus();
  EXPECT_EQ(status.code(), StatusCode::kPlan);
  EXPECT_EQ(status.message(),
            "p.sql:2:33: error: expected ')' but found 'FROM'\n"
            "\tINSERT INTO out SELECT lower(a FROM t;\n"
            "\t                               ^");
}

TEST(ParserTest, FormatCountsUtf8CharactersForTheCaret) {
  std::string text = "INSERT INTO o SELECT 'é', ) FROM s";
  Parsed parsed = Parse(text);
  ASSERT_FALSE(parsed.script);
  EXPECT_EQ(parsed.diagnostics.Format(),
            "p.sql:1:28: error: expected an expression but found ')'\n"
            "INSERT INTO o SELECT 'é', ) FROM s\n"
            "                          ^\n");
}

TEST(ParserTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep = std::string(100000, '(') + "1";
  Diagnostics diagnostics("e", deep);
  EXPECT_FALSE(ParseExpression(deep, &diagnostics));
  EXPECT_EQ(Errors(diagnostics), std::vector<std::string>{"1:201: expression nested too deeply"});
  for (std::string prefix : {"NOT ", "- ", "+"}) {
    std::string text;
    for (int i = 0; i < 10000; ++i) text += prefix;
    Diagnostics more("e", text);
    EXPECT_FALSE(ParseExpression(text + "1", &more));
    EXPECT_EQ(more.items().at(0).message, "expression nested too deeply") << prefix;
  }
  EXPECT_EQ(DumpExpr(std::string(150, '(') + "1" + std::string(150, ')')), "1:INT");
}

TEST(ParserTest, EmptyScriptAndStraySemicolons) {
  Parsed parsed = Parse(" ;; -- nothing\n");
  ASSERT_TRUE(parsed.script);
  EXPECT_TRUE(parsed.script->statements.empty());
}

}  // namespace
}  // namespace sluice::sql
