#include <gtest/gtest.h>
#include <algorithm>

#include "columnar/value.h"
#include "exec/cast.h"
#include "exec/expression.h"
#include "exec/functions.h"
#include "exec/transform.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

ColumnRef Bools(const std::vector<std::optional<bool>>& values) {
  std::vector<Value> cells;
  for (const auto& value : values) {
    cells.push_back(value ? Value::Boolean(*value) : Value(BooleanType()));
  }
  return MakeColumn(BooleanType(), cells);
}

std::string ColumnText(const ColumnRef& column) {
  std::string out;
  for (int64_t row = 0; row < column->length(); ++row) {
    if (row > 0) out += ",";
    AppendCellText(*column, row, out);
  }
  return out;
}

/// l and r hold every pair of TRUE/FALSE/NULL.
Batch TruthTable() {
  auto schema = std::make_shared<Schema>(
      std::vector<Field>{{"l", BooleanType(), true}, {"r", BooleanType(), true}});
  std::vector<std::optional<bool>> left, right;
  for (std::optional<bool> l :
       {std::optional<bool>(true), std::optional<bool>(false), std::optional<bool>()}) {
    for (std::optional<bool> r :
         {std::optional<bool>(true), std::optional<bool>(false), std::optional<bool>()}) {
      left.push_back(l);
      right.push_back(r);
    }
  }
  return *Batch::Make(schema, {Bools(left), Bools(right)}, 9);
}

TEST(ExpressionTest, ThreeValuedLogicTruthTable) {
  Batch batch = TruthTable();
  auto l = BoundExpr::MakeColumnRef(0, {}, BooleanType(), true, "l");
  auto r = BoundExpr::MakeColumnRef(1, {}, BooleanType(), true, "r");
  EvalContext context;
  ASSERT_OK_AND_ASSIGN(ColumnRef and_result,
                       BoundExpr::MakeAnd(l, r, "l AND r")->Evaluate(batch, context));
  // rows: (T,T) (T,F) (T,N) (F,T) (F,F) (F,N) (N,T) (N,F) (N,N)
  EXPECT_EQ(ColumnText(and_result), "true,false,NULL,false,false,false,NULL,false,NULL");
  ASSERT_OK_AND_ASSIGN(ColumnRef or_result,
                       BoundExpr::MakeOr(l, r, "l OR r")->Evaluate(batch, context));
  EXPECT_EQ(ColumnText(or_result), "true,true,true,true,false,NULL,true,NULL,NULL");
  ASSERT_OK_AND_ASSIGN(ColumnRef not_result,
                       BoundExpr::MakeNot(l, "NOT l")->Evaluate(batch, context));
  EXPECT_EQ(ColumnText(not_result), "false,false,false,true,true,true,NULL,NULL,NULL");
  ASSERT_OK_AND_ASSIGN(ColumnRef is_null,
                       BoundExpr::MakeIsNull(r, false, "r IS NULL")->Evaluate(batch, context));
  EXPECT_EQ(ColumnText(is_null), "false,false,true,false,false,true,false,false,true");
  EXPECT_EQ(is_null->null_count(), 0);
  // An unaligned slice takes the bit-by-bit validity path.
  Batch sliced = batch.Slice(3, 6);
  ASSERT_OK_AND_ASSIGN(and_result, BoundExpr::MakeAnd(l, r, "l AND r")->Evaluate(sliced, context));
  EXPECT_EQ(ColumnText(and_result), "false,false,false,NULL,false,NULL");
}

