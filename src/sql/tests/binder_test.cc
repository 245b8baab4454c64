#include <gtest/gtest.h>

#include "exec/expression.h"
#include "sql/binder.h"
#include "sql/parser.h"
#include "testing/gtest_util.h"

namespace sluice::sql {
namespace {

Schema ClicksSchema() {
  return Schema({
      {"event_id", Int64Type(), false},
      {"price", DoubleType(), true},
      {"qty", Int32Type(), true},
      {"name", StringType(), true},
      {"ts", TimestampType(), true},
      {"day", DateType(), true},
      {"device", StructType({{"os", StringType(), true}, {"version", Int32Type(), false}}), true},
      {"tags", ListType(StringType()), true},
      {"ok", BooleanType(), false},
  });
}

struct BindOutcome {
  std::string text;
  std::optional<BoundQuery> query;
  std::vector<std::string> errors;  // "line:col: message"
  std::string formatted;
};

/// Binds "INSERT INTO out <select>" against ClicksSchema().
BindOutcome Bind(const std::string& select) {
  BindOutcome outcome;
  outcome.text = "INSERT INTO out " + select;
  Diagnostics diagnostics("q.sql", outcome.text);
  std::optional<Script> script = ParseScript("q.sql", outcome.text, &diagnostics);
  EXPECT_TRUE(script) << diagnostics.Format();
  if (!script) return outcome;
  outcome.query =
      BindInsert(std::get<InsertStmt>(script->statements.at(0)), ClicksSchema(), &diagnostics);
  for (const auto& item : diagnostics.items()) {
    outcome.errors.push_back(std::to_string(item.location.line) + ":" +
                             std::to_string(item.location.column) + ": " + item.message);
  }
  outcome.formatted = diagnostics.Format();
  EXPECT_EQ(outcome.query.has_value(), outcome.errors.empty());
  return outcome;
}

std::string OutputSchema(const std::string& select) {
  BindOutcome outcome = Bind(select);
  if (!outcome.query) return "ERROR " + outcome.formatted;
  return outcome.query->output_schema->ToString();
}

/// The single error of binding `select`, with its column located at the first occurrence of
/// `at` in the statement (1-based, line 1).
std::string ErrorAt(const std::string& select, const std::string& at, const std::string& message) {
  std::string text = "INSERT INTO out " + select;
  size_t pos = text.find(at);
  EXPECT_NE(pos, std::string::npos) << at;
  return "1:" + std::to_string(pos + 1) + ": " + message;
}

TEST(BinderTest, ResolvesColumnsCaseInsensitivelyWithPrefixesAndStructPaths) {
  EXPECT_EQ(OutputSchema("SELECT event_id, c.price, clicks.qty, device.os, "
                         "c.device.version AS v, NAME, Device.Version FROM clicks c"),
            "event_id BIGINT NOT NULL, price DOUBLE, qty INT, os STRING, v INT, name STRING, "
            "version INT");
  EXPECT_EQ(OutputSchema("SELECT clicks.device.os FROM clicks"), "os STRING");
}

TEST(BinderTest, ExpandsStar) {
  EXPECT_EQ(OutputSchema("SELECT * FROM clicks"), ClicksSchema().ToString());
  EXPECT_EQ(OutputSchema("SELECT c.*, 1 AS one FROM clicks c"),
            ClicksSchema().ToString() + ", one INT NOT NULL");
  EXPECT_EQ(OutputSchema("SELECT device.* FROM clicks"), "os STRING, version INT");
}

TEST(BinderTest, TypesAndNullability) {
  EXPECT_EQ(OutputSchema("SELECT qty + 1, event_id + qty, event_id * 2, price / 2, "
                         "event_id / 2, event_id % 3, -event_id FROM clicks"),
            "qty + 1 INT, event_id + qty BIGINT, event_id * 2 BIGINT NOT NULL, "
            "price / 2 DOUBLE, event_id / 2 DOUBLE, event_id % 3 BIGINT, "
            "-event_id BIGINT NOT NULL");
  EXPECT_EQ(OutputSchema("SELECT qty + price AS a, 1 AS b, 3000000000 AS c, 1.5 AS d, "
                         "'x' AS e, NULL AS f, TRUE AS g FROM clicks"),
            "a DOUBLE, b INT NOT NULL, c BIGINT NOT NULL, d DOUBLE NOT NULL, "
            "e STRING NOT NULL, f STRING, g BOOLEAN NOT NULL");
  EXPECT_EQ(OutputSchema("SELECT 'a' || name AS a, concat('x', 'y') AS b, lower(name) AS c, "
                         "upper('q') AS d, length(name) AS e, abs(price) AS f FROM clicks"),
            "a STRING, b STRING NOT NULL, c STRING, d STRING NOT NULL, e INT, f DOUBLE");
  EXPECT_EQ(OutputSchema("SELECT ts - INTERVAL '1' HOUR AS a, INTERVAL '1' DAY + day AS b, "
                         "day < ts AS c, ok AND qty > 1 AS d, ok OR TRUE AS e, NOT ok AS f, "
                         "qty IS NULL AS g FROM clicks"),
            "a TIMESTAMP, b TIMESTAMP, c BOOLEAN, d BOOLEAN, e BOOLEAN NOT NULL, "
            "f BOOLEAN NOT NULL, g BOOLEAN NOT NULL");
  EXPECT_EQ(OutputSchema("SELECT coalesce(qty, 0) AS a, coalesce(qty, event_id) AS b, "
                         "coalesce(name, NULL) AS c, CAST(event_id AS STRING) AS d, "
                         "CAST(name AS INT) AS e, TRY_CAST(price AS INT) AS f, "
                         "CAST(NULL AS DATE) AS g FROM clicks"),
            "a INT NOT NULL, b BIGINT NOT NULL, c STRING, d STRING NOT NULL, e INT, f INT, "
            "g DATE");
}

TEST(BinderTest, InsertsImplicitCasts) {
  BindOutcome outcome = Bind("SELECT qty + event_id, day = ts, qty + NULL FROM clicks");
  ASSERT_TRUE(outcome.query);
  auto transform = outcome.query->transform;
  // The plan keeps the source text; the bound structure shows the casts.
  EXPECT_EQ(transform->Explain(), "Project [qty + event_id, day = ts, qty + NULL]\n");
}

TEST(BinderTest, Explain) {
  BindOutcome outcome =
      Bind("SELECT event_id, price * 2 AS double_price FROM clicks WHERE price > 10");
  ASSERT_TRUE(outcome.query);
  EXPECT_EQ(outcome.query->transform->Explain(),
            "Project [event_id, price * 2 AS double_price]\n"
            "  Filter (price > 10)\n");
  EXPECT_TRUE(outcome.query->input_schema->Equals(ClicksSchema()));
}

TEST(BinderTest, UnknownColumnSuggestsTheClosest) {
  std::string select = "SELECT prcie FROM clicks";
  BindOutcome outcome = Bind(select);
  EXPECT_EQ(outcome.errors,
            std::vector<std::string>{
                ErrorAt(select, "prcie", "unknown column 'prcie' (did you mean 'price'?)")});
  EXPECT_EQ(outcome.formatted,
            "q.sql:1:24: error: unknown column 'prcie' (did you mean 'price'?)\n"
            "INSERT INTO out SELECT prcie FROM clicks\n"
            "                       ^\n");
  select = "SELECT c.zzzzzz FROM clicks c";
  EXPECT_EQ(Bind(select).errors,
            std::vector<std::string>{ErrorAt(select, "c.zz", "unknown column 'zzzzzz'")});
}

TEST(BinderTest, Errors) {
  struct Case {
    std::string select;
    std::string at;
    std::string message;
  };
  std::vector<Case> cases = {
      {"SELECT lowr(name) FROM clicks", "lowr", "unknown function 'lowr' (did you mean 'lower'?)"},
      {"SELECT add(qty, 1) FROM clicks", "add", "unknown function 'add' (did you mean 'abs'?)"},
      {"SELECT name + qty FROM clicks", "+", "cannot apply '+' to STRING and INT"},
      {"SELECT name || tags FROM clicks", "||", "cannot apply '||' to STRING and ARRAY<STRING>"},
      {"SELECT qty = 'x' FROM clicks", "=", "cannot apply '=' to INT and STRING"},
      {"SELECT lower(qty) FROM clicks", "lower",
       "cannot apply 'lower' to INT (expected lower(STRING))"},
      {"SELECT coalesce(qty, name) FROM clicks", "coalesce",
       "cannot apply 'coalesce' to INT, STRING (expected coalesce(T, T, ...) with a common type "
       "T)"},
      {"SELECT event_id FROM clicks WHERE event_id + 1", "event_id + 1",
       "WHERE clause must be BOOLEAN, got BIGINT"},
      {"SELECT event_id FROM clicks WHERE (qty) * 2", "qty)",
       "WHERE clause must be BOOLEAN, got INT"},
      {"SELECT device.model FROM clicks", "device",
       "no field 'model' in STRUCT<os: STRING, version: INT>"},
      {"SELECT qty.x FROM clicks", "qty", "cannot access field 'x' of INT column 'qty'"},
      {"SELECT qty, price AS qty FROM clicks", "qty FROM",
       "duplicate output column name 'qty' (use AS to rename)"},
      {"SELECT CAST(tags AS INT) FROM clicks", "CAST", "cannot cast ARRAY<STRING> to INT"},
      {"SELECT NOT qty FROM clicks", "NOT", "cannot apply 'NOT' to INT"},
      {"SELECT ok AND qty FROM clicks", "AND", "cannot apply 'AND' to BOOLEAN and INT"},
      {"SELECT INTERVAL '1' DAY AS i FROM clicks", "INTERVAL",
       "INTERVAL can only be added to or subtracted from a TIMESTAMP"},
      {"SELECT qty + INTERVAL '1' DAY FROM clicks", "+", "cannot apply '+' to INT and INTERVAL"},
      {"SELECT INTERVAL '1' DAY - ts FROM clicks", "-",
       "cannot apply '-' to INTERVAL and TIMESTAMP"},
      {"SELECT +name FROM clicks", "+", "cannot apply '+' to STRING"},
      {"SELECT x.* FROM clicks", "x.*", "unknown column 'x' (did you mean 'ts'?)"},
      {"SELECT qty.* FROM clicks", "qty.*", "cannot expand 'qty.*': INT is not a STRUCT"},
      {"SELECT lower(*) FROM clicks", "*", "'*' is only allowed as a SELECT item"},
  };
  for (const auto& c : cases) {
    BindOutcome outcome = Bind(c.select);
    EXPECT_EQ(outcome.errors, std::vector<std::string>{ErrorAt(c.select, c.at, c.message)})
        << c.select;
  }
}

TEST(BinderTest, ReportsEveryError) {
  BindOutcome outcome = Bind("SELECT prcie, lowr(name), name + 1 FROM clicks WHERE qty");
  EXPECT_EQ(outcome.errors, (std::vector<std::string>{
                                "1:24: unknown column 'prcie' (did you mean 'price'?)",
                                "1:31: unknown function 'lowr' (did you mean 'lower'?)",
                                "1:48: cannot apply '+' to STRING and INT",
                                "1:70: WHERE clause must be BOOLEAN, got INT",
                            }));
}

}  // namespace
}  // namespace sluice::sql
