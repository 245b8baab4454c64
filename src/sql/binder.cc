#include "sql/binder.h"

#include <utility>

#include "common/strings.h"
#include "exec/cast.h"
#include "exec/expression.h"
#include "exec/functions.h"
#include "exec/kernel_util.h"

namespace sluice::sql {
namespace {

/// Where an expression starts in the source (binary operators are located at their operator).
Location StartLocation(const ParsedExpr& expr) {
  if ((expr.kind == ExprKind::kBinary || expr.kind == ExprKind::kIsNull) &&
      !expr.children.empty() && expr.children[0]) {
    const Location child = StartLocation(*expr.children[0]);
    // A parenthesised expression starts at its '(' which precedes the child.
    if (child.line < expr.location.line ||
        (child.line == expr.location.line && child.column < expr.location.column)) {
      return child;
    }
  }
  return expr.location;
}

/// An untyped NULL (the NULL keyword before it meets a type).
bool IsUntypedNull(const BoundExprPtr& expr) { return expr->type() == nullptr; }

std::string TypeName(const BoundExprPtr& expr) {
  return IsUntypedNull(expr) ? "NULL" : expr->type()->ToString();
}

class Binder {
 public:
  Binder(const InsertStmt& insert, const Schema& schema, Diagnostics* diagnostics)
      : insert_(insert),
        schema_(schema),
        diagnostics_(diagnostics),
        registry_(FunctionRegistry::Default()) {}

  std::optional<BoundQuery> Bind() {
    std::vector<BoundExprPtr> projections;
    std::vector<Field> fields;
    std::vector<Location> name_locations;
    bool ok = true;

    for (const SelectItem& item : insert_.select_list) {
      const ParsedExpr& parsed = *item.expr;
      if (parsed.kind == ExprKind::kStar) {
        if (!ExpandStar(parsed, &projections, &fields)) {
          ok = false;
          continue;
        }
        while (name_locations.size() < fields.size()) name_locations.push_back(parsed.location);
        continue;
      }
      BoundExprPtr expr = BindExpr(parsed);
      if (!expr) {
        ok = false;
        continue;
      }
      if (IsUntypedNull(expr)) expr = BoundExpr::MakeLiteral(Value(StringType()), expr->text());
      std::string name;
      if (!item.alias.empty()) {
        name = item.alias;
        name_locations.push_back(item.alias_location);
      } else {
        name = expr->kind() == BoundExprKind::kColumnRef ? column_ref_name_ : parsed.text;
        name_locations.push_back(StartLocation(parsed));
      }
      fields.push_back(Field{std::move(name), expr->type(), expr->nullable()});
      projections.push_back(std::move(expr));
    }

    for (size_t idx = 0; idx < fields.size(); ++idx) {
      for (size_t prior = 0; prior < idx; ++prior) {
        if (EqualsIgnoreCase(fields[idx].name, fields[prior].name)) {
          Error(name_locations[idx],
                "duplicate output column name '" + fields[idx].name + "' (use AS to rename)");
          ok = false;
          break;
        }
      }
    }

    BoundExprPtr filter;
    if (insert_.where) {
      filter = BindExpr(*insert_.where);
      if (!filter) {
        ok = false;
      } else if (IsUntypedNull(filter)) {
        filter = BoundExpr::MakeLiteral(Value(BooleanType()), filter->text());
      } else if (filter->type()->id() != TypeId::kBoolean) {
        Error(StartLocation(*insert_.where),
              "WHERE clause must be BOOLEAN, got " + filter->type()->ToString());
        ok = false;
      }
    }
    if (!ok) return std::nullopt;

    BoundQuery query;
    query.input_schema = std::make_shared<Schema>(schema_);
    query.output_schema = std::make_shared<Schema>(std::move(fields));
    query.transform = std::make_shared<QueryTransform>(query.input_schema, std::move(filter),
                                                       std::move(projections), query.output_schema);
    return query;
  }

 private:
  void Error(Location location, std::string message) {
    diagnostics_->Error(location, std::move(message));
  }

