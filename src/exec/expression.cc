#include "exec/expression.h"

#include "exec/cast.h"
#include "exec/kernel_util.h"

namespace sluice {

BoundExpr::BoundExpr(BoundExprKind kind, TypeRef type, bool nullable, std::string text)
    : kind_(kind), type_(std::move(type)), nullable_(nullable), text_(std::move(text)) {}

BoundExprPtr BoundExpr::MakeColumnRef(int column_index, std::vector<int> field_path, TypeRef type,
                                      bool nullable, std::string text) {
  auto expr = std::make_shared<BoundExpr>(BoundExprKind::kColumnRef, std::move(type), nullable,
                                          std::move(text));
  expr->column_index_ = column_index;
  expr->field_path_ = std::move(field_path);
  return expr;
}

BoundExprPtr BoundExpr::MakeLiteral(Value value, std::string text) {
  auto expr = std::make_shared<BoundExpr>(BoundExprKind::kLiteral, value.type(), value.is_null(),
                                          std::move(text));
  expr->literal_ = std::move(value);
  return expr;
}

BoundExprPtr BoundExpr::MakeCall(std::string function_name, FunctionOverload overload,
                                 std::vector<BoundExprPtr> args, bool nullable, std::string text) {
  auto expr =
      std::make_shared<BoundExpr>(BoundExprKind::kCall, overload.result, nullable, std::move(text));
  expr->function_name_ = std::move(function_name);
  expr->kernel_ = std::move(overload.kernel);
  expr->state_ = std::move(overload.state);
  expr->state_args_ = overload.state_args;
  expr->deterministic_ = overload.deterministic;
  expr->children_ = std::move(args);
  return expr;
}

Result<BoundExprPtr> BoundExpr::MakeCast(BoundExprPtr child, TypeRef to, bool try_cast,
                                         std::string text) {
  if (!CanCast(*child->type(), *to)) {
    return Status::Plan("cannot cast {} to {}", child->type()->ToString(), to->ToString());
  }
  bool nullable = child->nullable() || try_cast || CastIntroducesNulls(*child->type(), *to);
  auto expr =
      std::make_shared<BoundExpr>(BoundExprKind::kCast, std::move(to), nullable, std::move(text));
  expr->try_cast_ = try_cast;
  expr->children_.push_back(std::move(child));
  return BoundExprPtr(std::move(expr));
}

BoundExprPtr BoundExpr::MakeAnd(BoundExprPtr left, BoundExprPtr right, std::string text) {
  bool nullable = left->nullable() || right->nullable();
  auto expr =
      std::make_shared<BoundExpr>(BoundExprKind::kAnd, BooleanType(), nullable, std::move(text));
  expr->children_ = {std::move(left), std::move(right)};
  return expr;
}

BoundExprPtr BoundExpr::MakeOr(BoundExprPtr left, BoundExprPtr right, std::string text) {
  bool nullable = left->nullable() || right->nullable();
  auto expr =
      std::make_shared<BoundExpr>(BoundExprKind::kOr, BooleanType(), nullable, std::move(text));
  expr->children_ = {std::move(left), std::move(right)};
  return expr;
}

BoundExprPtr BoundExpr::MakeNot(BoundExprPtr child, std::string text) {
  bool nullable = child->nullable();
  auto expr =
      std::make_shared<BoundExpr>(BoundExprKind::kNot, BooleanType(), nullable, std::move(text));
  expr->children_ = {std::move(child)};
  return expr;
}

BoundExprPtr BoundExpr::MakeIsNull(BoundExprPtr child, bool negated, std::string text) {
  auto expr =
      std::make_shared<BoundExpr>(BoundExprKind::kIsNull, BooleanType(), false, std::move(text));
  expr->negated_ = negated;
  expr->children_ = {std::move(child)};
  return expr;
}

Result<ColumnRef> BoundExpr::EvaluateColumnRef(const Batch& batch) const {
  if (column_index_ < 0 || column_index_ >= batch.num_columns()) {
    return Status::Internal("column #{} out of range for a batch of {} columns", column_index_,
                            batch.num_columns());
  }
  ColumnRef column = batch.column(column_index_);
  for (int field_idx : field_path_) {
    if (column->type_id() != TypeId::kStruct) {
      return Status::Internal("field access into non-struct column in '{}'", text_);
    }
    // A field of a NULL struct is NULL, whatever the child's own validity says.
    ASSIGN_OR_RETURN(column, kernels::AndParentValidity(column->StructField(field_idx), *column));
  }
  return column;
}

Result<ColumnRef> BoundExpr::EvaluateLogical(const Batch& batch, const EvalContext& context) const {
  const int64_t num_rows = batch.num_rows();
  ASSIGN_OR_RETURN(ColumnRef input, children_[0]->Evaluate(batch, context));
  kernels::ValidityBuilder validity(num_rows);
  kernels::BooleanOutput out(num_rows);
  switch (kind_) {
    case BoundExprKind::kIsNull: {
      for (int64_t row = 0; row < num_rows; ++row) out.Set(row, input->IsNull(row) != negated_);
      return out.Finish(num_rows, &validity);
    }
    case BoundExprKind::kNot: {
      validity.AndWith(*input);
      for (int64_t row = 0; row < num_rows; ++row) out.Set(row, !input->BoolValue(row));
      return out.Finish(num_rows, &validity);
    }
    case BoundExprKind::kAnd:
    case BoundExprKind::kOr: {
      ASSIGN_OR_RETURN(ColumnRef right, children_[1]->Evaluate(batch, context));
      const bool is_and = kind_ == BoundExprKind::kAnd;
      // The dominant value (FALSE for AND, TRUE for OR) wins even against NULL.
      for (int64_t row = 0; row < num_rows; ++row) {
        const bool left_valid = input->IsValid(row);
        const bool right_valid = right->IsValid(row);
        const bool left_value = input->BoolValue(row);
        const bool right_value = right->BoolValue(row);
        const bool left_dominant = left_valid && (left_value != is_and);
        const bool right_dominant = right_valid && (right_value != is_and);
        if (left_dominant || right_dominant) {
          out.Set(row, !is_and);
        } else if (left_valid && right_valid) {
          out.Set(row, is_and);
        } else {
          validity.SetNull(row);
        }
      }
      return out.Finish(num_rows, &validity);
    }
    default:
      return Status::Internal("not a logical expression");
  }
}

Result<ColumnRef> BoundExpr::Evaluate(const Batch& batch, const EvalContext& context) const {
  switch (kind_) {
    case BoundExprKind::kColumnRef:
      return EvaluateColumnRef(batch);
    case BoundExprKind::kLiteral:
      return literal_->ToColumn(batch.num_rows());
    case BoundExprKind::kCall: {
      std::vector<ColumnRef> args;
      args.reserve(children_.size());
      for (size_t arg_idx = 0; arg_idx < children_.size(); ++arg_idx) {
        const auto& child = children_[arg_idx];
        if (child->kind() == BoundExprKind::kLiteral && arg_idx < 32 &&
            (state_args_ & (1u << arg_idx)) != 0) {
          args.push_back(nullptr);  // the kernel reads this constant from its state
          continue;
        }
        ASSIGN_OR_RETURN(ColumnRef arg, child->Evaluate(batch, context));
        args.push_back(std::move(arg));
      }
      KernelContext kernel_context{type_, &context, state_.get()};
      Result<ColumnRef> result = kernel_(kernel_context, args, batch.num_rows());
      if (!result.ok()) {
        return Status(result.status().code(), result.status().message() + " in '" + text_ + "'");
      }
      return result;
    }
    case BoundExprKind::kCast: {
      ASSIGN_OR_RETURN(ColumnRef input, children_[0]->Evaluate(batch, context));
      Result<ColumnRef> result = CastColumn(input, type_, try_cast_);
      if (!result.ok()) {
        return Status(result.status().code(), result.status().message() + " in '" + text_ + "'");
      }
      return result;
    }
    case BoundExprKind::kAnd:
    case BoundExprKind::kOr:
    case BoundExprKind::kNot:
    case BoundExprKind::kIsNull:
      return EvaluateLogical(batch, context);
  }
  return Status::Internal("unknown expression kind");
}

bool BoundExpr::deterministic() const {
  if (!deterministic_) return false;
  for (const auto& child : children_) {
    if (!child->deterministic()) return false;
  }
  return true;
}

Result<BoundExprPtr> FoldConstant(const BoundExprPtr& expr) {
  if (expr->kind() == BoundExprKind::kLiteral || expr->kind() == BoundExprKind::kColumnRef ||
      expr->type() == nullptr || !expr->deterministic()) {
    return expr;
  }
  for (const auto& child : expr->children()) {
    if (child->kind() != BoundExprKind::kLiteral) return expr;
  }
  // One row, no columns: the literals become 1-row columns.
  static const SchemaRef kEmptySchema = std::make_shared<Schema>(std::vector<Field>{});
  ASSIGN_OR_RETURN(Batch one_row, Batch::Make(kEmptySchema, {}, 1));
  EvalContext context;
  ASSIGN_OR_RETURN(ColumnRef column, expr->Evaluate(one_row, context));
  return BoundExpr::MakeLiteral(Value::FromColumn(*column, 0), expr->text());
}

std::string BoundExpr::ToDebugString() const {
  std::string out;
  auto join_children = [&]() {
    std::string args;
    for (size_t i = 0; i < children_.size(); ++i) {
      if (i > 0) args += ", ";
      args += children_[i]->ToDebugString();
    }
    return args;
  };
  switch (kind_) {
    case BoundExprKind::kColumnRef:
      out = "col#" + std::to_string(column_index_);
      for (int field_idx : field_path_) out += "." + std::to_string(field_idx);
      break;
    case BoundExprKind::kLiteral:
      out = literal_->is_null() ? "NULL" : literal_->ToString();
      if (type_->id() == TypeId::kString && !literal_->is_null()) out = "'" + out + "'";
      break;
    case BoundExprKind::kCall:
      out = function_name_ + "(" + join_children() + ")";
      break;
    case BoundExprKind::kCast:
      out = std::string(try_cast_ ? "try_cast" : "cast") + "(" + join_children() + ")";
      break;
    case BoundExprKind::kAnd:
      out = "and(" + join_children() + ")";
      break;
    case BoundExprKind::kOr:
      out = "or(" + join_children() + ")";
      break;
    case BoundExprKind::kNot:
      out = "not(" + join_children() + ")";
      break;
    case BoundExprKind::kIsNull:
      out = std::string(negated_ ? "is_not_null" : "is_null") + "(" + join_children() + ")";
      break;
  }
  return out + ":" + type_->ToString();
}

}  // namespace sluice
