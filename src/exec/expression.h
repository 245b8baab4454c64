// Bound expressions: typed trees built by the binder and evaluated one whole column per node
// per batch (never a per-row tree walk).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "columnar/batch.h"
#include "columnar/types.h"
#include "columnar/value.h"
#include "common/status.h"
#include "exec/functions.h"
#include "exec/transform.h"

namespace sluice {

enum class BoundExprKind {
  kColumnRef,  // input column by index, then a path of struct field indices
  kLiteral,    // a constant
  kCall,       // a function (or operator) with its resolved kernel
  kCast,       // CAST / TRY_CAST, or an implicit cast inserted by the binder
  kAnd,        // three-valued AND
  kOr,         // three-valued OR
  kNot,        // NOT (NULL stays NULL)
  kIsNull,     // IS NULL / IS NOT NULL (never NULL)
};

class BoundExpr;
using BoundExprPtr = std::shared_ptr<const BoundExpr>;

/// One node of a bound expression. Immutable; shared between plans.
class BoundExpr {
 public:
  static BoundExprPtr MakeColumnRef(int column_index, std::vector<int> field_path, TypeRef type,
                                    bool nullable, std::string text);
  static BoundExprPtr MakeLiteral(Value value, std::string text);
  /// `function_name` is for Explain/messages; `overload.kernel` does the work.
  static BoundExprPtr MakeCall(std::string function_name, FunctionOverload overload,
                               std::vector<BoundExprPtr> args, bool nullable, std::string text);
  /// Fails if the cast is not allowed (see exec/cast.h).
  static Result<BoundExprPtr> MakeCast(BoundExprPtr child, TypeRef to, bool try_cast,
                                       std::string text);
  /// Both operands must be BOOLEAN.
  static BoundExprPtr MakeAnd(BoundExprPtr left, BoundExprPtr right, std::string text);
  static BoundExprPtr MakeOr(BoundExprPtr left, BoundExprPtr right, std::string text);
  static BoundExprPtr MakeNot(BoundExprPtr child, std::string text);
  static BoundExprPtr MakeIsNull(BoundExprPtr child, bool negated, std::string text);

  /// The value of this expression for every row of `batch`: a column of batch.num_rows() rows.
  /// A failing kernel's error (e.g. integer overflow) names this expression's text.
  Result<ColumnRef> Evaluate(const Batch& batch, const EvalContext& context) const;

  BoundExprKind kind() const { return kind_; }
  const TypeRef& type() const { return type_; }
  /// False only when the value is provably never NULL.
  bool nullable() const { return nullable_; }
  /// The source text (as written; used in plans and error messages).
  const std::string& text() const { return text_; }
  const std::vector<BoundExprPtr>& children() const { return children_; }
  int column_index() const { return column_index_; }
  const std::vector<int>& field_path() const { return field_path_; }
  const std::optional<Value>& literal() const { return literal_; }
  const std::string& function_name() const { return function_name_; }
  bool try_cast() const { return try_cast_; }
  bool negated() const { return negated_; }

  /// False if this node or a descendant is non-deterministic (current_timestamp()).
  bool deterministic() const;

  /// A debugging form showing the bound structure: add(col#0:INT, 1:INT).
  std::string ToDebugString() const;

  BoundExpr(BoundExprKind kind, TypeRef type, bool nullable, std::string text);

 private:
  Result<ColumnRef> EvaluateColumnRef(const Batch& batch) const;
  Result<ColumnRef> EvaluateLogical(const Batch& batch, const EvalContext& context) const;

  BoundExprKind kind_;
  TypeRef type_;
  bool nullable_;
  std::string text_;
  std::vector<BoundExprPtr> children_;
  int column_index_ = -1;
  std::vector<int> field_path_;
  std::optional<Value> literal_;
  std::string function_name_;
  ScalarKernel kernel_;
  std::shared_ptr<const void> state_;
  uint32_t state_args_ = 0;
  bool deterministic_ = true;
  bool try_cast_ = false;
  bool negated_ = false;
};

/// Constant folding: if `expr` is a deterministic call, cast or logical node over literals only,
/// evaluates it once (at plan time) and returns the literal; otherwise returns `expr`. An error
/// (e.g. overflow in `2147483647 + 1`) is returned for the binder to report.
Result<BoundExprPtr> FoldConstant(const BoundExprPtr& expr);

}  // namespace sluice