  bool MatchesSource(std::string_view name) const {
    return EqualsIgnoreCase(name, insert_.source) ||
           (!insert_.source_alias.empty() && EqualsIgnoreCase(name, insert_.source_alias));
  }

  std::vector<std::string> ColumnNames() const {
    std::vector<std::string> names;
    for (const Field& field : schema_.fields()) names.push_back(field.name);
    return names;
  }

  static std::string Suggestion(std::string_view name, const std::vector<std::string>& candidates) {
    std::optional<std::string> match = ClosestMatch(name, candidates);
    return match ? " (did you mean '" + *match + "'?)" : "";
  }

  /// Resolves a column path: [source.]column[.field...]. Sets column_ref_name_.
  BoundExprPtr BindColumnRef(const ParsedExpr& expr, const std::vector<std::string>& path) {
    size_t start = 0;
    int column_index = schema_.FieldIndex(path[0]);
    if (column_index < 0 && path.size() > 1 && MatchesSource(path[0])) {
      start = 1;
      column_index = schema_.FieldIndex(path[1]);
    }
    if (column_index < 0) {
      Error(expr.location,
            "unknown column '" + path[start] + "'" + Suggestion(path[start], ColumnNames()));
      return nullptr;
    }
    const Field& field = schema_.field(column_index);
    TypeRef type = field.type;
    bool nullable = field.nullable;
    std::string name = field.name;
    std::vector<int> field_path;
    for (size_t idx = start + 1; idx < path.size(); ++idx) {
      if (type->id() != TypeId::kStruct) {
        Error(expr.location, "cannot access field '" + path[idx] + "' of " + type->ToString() +
                                 " column '" + name + "'");
        return nullptr;
      }
      int field_index = type->FieldIndex(path[idx]);
      if (field_index < 0) {
        std::vector<std::string> names;
        for (const Field& member : type->fields()) names.push_back(member.name);
        Error(expr.location,
              "no field '" + path[idx] + "' in " + type->ToString() + Suggestion(path[idx], names));
        return nullptr;
      }
      const Field& member = type->fields()[static_cast<size_t>(field_index)];
      field_path.push_back(field_index);
      nullable = nullable || member.nullable;
      name = member.name;
      type = member.type;
    }
    column_ref_name_ = name;
    return BoundExpr::MakeColumnRef(column_index, std::move(field_path), std::move(type), nullable,
                                    expr.text);
  }

  bool ExpandStar(const ParsedExpr& star, std::vector<BoundExprPtr>* projections,
                  std::vector<Field>* fields) {
    if (star.path.empty() || (star.path.size() == 1 && MatchesSource(star.path[0]) &&
                              schema_.FieldIndex(star.path[0]) < 0)) {
      for (int idx = 0; idx < schema_.num_fields(); ++idx) {
        const Field& field = schema_.field(idx);
        projections->push_back(
            BoundExpr::MakeColumnRef(idx, {}, field.type, field.nullable, field.name));
        fields->push_back(field);
      }
      return true;
    }
    // struct_column.* expands the struct's fields.
    BoundExprPtr base = BindColumnRef(star, star.path);
    if (!base) return false;
    if (base->type()->id() != TypeId::kStruct) {
      Error(star.location,
            "cannot expand '" + star.text + "': " + base->type()->ToString() + " is not a STRUCT");
      return false;
    }
    const auto& members = base->type()->fields();
    for (size_t idx = 0; idx < members.size(); ++idx) {
      std::vector<int> path = base->field_path();
      path.push_back(static_cast<int>(idx));
      bool nullable = base->nullable() || members[idx].nullable;
      projections->push_back(BoundExpr::MakeColumnRef(
          base->column_index(), std::move(path), members[idx].type, nullable, members[idx].name));
      fields->push_back(Field{members[idx].name, members[idx].type, nullable});
    }
    return true;
  }

