#include "sql/binder.h"

#include <utility>

#include "common/strings.h"
#include "exec/cast.h"
#include "exec/expression.h"
#include "exec/functions.h"

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
    bool nullable = ResultNullable(*overload, args);
    return BoundExpr::MakeCall(function.name, std::move(*overload), std::move(args), nullable,
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

  BoundExprPtr BindExpr(const ParsedExpr& expr) {
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
        Error(expr.location, "CASE is not supported yet");
        return nullptr;
    }
    Error(expr.location, "unsupported expression");
    return nullptr;
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