TEST(ExpressionTest, FieldOfNullStructIsNull) {
  TypeRef type = StructType({{"os", StringType(), true}});
  ColumnRef os = MakeColumn(StringType(), {Value::String("ios"), Value::String("android")});
  uint8_t validity_bits = 0b01;  // row 1: the struct is NULL, its child is not
  ASSERT_OK_AND_ASSIGN(ColumnRef device, Column::Make(type, 2, {Buffer::CopyOf(&validity_bits, 1)},
                                                      {os}, /*null_count=*/1));
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"device", type, true}});
  ASSERT_OK_AND_ASSIGN(Batch batch, Batch::Make(schema, {device}, 2));
  auto field = BoundExpr::MakeColumnRef(0, {0}, StringType(), true, "device.os");
  ASSERT_OK_AND_ASSIGN(ColumnRef result, field->Evaluate(batch, EvalContext{}));
  EXPECT_EQ(ColumnText(result), "ios,NULL");
}

TEST(FunctionRegistryTest, ResolvesWithImplicitCasts) {
  const FunctionRegistry& registry = FunctionRegistry::Default();
  const FunctionDef* add = registry.Lookup("ADD");
  ASSERT_NE(add, nullptr);
  EXPECT_TRUE(add->is_operator);
  auto resolved = registry.Resolve(*add, {Int32Type(), Int64Type()});
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->result->ToString(), "BIGINT");
  EXPECT_EQ(resolved->params[0]->ToString(), "BIGINT");
  resolved = registry.Resolve(*add, {Int32Type(), DoubleType()});
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->result->ToString(), "DOUBLE");
  resolved = registry.Resolve(*add, {nullptr, Int32Type()});
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->result->ToString(), "INT");
  EXPECT_FALSE(registry.Resolve(*add, {StringType(), Int32Type()}));
  EXPECT_FALSE(registry.Resolve(*add, {Int32Type()}));

  const FunctionDef* equal = registry.Lookup("equal");
  resolved = registry.Resolve(*equal, {DateType(), TimestampType()});
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->params[0]->ToString(), "TIMESTAMP");
  EXPECT_FALSE(registry.Resolve(*equal, {StringType(), Int64Type()}));

  const FunctionDef* concat = registry.Lookup("concat");
  resolved = registry.Resolve(*concat, {StringType(), StringType(), nullptr});
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->params.size(), 3u);

  const std::vector<std::string> names = registry.CallableNames();
  for (std::string_view name : {"abs", "coalesce", "concat", "date_format", "regexp_extract",
                                "get_json_object", "xxhash64", "element_at"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
  for (std::string_view op : {"add", "equal", "case_when", "in_list", "subscript"}) {
    EXPECT_EQ(std::find(names.begin(), names.end(), op), names.end()) << op;
  }
  EXPECT_EQ(OperatorFunctionName("<>"), "not_equal");
  EXPECT_EQ(ImplicitCastCost(*Int32Type(), *DoubleType()), 2);
  EXPECT_EQ(ImplicitCastCost(*DoubleType(), *Int32Type()), -1);
  EXPECT_EQ(ImplicitCastCost(*StringType(), *Int32Type()), -1);
}

TEST(FunctionRegistryTest, RegisterRejectsDuplicates) {
  FunctionRegistry registry;
  RegisterMathFunctions(&registry);
  FunctionDef abs;
  abs.name = "ABS";
  ASSERT_RAISES(kAlreadyExists, "'abs'", registry.Register(std::move(abs)));
}

TEST(CastTest, RulesAndDoubleText) {
  EXPECT_TRUE(CanCast(*StringType(), *DateType()));
  EXPECT_TRUE(CanCast(*BooleanType(), *DoubleType()));
  EXPECT_TRUE(CanCast(*TimestampType(), *DateType()));
  EXPECT_FALSE(CanCast(*TimestampType(), *Int64Type()));
  EXPECT_FALSE(CanCast(*ListType(Int32Type()), *Int32Type()));
  EXPECT_FALSE(CanCast(*ListType(Int32Type()), *StringType()));
  EXPECT_TRUE(CanCast(*ListType(Int32Type()), *ListType(Int32Type())));
  EXPECT_EQ(FormatDoubleSpark(1.0), "1.0");
  EXPECT_EQ(FormatDoubleSpark(0.1), "0.1");
  EXPECT_EQ(FormatDoubleSpark(1e7), "1.0E7");
  EXPECT_EQ(FormatDoubleSpark(1.5e-5), "1.5E-5");
  EXPECT_EQ(FormatDoubleSpark(-0.0), "-0.0");
  EXPECT_EQ(FormatDoubleSpark(1.0 / 0.0), "Infinity");
  ColumnRef doubles = MakeColumn(
      DoubleType(),
      {Value::Double(2147483647.9), Value::Double(-2147483648.9), Value::Double(2147483648.0)});
  ASSERT_RAISES(kOutOfRange, "cannot cast 2.147483648E9 to INT",
                CastColumn(doubles, Int32Type(), false));
  ASSERT_OK_AND_ASSIGN(ColumnRef ints, CastColumn(doubles, Int32Type(), true));
  EXPECT_EQ(ColumnText(ints), "2147483647,-2147483648,NULL");
}

TEST(QueryTransformTest, FilterThenProject) {
  auto schema = std::make_shared<Schema>(
      std::vector<Field>{{"id", Int64Type(), false}, {"price", DoubleType(), true}});
  ColumnRef ids = MakeColumn(Int64Type(), {Value::Int64(1), Value::Int64(2), Value::Int64(3)});
  ColumnRef prices =
      MakeColumn(DoubleType(), {Value::Double(5), Value(DoubleType()), Value::Double(20)});
  ASSERT_OK_AND_ASSIGN(Batch input, Batch::Make(schema, {ids, prices}, 3));

  const FunctionRegistry& registry = FunctionRegistry::Default();
  auto price = BoundExpr::MakeColumnRef(1, {}, DoubleType(), true, "price");
  auto ten = BoundExpr::MakeLiteral(Value::Double(10), "10");
  auto gt = registry.Resolve(*registry.Lookup("greater_than"), {DoubleType(), DoubleType()});
  ASSERT_TRUE(gt);
  auto filter = BoundExpr::MakeCall("greater_than", *gt, {price, ten}, true, "price > 10");
  auto mul = registry.Resolve(*registry.Lookup("multiply"), {DoubleType(), DoubleType()});
  auto two = BoundExpr::MakeLiteral(Value::Double(2), "2");
  auto doubled = BoundExpr::MakeCall("multiply", *mul, {price, two}, true, "price * 2");
  auto id = BoundExpr::MakeColumnRef(0, {}, Int64Type(), false, "id");
  auto output = std::make_shared<Schema>(
      std::vector<Field>{{"id", Int64Type(), false}, {"double_price", DoubleType(), true}});
  QueryTransform transform(schema, filter, {id, doubled}, output);
  EXPECT_EQ(doubled->ToDebugString(), "multiply(col#1:DOUBLE, 2.0:DOUBLE):DOUBLE");

  ASSERT_OK_AND_ASSIGN(Batch result, transform.Apply(input, EvalContext{}));
  EXPECT_EQ(BatchToRowsText(result), "3|40.0\n");
  EXPECT_TRUE(result.schema()->Equals(*output));
  EXPECT_EQ(transform.Explain(),
            "Project [id, price * 2 AS double_price]\n"
            "  Filter (price > 10)\n");

  QueryTransform no_filter(
      schema, nullptr, {doubled},
      std::make_shared<Schema>(std::vector<Field>{{"price * 2", DoubleType(), true}}));
  ASSERT_OK_AND_ASSIGN(result, no_filter.Apply(input, EvalContext{}));
  EXPECT_EQ(BatchToRowsText(result), "10.0\nNULL\n40.0\n");
  EXPECT_EQ(no_filter.Explain(), "Project [price * 2]\n");
  ASSERT_OK_AND_ASSIGN(result, no_filter.Apply(Batch::Empty(schema), EvalContext{}));
  EXPECT_EQ(result.num_rows(), 0);
}

}  // namespace
}  // namespace sluice