  /// An argument converted to `type`: typed NULLs, implicit casts.
  BoundExprPtr Coerce(const BoundExprPtr& expr, const TypeRef& type) {
    if (IsUntypedNull(expr)) return BoundExpr::MakeLiteral(Value(type), expr->text());
    if (expr->type()->Equals(*type)) return expr;
    Result<BoundExprPtr> cast = BoundExpr::MakeCast(expr, type, /*try_cast=*/false, expr->text());
    SLUICE_DCHECK(cast.ok(), "implicit casts are always valid casts");
    if (expr->kind() == BoundExprKind::kLiteral) {
      Result<BoundExprPtr> folded = FoldConstant(*cast);
      if (folded.ok()) return *folded;
    }
    return *cast;
  }

  static bool ResultNullable(const FunctionOverload& overload,
                             const std::vector<BoundExprPtr>& args) {
    switch (overload.nulls) {
      case NullHandling::kNeverNull:
        return false;
      case NullHandling::kIntroducesNulls:
        return true;
      case NullHandling::kNullIfAllNull:
        for (const auto& arg : args) {
          if (!arg->nullable()) return false;
        }
        return true;
      case NullHandling::kPropagate:
        break;
    }
    for (const auto& arg : args) {
      if (arg->nullable()) return true;
    }
    return false;
  }

  /// Resolves `function` for `args` and builds the call; reports `error` if no overload fits.
  BoundExprPtr BindCall(const FunctionDef& function, std::vector<BoundExprPtr> args,
                        const ParsedExpr& expr, Location error_location, bool is_operator) {
    std::vector<TypeRef> arg_types;
    for (const auto& arg : args) arg_types.push_back(arg->type());
    std::optional<FunctionOverload> overload = registry_.Resolve(function, arg_types);
    if (!overload) {
      std::vector<std::string> names;
      for (const auto& arg : args) names.push_back(TypeName(arg));
      std::string message =
          "cannot apply '" + (is_operator ? expr.op : function.display_name) + "' to ";
      if (names.empty()) {
        message += "no arguments";
      } else {
        message += Join(names, is_operator ? " and " : ", ");
      }
      if (!is_operator) message += " (expected " + function.signature_help + ")";
      Error(error_location, std::move(message));
      return nullptr;
    }
    for (size_t idx = 0; idx < args.size(); ++idx) {
      args[idx] = Coerce(args[idx], overload->params[idx]);
    }
    if (!Prepare(&*overload, args, error_location)) return nullptr;
    bool nullable = ResultNullable(*overload, args);
    return BoundExpr::MakeCall(function.name, std::move(*overload), std::move(args), nullable,
                               expr.text);
  }

  /// Runs the overload's bind-time preparation (compiling a constant regex or date pattern, loading
  /// a time zone); its errors are reported at `location`.
  bool Prepare(FunctionOverload* overload, const std::vector<BoundExprPtr>& args,
               Location location) {
    if (!overload->prepare) return true;
    std::vector<const Value*> constants;
    for (const auto& arg : args) {
      constants.push_back(arg->kind() == BoundExprKind::kLiteral ? &*arg->literal() : nullptr);
    }
    Result<std::shared_ptr<const void>> state = overload->prepare(constants);
    if (!state.ok()) {
      Error(location, state.status().message());
      return false;
    }
    overload->state = std::move(*state);
    return true;
  }

  /// An operator-like call built by the binder itself (BETWEEN, simple CASE, IN):
  /// `symbol` names it in errors.
  BoundExprPtr BindNamedCall(std::string_view function_name, std::string_view symbol,
                             std::vector<BoundExprPtr> args, const std::string& text,
                             Location location) {
    const FunctionDef* function = registry_.Lookup(function_name);
    SLUICE_DCHECK(function != nullptr, "function missing from the registry");
    std::vector<TypeRef> arg_types;
    for (const auto& arg : args) arg_types.push_back(arg->type());
    std::optional<FunctionOverload> overload = registry_.Resolve(*function, arg_types);
    if (!overload) {
      std::vector<std::string> names;
      for (const auto& arg : args) names.push_back(TypeName(arg));
      Error(location, "cannot apply '" + std::string(symbol) + "' to " + Join(names, " and "));
      return nullptr;
    }
    for (size_t idx = 0; idx < args.size(); ++idx) {
      args[idx] = Coerce(args[idx], overload->params[idx]);
    }
    if (!Prepare(&*overload, args, location)) return nullptr;
    bool nullable = ResultNullable(*overload, args);
    return BoundExpr::MakeCall(function->name, std::move(*overload), std::move(args), nullable,
                               text);
  }

  /// CASE: conditions and values become case_when(c1, v1, ..., else).
  BoundExprPtr BindCase(const ParsedExpr& expr) {
    const auto& children = expr.children;
    size_t first = expr.case_has_operand ? 1 : 0;
    size_t end = children.size() - (expr.case_has_else ? 1 : 0);
    BoundExprPtr operand;
    if (expr.case_has_operand) {
      operand = BindExpr(*children[0]);
      if (!operand) return nullptr;
    }
    std::vector<BoundExprPtr> args;
    std::vector<Location> locations;
    bool ok = true;
    for (size_t idx = first; idx + 1 < end; idx += 2) {
      BoundExprPtr when;
      if (operand) {
        BoundExprPtr value = BindExpr(*children[idx]);
        if (value) {
          when = BindNamedCall("equal", "=", {operand, value}, children[idx]->text,
                               StartLocation(*children[idx]));
        }
      } else {
        when = BindBoolean(*children[idx]);
        if (when && when->type()->id() != TypeId::kBoolean) {
          Error(StartLocation(*children[idx]),
                "CASE WHEN condition must be BOOLEAN, got " + TypeName(when));
          when = nullptr;
        }
      }
      BoundExprPtr then = BindExpr(*children[idx + 1]);
      if (!when || !then) ok = false;
      args.push_back(std::move(when));
      args.push_back(std::move(then));
      locations.push_back(StartLocation(*children[idx + 1]));
    }
    if (expr.case_has_else) {
      BoundExprPtr otherwise = BindExpr(*children.back());
      if (!otherwise) ok = false;
      args.push_back(std::move(otherwise));
      locations.push_back(StartLocation(*children.back()));
    } else {
      args.push_back(BoundExpr::MakeLiteral(Value(TypeRef()), "NULL"));
    }
    if (!ok) return nullptr;
    return BindConditional("case_when", std::move(args), expr, locations);
  }

  /// case_when / if: the values get a common type; the result is NULL only if a value can be.
  BoundExprPtr BindConditional(std::string_view function_name, std::vector<BoundExprPtr> args,
                               const ParsedExpr& expr, const std::vector<Location>& locations) {
    const FunctionDef* function = registry_.Lookup(function_name);
    std::vector<TypeRef> arg_types;
    for (const auto& arg : args) arg_types.push_back(arg->type());
    std::optional<FunctionOverload> overload = registry_.Resolve(*function, arg_types);
    if (!overload) {
      std::vector<std::string> names;
      for (size_t idx = 1; idx < args.size(); idx += 2) names.push_back(TypeName(args[idx]));
      names.push_back(TypeName(args.back()));
      Error(locations.empty() ? expr.location : locations.front(),
            "the branches of " + std::string(function_name == "if" ? "IF" : "CASE") +
                " have no common type: " + Join(names, ", "));
      return nullptr;
    }
    bool nullable = false;
    for (size_t idx = 0; idx < args.size(); ++idx) {
      args[idx] = Coerce(args[idx], overload->params[idx]);
      const bool is_value = idx % 2 == 1 || idx + 1 == args.size();
      if (is_value && args[idx]->nullable()) nullable = true;
    }
    return BoundExpr::MakeCall(function->name, std::move(*overload), std::move(args), nullable,
                               expr.text);
  }

  BoundExprPtr BindIn(const ParsedExpr& expr) {
    std::vector<BoundExprPtr> args;
    bool ok = true;
    for (const auto& child : expr.children) {
      BoundExprPtr arg = BindExpr(*child);
      if (!arg) ok = false;
      args.push_back(std::move(arg));
    }
    if (!ok) return nullptr;
    BoundExprPtr in = BindNamedCall("in_list", "IN", std::move(args), expr.text, expr.location);
    if (!in || !expr.negated) return in;
    return BoundExpr::MakeNot(std::move(in), expr.text);
  }

  BoundExprPtr BindBetween(const ParsedExpr& expr) {
    BoundExprPtr value = BindExpr(*expr.children[0]);
    BoundExprPtr low = BindExpr(*expr.children[1]);
    BoundExprPtr high = BindExpr(*expr.children[2]);
    if (!value || !low || !high) return nullptr;
    BoundExprPtr lower_ok =
        BindNamedCall("greater_than_or_equal", "BETWEEN", {value, low}, expr.text, expr.location);
    BoundExprPtr upper_ok =
        BindNamedCall("less_than_or_equal", "BETWEEN", {value, high}, expr.text, expr.location);
    if (!lower_ok || !upper_ok) return nullptr;
    BoundExprPtr both = BoundExpr::MakeAnd(std::move(lower_ok), std::move(upper_ok), expr.text);
    return expr.negated ? BoundExpr::MakeNot(std::move(both), expr.text) : both;
  }

  /// a[i] (0-based, as Spark) and (expr).field.
  BoundExprPtr BindSubscript(const ParsedExpr& expr) {
    BoundExprPtr base = BindExpr(*expr.children[0]);
    BoundExprPtr index = BindExpr(*expr.children[1]);
    if (!base || !index) return nullptr;
    return BindNamedCall("subscript", "[]", {std::move(base), std::move(index)}, expr.text,
                         expr.location);
  }

  BoundExprPtr BindField(const ParsedExpr& expr) {
    BoundExprPtr base = BindExpr(*expr.children[0]);
    if (!base) return nullptr;
    if (IsUntypedNull(base) || base->type()->id() != TypeId::kStruct) {
      Error(expr.location, "cannot access field '" + expr.path[0] + "' of " + TypeName(base));
      return nullptr;
    }
    int field_index = base->type()->FieldIndex(expr.path[0]);
    if (field_index < 0) {
      std::vector<std::string> names;
      for (const Field& member : base->type()->fields()) names.push_back(member.name);
      Error(expr.location, "no field '" + expr.path[0] + "' in " + base->type()->ToString() +
                               Suggestion(expr.path[0], names));
      return nullptr;
    }
    FunctionOverload overload;
    overload.params = {base->type()};
    overload.result = base->type()->fields()[static_cast<size_t>(field_index)].type;
    overload.kernel = [field_index](const KernelContext&, const std::vector<ColumnRef>& args,
                                    int64_t) -> Result<ColumnRef> {
      return kernels::AndParentValidity(args[0]->StructField(field_index), *args[0]);
    };
    column_ref_name_ = base->type()->fields()[static_cast<size_t>(field_index)].name;
    return BoundExpr::MakeCall("struct_field", std::move(overload), {std::move(base)}, true,
                               expr.text);
  }

  BoundExprPtr BindOperatorCall(std::string_view function_name, std::vector<BoundExprPtr> args,
                                const ParsedExpr& expr) {
    const FunctionDef* function = registry_.Lookup(function_name);
    SLUICE_DCHECK(function != nullptr, "operator function missing from the registry");
    return BindCall(*function, std::move(args), expr, expr.location, /*is_operator=*/true);
  }

  /// TIMESTAMP +/- INTERVAL (either operand order for '+').
  BoundExprPtr BindIntervalArithmetic(const ParsedExpr& expr) {
    const bool left_is_interval = expr.children[0]->kind == ExprKind::kInterval;
    const bool right_is_interval = expr.children[1]->kind == ExprKind::kInterval;
    const ParsedExpr& interval = *expr.children[right_is_interval ? 1 : 0];
    const ParsedExpr& other = *expr.children[right_is_interval ? 0 : 1];
    auto fail = [&](const std::string& other_type) -> BoundExprPtr {
      std::string left = left_is_interval ? "INTERVAL" : other_type;
      std::string right = right_is_interval ? "INTERVAL" : other_type;
      Error(expr.location, "cannot apply '" + expr.op + "' to " + left + " and " + right);
      return nullptr;
    };
    if (left_is_interval && right_is_interval) return fail("INTERVAL");
    if (left_is_interval && expr.op == "-") {
      BoundExprPtr bound = BindExpr(other);
      return bound ? fail(TypeName(bound)) : nullptr;
    }
    BoundExprPtr timestamp = BindExpr(other);
    if (!timestamp) return nullptr;
    if (IsUntypedNull(timestamp) || ImplicitCastCost(*timestamp->type(), *TimestampType()) < 0) {
      return fail(TypeName(timestamp));
    }
    BoundExprPtr micros = BoundExpr::MakeLiteral(*interval.literal, interval.text);
    return BindOperatorCall(
        expr.op == "+" ? "timestamp_add_interval" : "timestamp_subtract_interval",
        {std::move(timestamp), std::move(micros)}, expr);
  }

  BoundExprPtr BindBoolean(const ParsedExpr& child) {
    BoundExprPtr bound = BindExpr(child);
    if (!bound) return nullptr;
    if (IsUntypedNull(bound)) return BoundExpr::MakeLiteral(Value(BooleanType()), bound->text());
    return bound;
  }

  BoundExprPtr BindBinary(const ParsedExpr& expr) {
    if (expr.op == "AND" || expr.op == "OR") {
      BoundExprPtr left = BindBoolean(*expr.children[0]);
      BoundExprPtr right = BindBoolean(*expr.children[1]);
      if (!left || !right) return nullptr;
      if (left->type()->id() != TypeId::kBoolean || right->type()->id() != TypeId::kBoolean) {
        Error(expr.location,
              "cannot apply '" + expr.op + "' to " + TypeName(left) + " and " + TypeName(right));
        return nullptr;
      }
      return expr.op == "AND" ? BoundExpr::MakeAnd(std::move(left), std::move(right), expr.text)
                              : BoundExpr::MakeOr(std::move(left), std::move(right), expr.text);
    }
    if ((expr.op == "+" || expr.op == "-") && (expr.children[0]->kind == ExprKind::kInterval ||
                                               expr.children[1]->kind == ExprKind::kInterval)) {
      return BindIntervalArithmetic(expr);
    }
    if (expr.op == "LIKE" || expr.op == "ILIKE" || expr.op == "RLIKE") {
      std::vector<BoundExprPtr> args;
      for (const auto& child : expr.children) {
        BoundExprPtr arg = BindExpr(*child);
        if (!arg) return nullptr;
        args.push_back(std::move(arg));
      }
      std::string name = expr.op == "RLIKE" ? "rlike" : ToLower(expr.op);
      BoundExprPtr call = BindNamedCall(name, expr.op, std::move(args), expr.text, expr.location);
      if (!call || !expr.negated) return call;
      return BoundExpr::MakeNot(std::move(call), expr.text);
    }
    if (expr.op == "IS DISTINCT FROM" || expr.op == "IS NOT DISTINCT FROM") {
      BoundExprPtr left = BindExpr(*expr.children[0]);
      BoundExprPtr right = BindExpr(*expr.children[1]);
      if (!left || !right) return nullptr;
      return BindNamedCall(
          expr.op == "IS DISTINCT FROM" ? "is_distinct_from" : "is_not_distinct_from", expr.op,
          {std::move(left), std::move(right)}, expr.text, expr.location);
    }
    std::optional<std::string> function_name = OperatorFunctionName(expr.op);
    if (!function_name) {
      Error(expr.location, "unknown operator '" + expr.op + "'");
      return nullptr;
    }
    BoundExprPtr left = BindExpr(*expr.children[0]);
    BoundExprPtr right = BindExpr(*expr.children[1]);
    if (!left || !right) return nullptr;
    return BindOperatorCall(*function_name, {std::move(left), std::move(right)}, expr);
  }

  BoundExprPtr BindUnary(const ParsedExpr& expr) {
    if (expr.op == "NOT") {
      BoundExprPtr operand = BindBoolean(*expr.children[0]);
      if (!operand) return nullptr;
      if (operand->type()->id() != TypeId::kBoolean) {
        Error(expr.location, "cannot apply 'NOT' to " + TypeName(operand));
        return nullptr;
      }
      return BoundExpr::MakeNot(std::move(operand), expr.text);
    }
    BoundExprPtr operand = BindExpr(*expr.children[0]);
    if (!operand) return nullptr;
    if (expr.op == "+") {
      if (IsUntypedNull(operand) || !operand->type()->is_numeric()) {
        Error(expr.location, "cannot apply '+' to " + TypeName(operand));
        return nullptr;
      }
      return operand;
    }
    return BindOperatorCall("negate", {std::move(operand)}, expr);
  }

  BoundExprPtr BindFunction(const ParsedExpr& expr) {
    const FunctionDef* function = registry_.Lookup(expr.function_name);
    if (function == nullptr || function->is_operator) {
      Error(expr.location, "unknown function '" + expr.function_name + "'" +
                               Suggestion(expr.function_name, registry_.CallableNames()));
      return nullptr;
    }
    std::vector<BoundExprPtr> args;
    bool ok = true;
    for (const auto& child : expr.children) {
      BoundExprPtr arg = BindExpr(*child);
      if (!arg) ok = false;
      args.push_back(std::move(arg));
    }
    if (!ok) return nullptr;
    return BindCall(*function, std::move(args), expr, expr.location, /*is_operator=*/false);
  }

  BoundExprPtr BindExprUnfolded(const ParsedExpr& expr) {
    switch (expr.kind) {
      case ExprKind::kColumnRef:
        return BindColumnRef(expr, expr.path);
      case ExprKind::kLiteral:
        return BoundExpr::MakeLiteral(*expr.literal, expr.text);
      case ExprKind::kInterval:
        Error(expr.location, "INTERVAL can only be added to or subtracted from a TIMESTAMP");
        return nullptr;
      case ExprKind::kStar:
        Error(expr.location, "'" + expr.text + "' is only allowed as a SELECT item");
        return nullptr;
      case ExprKind::kUnary:
        return BindUnary(expr);
      case ExprKind::kBinary:
        return BindBinary(expr);
      case ExprKind::kIsNull: {
        BoundExprPtr operand = BindBoolean(*expr.children[0]);
        if (!operand) return nullptr;
        return BoundExpr::MakeIsNull(std::move(operand), expr.negated, expr.text);
      }
      case ExprKind::kCast: {
        BoundExprPtr operand = BindExpr(*expr.children[0]);
        if (!operand) return nullptr;
        if (IsUntypedNull(operand)) {
          return BoundExpr::MakeLiteral(Value(expr.cast_type), expr.text);
        }
        Result<BoundExprPtr> cast =
            BoundExpr::MakeCast(std::move(operand), expr.cast_type, expr.try_cast, expr.text);
        if (!cast.ok()) {
          Error(expr.location, cast.status().message());
          return nullptr;
        }
        return *cast;
      }
      case ExprKind::kFunction:
        return BindFunction(expr);
      case ExprKind::kCase:
        return BindCase(expr);
      case ExprKind::kIn:
        return BindIn(expr);
      case ExprKind::kBetween:
        return BindBetween(expr);
      case ExprKind::kSubscript:
        return BindSubscript(expr);
      case ExprKind::kField:
        return BindField(expr);
    }
    Error(expr.location, "unsupported expression");
    return nullptr;
  }

  /// Binds `expr`, then folds it into a literal when it is constant (plan-time evaluation).
  BoundExprPtr BindExpr(const ParsedExpr& expr) {
    BoundExprPtr bound = BindExprUnfolded(expr);
    if (!bound || bound->kind() == BoundExprKind::kLiteral ||
        bound->kind() == BoundExprKind::kColumnRef) {
      return bound;
    }
    Result<BoundExprPtr> folded = FoldConstant(bound);
    if (!folded.ok()) {
      Error(StartLocation(expr), folded.status().message());
      return nullptr;
    }
    return *folded;
  }

  const InsertStmt& insert_;
  const Schema& schema_;
  Diagnostics* diagnostics_;
  const FunctionRegistry& registry_;
  std::string column_ref_name_;  // the resolved name of the last bound column reference
};

}  // namespace

std::optional<BoundQuery> BindInsert(const InsertStmt& insert, const Schema& source_schema,
                                     Diagnostics* diagnostics) {
  return Binder(insert, source_schema, diagnostics).Bind();
}

}  // namespace sluice::sql
