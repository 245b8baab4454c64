#include "exec/functions.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "columnar/builder.h"
#include "common/strings.h"
#include "exec/function_util.h"
#include "exec/kernel_util.h"

namespace sluice {

Result<ColumnRef> DateAddDays(const KernelContext& context, const std::vector<ColumnRef>& args,
                              int64_t num_rows);  // math_functions.cc
Result<ColumnRef> DateSubDays(const KernelContext& context, const std::vector<ColumnRef>& args,
                              int64_t num_rows);

namespace {

using fn::MustRegister;
using fn::Overload;
using kernels::BooleanOutput;
using kernels::FixedOutput;
using kernels::StringOutput;
using kernels::ValidityBuilder;

// ---------------------------------------------------------------------------------------------
// Arithmetic

enum class ArithOp { kAdd, kSubtract, kMultiply };

constexpr const char* ArithSymbol(ArithOp op) {
  return op == ArithOp::kAdd ? "+" : op == ArithOp::kSubtract ? "-" : "*";
}

template <ArithOp kOp, typename T>
inline bool CheckedOp(T a, T b, T* out) {
  if constexpr (kOp == ArithOp::kAdd) {
    return __builtin_add_overflow(a, b, out);
  } else if constexpr (kOp == ArithOp::kSubtract) {
    return __builtin_sub_overflow(a, b, out);
  } else {
    return __builtin_mul_overflow(a, b, out);
  }
}

/// INT/BIGINT/TIMESTAMP + - *: overflow is an error (never a silent wrap). DOUBLE follows IEEE.
template <ArithOp kOp, typename T>
Result<ColumnRef> ArithmeticKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                   int64_t num_rows) {
  const Column& left = *args[0];
  const Column& right = *args[1];
  ValidityBuilder validity(num_rows);
  validity.AndWith(left);
  validity.AndWith(right);
  FixedOutput<T> out(num_rows);
  T* dst = out.data();
  const T* a = left.Values<T>();
  const T* b = right.Values<T>();
  if constexpr (std::is_integral_v<T>) {
    bool overflow = false;
    for (int64_t row = 0; row < num_rows; ++row)
      overflow |= CheckedOp<kOp>(a[row], b[row], &dst[row]);
    if (overflow) {
      // Values under NULLs are arbitrary: only a valid row's overflow is an error.
      for (int64_t row = 0; row < num_rows; ++row) {
        T ignored;
        if (validity.IsValid(row) && CheckedOp<kOp>(a[row], b[row], &ignored)) {
          return Status::OutOfRange("integer overflow ({} {} {})", a[row], ArithSymbol(kOp),
                                    b[row]);
        }
      }
    }
  } else {
    for (int64_t row = 0; row < num_rows; ++row) {
      if constexpr (kOp == ArithOp::kAdd) {
        dst[row] = a[row] + b[row];
      } else if constexpr (kOp == ArithOp::kSubtract) {
        dst[row] = a[row] - b[row];
      } else {
        dst[row] = a[row] * b[row];
      }
    }
  }
  return out.Finish(context.result_type, num_rows, &validity);
}

/// DOUBLE / DOUBLE; a zero divisor gives NULL (as Spark).
Result<ColumnRef> DivideKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                               int64_t num_rows) {
  const Column& left = *args[0];
  const Column& right = *args[1];
  ValidityBuilder validity(num_rows);
  validity.AndWith(left);
  validity.AndWith(right);
  FixedOutput<double> out(num_rows);
  double* dst = out.data();
  const double* a = left.Values<double>();
  const double* b = right.Values<double>();
  for (int64_t row = 0; row < num_rows; ++row) {
    if (b[row] == 0) {
      validity.SetNull(row);
    } else {
      dst[row] = a[row] / b[row];
    }
  }
  return out.Finish(context.result_type, num_rows, &validity);
}

/// x % y with the sign of x (as Java and Spark); a zero divisor gives NULL.
template <typename T>
Result<ColumnRef> ModuloKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                               int64_t num_rows) {
  const Column& left = *args[0];
  const Column& right = *args[1];
  ValidityBuilder validity(num_rows);
  validity.AndWith(left);
  validity.AndWith(right);
  FixedOutput<T> out(num_rows);
  T* dst = out.data();
  const T* a = left.Values<T>();
  const T* b = right.Values<T>();
  for (int64_t row = 0; row < num_rows; ++row) {
    if (b[row] == 0) {
      validity.SetNull(row);
    } else if constexpr (std::is_integral_v<T>) {
      dst[row] = b[row] == -1 ? 0 : a[row] % b[row];  // MIN % -1 would trap
    } else {
      dst[row] = std::fmod(a[row], b[row]);
    }
  }
  return out.Finish(context.result_type, num_rows, &validity);
}

enum class UnaryMathOp { kNegate, kAbs };

template <UnaryMathOp kOp, typename T>
Result<ColumnRef> UnaryMathKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                  int64_t num_rows) {
  const Column& input = *args[0];
  ValidityBuilder validity(num_rows);
  validity.AndWith(input);
  FixedOutput<T> out(num_rows);
  T* dst = out.data();
  const T* src = input.Values<T>();
  if constexpr (std::is_integral_v<T>) {
    for (int64_t row = 0; row < num_rows; ++row) {
      if (src[row] == std::numeric_limits<T>::min()) {
        if (validity.IsValid(row)) {
          return Status::OutOfRange("integer overflow ({}({}))",
                                    kOp == UnaryMathOp::kNegate ? "-" : "abs", src[row]);
        }
        dst[row] = 0;
      } else if constexpr (kOp == UnaryMathOp::kNegate) {
        dst[row] = -src[row];
      } else {
        dst[row] = src[row] < 0 ? -src[row] : src[row];
      }
    }
  } else {
    for (int64_t row = 0; row < num_rows; ++row) {
      dst[row] = kOp == UnaryMathOp::kNegate ? -src[row] : std::fabs(src[row]);
    }
  }
  return out.Finish(context.result_type, num_rows, &validity);
}

// ---------------------------------------------------------------------------------------------
// Comparisons

enum class CmpOp { kEq, kNe, kLt, kLe, kGt, kGe };

template <CmpOp kOp, typename T>
inline bool Compare(const T& a, const T& b) {
  if constexpr (kOp == CmpOp::kEq) return a == b;
  if constexpr (kOp == CmpOp::kNe) return a != b;
  if constexpr (kOp == CmpOp::kLt) return a < b;
  if constexpr (kOp == CmpOp::kLe) return a <= b;
  if constexpr (kOp == CmpOp::kGt) return a > b;
  return a >= b;
}

template <CmpOp kOp, typename T>
Result<ColumnRef> CompareKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                                int64_t num_rows) {
  const Column& left = *args[0];
  const Column& right = *args[1];
  ValidityBuilder validity(num_rows);
  validity.AndWith(left);
  validity.AndWith(right);
  BooleanOutput out(num_rows);
  if constexpr (std::is_same_v<T, std::string_view>) {
    for (int64_t row = 0; row < num_rows; ++row) {
      // Bytewise: string_view compares with char_traits<char>, i.e. as unsigned bytes.
      out.Set(row, Compare<kOp>(left.StringValue(row), right.StringValue(row)));
    }
  } else if constexpr (std::is_same_v<T, bool>) {
    for (int64_t row = 0; row < num_rows; ++row) {
      out.Set(row, Compare<kOp>(left.BoolValue(row), right.BoolValue(row)));
    }
  } else {
    const T* a = left.Values<T>();
    const T* b = right.Values<T>();
    uint8_t* bits = out.bits();
    for (int64_t row = 0; row < num_rows; ++row) {
      if (Compare<kOp>(a[row], b[row])) bit_util::SetBit(bits, row);
    }
  }
  return out.Finish(num_rows, &validity);
}

// ---------------------------------------------------------------------------------------------
// Strings

/// concat(s1, s2, ...) and s1 || s2: NULL if any argument is NULL (as Spark's concat).
Result<ColumnRef> ConcatKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                               int64_t num_rows) {
  ValidityBuilder validity(num_rows);
  int64_t total_bytes = 0;
  for (const auto& arg : args) {
    validity.AndWith(*arg);
    if (num_rows > 0) {
      total_bytes += arg->Offsets()[num_rows] - arg->Offsets()[0];
    }
  }
  StringOutput out(num_rows);
  out.ReserveData(total_bytes);
  for (int64_t row = 0; row < num_rows; ++row) {
    if (validity.IsValid(row)) {
      for (const auto& arg : args) {
        std::string_view piece = arg->StringValue(row);
        out.AppendPiece(piece.data(), static_cast<int64_t>(piece.size()));
      }
    }
    out.EndRow();
  }
  return out.Finish(num_rows, &validity);
}

/// lower/upper: ASCII letters only; other bytes (incl. UTF-8 sequences) are kept.
template <bool kUpper>
Result<ColumnRef> CaseKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                             int64_t num_rows) {
  const Column& input = *args[0];
  ValidityBuilder validity(num_rows);
  validity.AndWith(input);
  StringOutput out(num_rows);
  if (num_rows > 0) out.ReserveData(input.Offsets()[num_rows] - input.Offsets()[0]);
  for (int64_t row = 0; row < num_rows; ++row) {
    if (validity.IsValid(row)) {
      std::string_view value = input.StringValue(row);
      const int64_t size = static_cast<int64_t>(value.size());
      char* dst = out.Extend(size);
      for (int64_t i = 0; i < size; ++i) {
        char c = value[static_cast<size_t>(i)];
        if constexpr (kUpper) {
          dst[i] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
        } else {
          dst[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        }
      }
      out.Commit(size);
    }
    out.EndRow();
  }
  return out.Finish(num_rows, &validity);
}

/// length(s): characters (UTF-8 code points), as Spark.
Result<ColumnRef> LengthKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                               int64_t num_rows) {
  const Column& input = *args[0];
  ValidityBuilder validity(num_rows);
  validity.AndWith(input);
  FixedOutput<int32_t> out(num_rows);
  int32_t* dst = out.data();
  for (int64_t row = 0; row < num_rows; ++row) {
    std::string_view value = input.StringValue(row);
    int32_t count = 0;
    for (char c : value) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    dst[row] = count;
  }
  return out.Finish(context.result_type, num_rows, &validity);
}

// ---------------------------------------------------------------------------------------------
// Registration helpers

template <ArithOp kOp>
FunctionDef ArithmeticFunction(std::string name) {
  FunctionDef def;
  def.name = std::move(name);
  def.display_name = ArithSymbol(kOp);
  def.is_operator = true;
  def.overloads.push_back(
      Overload({Int32Type(), Int32Type()}, Int32Type(), ArithmeticKernel<kOp, int32_t>));
  def.overloads.push_back(
      Overload({Int64Type(), Int64Type()}, Int64Type(), ArithmeticKernel<kOp, int64_t>));
  def.overloads.push_back(
      Overload({DoubleType(), DoubleType()}, DoubleType(), ArithmeticKernel<kOp, double>));
  return def;
}

template <CmpOp kOp>
FunctionDef ComparisonFunction(std::string name, std::string symbol) {
  FunctionDef def;
  def.name = std::move(name);
  def.display_name = std::move(symbol);
  def.is_operator = true;
  auto add = [&](TypeRef type, ScalarKernel kernel) {
    def.overloads.push_back(Overload({type, type}, BooleanType(), std::move(kernel)));
  };
  add(Int32Type(), CompareKernel<kOp, int32_t>);
  add(Int64Type(), CompareKernel<kOp, int64_t>);
  add(DoubleType(), CompareKernel<kOp, double>);
  add(StringType(), CompareKernel<kOp, std::string_view>);
  add(BooleanType(), CompareKernel<kOp, bool>);
  add(DateType(), CompareKernel<kOp, int32_t>);
  add(TimestampType(), CompareKernel<kOp, int64_t>);
  return def;
}

std::string SignatureHelp(const FunctionDef& def) {
  std::vector<std::string> signatures;
  for (const auto& overload : def.overloads) {
    std::vector<std::string> params;
    for (const auto& param : overload.params) params.push_back(param->ToString());
    if (overload.variadic) params.push_back("...");
    signatures.push_back(def.display_name + "(" + Join(params, ", ") + ")");
  }
  return Join(signatures, ", ");
}

}  // namespace

namespace fn {

void MustRegister(FunctionRegistry* registry, FunctionDef def) {
  Status status = registry->Register(std::move(def));
  SLUICE_DCHECK(status.ok(), status.message());
}

void RegisterFunction(FunctionRegistry* registry, std::string name,
                      std::vector<FunctionOverload> overloads,
                      std::vector<std::string_view> aliases) {
  FunctionDef def;
  def.name = name;
  def.overloads = std::move(overloads);
  MustRegister(registry, std::move(def));
  for (std::string_view alias : aliases) {
    Status status = registry->RegisterAlias(alias, name);
    SLUICE_DCHECK(status.ok(), status.message());
  }
}

bool RowsEqual(const Column& a, int64_t a_row, const Column& b, int64_t b_row) {
  switch (a.type_id()) {
    case TypeId::kBoolean:
      return a.BoolValue(a_row) == b.BoolValue(b_row);
    case TypeId::kInt32:
    case TypeId::kDate:
      return a.Values<int32_t>()[a_row] == b.Values<int32_t>()[b_row];
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return a.Values<int64_t>()[a_row] == b.Values<int64_t>()[b_row];
    case TypeId::kDouble:
      return ValuesEqual(a.Values<double>()[a_row], b.Values<double>()[b_row]);
    case TypeId::kString:
      return a.StringValue(a_row) == b.StringValue(b_row);
    case TypeId::kStruct: {
      for (int field_idx = 0; field_idx < static_cast<int>(a.type()->fields().size());
           ++field_idx) {
        ColumnRef left = a.StructField(field_idx);
        ColumnRef right = b.StructField(field_idx);
        if (left->IsValid(a_row) != right->IsValid(b_row)) return false;
        if (left->IsValid(a_row) && !RowsEqual(*left, a_row, *right, b_row)) return false;
      }
      return true;
    }
    case TypeId::kList: {
      const int32_t* a_offsets = a.Offsets();
      const int32_t* b_offsets = b.Offsets();
      const int64_t a_len = a_offsets[a_row + 1] - a_offsets[a_row];
      if (a_len != b_offsets[b_row + 1] - b_offsets[b_row]) return false;
      const Column& a_values = *a.ListValues();
      const Column& b_values = *b.ListValues();
      for (int64_t idx = 0; idx < a_len; ++idx) {
        const int64_t left = a_offsets[a_row] + idx;
        const int64_t right = b_offsets[b_row] + idx;
        if (a_values.IsValid(left) != b_values.IsValid(right)) return false;
        if (a_values.IsValid(left) && !RowsEqual(a_values, left, b_values, right)) return false;
      }
      return true;
    }
  }
  return false;
}

std::optional<TypeRef> CommonTypeOf(const std::vector<TypeRef>& types) {
  TypeRef common;
  for (const auto& type : types) {
    if (!type) continue;
    if (!common) {
      common = type;
      continue;
    }
    common = CommonSuperType(common, type);
    if (!common) return std::nullopt;
  }
  return common ? common : StringType();
}

}  // namespace fn

// ---------------------------------------------------------------------------------------------

int ImplicitCastCost(const DataType& from, const DataType& to) {
  if (from.Equals(to)) return 0;
  switch (from.id()) {
    case TypeId::kInt32:
      return to.id() == TypeId::kInt64 ? 1 : to.id() == TypeId::kDouble ? 2 : -1;
    case TypeId::kInt64:
      return to.id() == TypeId::kDouble ? 1 : -1;
    case TypeId::kDate:
      return to.id() == TypeId::kTimestamp ? 1 : -1;
    default:
      return -1;
  }
}

TypeRef CommonSuperType(const TypeRef& a, const TypeRef& b) {
  if (ImplicitCastCost(*a, *b) >= 0) return b;
  if (ImplicitCastCost(*b, *a) >= 0) return a;
  return nullptr;
}

std::optional<std::string> OperatorFunctionName(std::string_view op) {
  static const std::pair<std::string_view, std::string_view> kOperators[] = {
      {"+", "add"},
      {"-", "subtract"},
      {"*", "multiply"},
      {"/", "divide"},
      {"%", "modulo"},
      {"=", "equal"},
      {"<>", "not_equal"},
      {"<", "less_than"},
      {"<=", "less_than_or_equal"},
      {">", "greater_than"},
      {">=", "greater_than_or_equal"},
      {"||", "concat"},
      {"DIV", "div"}};
  for (const auto& [symbol, name] : kOperators) {
    if (op == symbol) return std::string(name);
  }
  return std::nullopt;
}

Status FunctionRegistry::Register(FunctionDef def) {
  def.name = ToLower(def.name);
  if (def.display_name.empty()) def.display_name = def.name;
  if (def.signature_help.empty()) def.signature_help = SignatureHelp(def);
  if (functions_.count(def.name) > 0) {
    return Status::AlreadyExists("function '{}' is already registered", def.name);
  }
  std::string key = def.name;
  functions_.emplace(std::move(key), std::move(def));
  return Status::OK();
}

Status FunctionRegistry::RegisterAlias(std::string_view alias, std::string_view name) {
  const FunctionDef* target = Lookup(name);
  if (target == nullptr) return Status::NotFound("no function '{}' to alias", name);
  FunctionDef copy = *target;
  copy.name = ToLower(alias);
  if (copy.display_name == target->name) copy.display_name = copy.name;
  if (!target->signature_help.empty() && copy.display_name != target->display_name) {
    // "lower(STRING)" -> "lcase(STRING)"
    std::string help = target->signature_help;
    size_t pos = 0;
    while ((pos = help.find(target->display_name + "(", pos)) != std::string::npos) {
      help.replace(pos, target->display_name.size(), copy.display_name);
      pos += copy.display_name.size();
    }
    copy.signature_help = help;
  }
  return Register(std::move(copy));
}

const FunctionDef* FunctionRegistry::Lookup(std::string_view name) const {
  auto it = functions_.find(ToLower(name));
  return it == functions_.end() ? nullptr : &it->second;
}

std::vector<std::string> FunctionRegistry::CallableNames() const {
  std::vector<std::string> names;
  for (const auto& [name, def] : functions_) {
    if (!def.is_operator) names.push_back(name);
  }
  return names;
}

std::optional<FunctionOverload> FunctionRegistry::Resolve(
    const FunctionDef& function, const std::vector<TypeRef>& arg_types) const {
  if (function.resolver) return function.resolver(arg_types);
  const FunctionOverload* best = nullptr;
  int best_cost = std::numeric_limits<int>::max();
  for (const auto& overload : function.overloads) {
    const size_t num_params = overload.params.size();
    if (overload.variadic ? arg_types.size() < num_params : arg_types.size() != num_params) {
      continue;
    }
    int cost = 0;
    for (size_t arg_idx = 0; arg_idx < arg_types.size() && cost >= 0; ++arg_idx) {
      const TypeRef& param = overload.params[std::min(arg_idx, num_params - 1)];
      if (!arg_types[arg_idx]) continue;  // untyped NULL fits anything
      int step = ImplicitCastCost(*arg_types[arg_idx], *param);
      cost = step < 0 ? -1 : cost + step;
    }
    if (cost >= 0 && cost < best_cost) {
      best = &overload;
      best_cost = cost;
    }
  }
  if (best == nullptr) return std::nullopt;
  FunctionOverload resolved = *best;
  if (resolved.variadic) {
    TypeRef last = resolved.params.back();
    resolved.params.resize(arg_types.size(), last);
    resolved.variadic = false;
  }
  return resolved;
}

void RegisterArithmeticFunctions(FunctionRegistry* registry) {
  // DATE + INT and DATE - INT shift by days (as Spark's date_add/date_sub).
  FunctionDef add = ArithmeticFunction<ArithOp::kAdd>("add");
  add.overloads.push_back(Overload({DateType(), Int32Type()}, DateType(), DateAddDays));
  MustRegister(registry, std::move(add));
  FunctionDef subtract = ArithmeticFunction<ArithOp::kSubtract>("subtract");
  subtract.overloads.push_back(Overload({DateType(), Int32Type()}, DateType(), DateSubDays));
  MustRegister(registry, std::move(subtract));
  MustRegister(registry, ArithmeticFunction<ArithOp::kMultiply>("multiply"));

  FunctionDef divide;
  divide.name = "divide";
  divide.display_name = "/";
  divide.is_operator = true;
  divide.overloads.push_back(Overload({DoubleType(), DoubleType()}, DoubleType(), DivideKernel,
                                      NullHandling::kIntroducesNulls));
  MustRegister(registry, std::move(divide));

  FunctionDef modulo;
  modulo.name = "modulo";
  modulo.display_name = "%";
  modulo.is_operator = true;
  modulo.overloads.push_back(Overload({Int32Type(), Int32Type()}, Int32Type(),
                                      ModuloKernel<int32_t>, NullHandling::kIntroducesNulls));
  modulo.overloads.push_back(Overload({Int64Type(), Int64Type()}, Int64Type(),
                                      ModuloKernel<int64_t>, NullHandling::kIntroducesNulls));
  modulo.overloads.push_back(Overload({DoubleType(), DoubleType()}, DoubleType(),
                                      ModuloKernel<double>, NullHandling::kIntroducesNulls));
  MustRegister(registry, std::move(modulo));

  FunctionDef negate;
  negate.name = "negate";
  negate.display_name = "-";
  negate.is_operator = true;
  negate.overloads.push_back(
      Overload({Int32Type()}, Int32Type(), UnaryMathKernel<UnaryMathOp::kNegate, int32_t>));
  negate.overloads.push_back(
      Overload({Int64Type()}, Int64Type(), UnaryMathKernel<UnaryMathOp::kNegate, int64_t>));
  negate.overloads.push_back(
      Overload({DoubleType()}, DoubleType(), UnaryMathKernel<UnaryMathOp::kNegate, double>));
  MustRegister(registry, std::move(negate));

  // TIMESTAMP +/- INTERVAL: the binder passes the interval as BIGINT microseconds.
  FunctionDef add_interval;
  add_interval.name = "timestamp_add_interval";
  add_interval.display_name = "+";
  add_interval.is_operator = true;
  add_interval.overloads.push_back(Overload({TimestampType(), Int64Type()}, TimestampType(),
                                            ArithmeticKernel<ArithOp::kAdd, int64_t>));
  MustRegister(registry, std::move(add_interval));
  FunctionDef subtract_interval;
  subtract_interval.name = "timestamp_subtract_interval";
  subtract_interval.display_name = "-";
  subtract_interval.is_operator = true;
  subtract_interval.overloads.push_back(Overload({TimestampType(), Int64Type()}, TimestampType(),
                                                 ArithmeticKernel<ArithOp::kSubtract, int64_t>));
  MustRegister(registry, std::move(subtract_interval));
}

void RegisterComparisonFunctions(FunctionRegistry* registry) {
  MustRegister(registry, ComparisonFunction<CmpOp::kEq>("equal", "="));
  MustRegister(registry, ComparisonFunction<CmpOp::kNe>("not_equal", "<>"));
  MustRegister(registry, ComparisonFunction<CmpOp::kLt>("less_than", "<"));
  MustRegister(registry, ComparisonFunction<CmpOp::kLe>("less_than_or_equal", "<="));
  MustRegister(registry, ComparisonFunction<CmpOp::kGt>("greater_than", ">"));
  MustRegister(registry, ComparisonFunction<CmpOp::kGe>("greater_than_or_equal", ">="));
}

void RegisterStringFunctions(FunctionRegistry* registry) {
  // concat(...) and '||': any primitive argument is cast to STRING first (as Spark).
  FunctionDef concat;
  concat.name = "concat";
  concat.signature_help = "concat(STRING, ...)";
  concat.resolver = [](const std::vector<TypeRef>& arg_types) -> std::optional<FunctionOverload> {
    if (arg_types.empty()) return std::nullopt;
    for (const auto& type : arg_types) {
      if (type && (type->id() == TypeId::kStruct || type->id() == TypeId::kList)) {
        return std::nullopt;
      }
    }
    FunctionOverload overload = Overload({}, StringType(), ConcatKernel);
    overload.params.assign(arg_types.size(), StringType());
    return overload;
  };
  MustRegister(registry, std::move(concat));

  FunctionDef length;
  length.name = "length";
  length.overloads.push_back(Overload({StringType()}, Int32Type(), LengthKernel));
  MustRegister(registry, std::move(length));
}

void RegisterMathFunctions(FunctionRegistry* registry) {
  FunctionDef abs;
  abs.name = "abs";
  abs.overloads.push_back(
      Overload({Int32Type()}, Int32Type(), UnaryMathKernel<UnaryMathOp::kAbs, int32_t>));
  abs.overloads.push_back(
      Overload({Int64Type()}, Int64Type(), UnaryMathKernel<UnaryMathOp::kAbs, int64_t>));
  abs.overloads.push_back(
      Overload({DoubleType()}, DoubleType(), UnaryMathKernel<UnaryMathOp::kAbs, double>));
  MustRegister(registry, std::move(abs));
}

const FunctionRegistry& FunctionRegistry::Default() {
  static const FunctionRegistry* registry = [] {
    auto* built = new FunctionRegistry();
    RegisterArithmeticFunctions(built);
    RegisterComparisonFunctions(built);
    RegisterStringFunctions(built);
    RegisterMathFunctions(built);
    RegisterConditionalFunctions(built);
    RegisterMoreStringFunctions(built);
    RegisterMoreMathFunctions(built);
    RegisterTimeFunctions(built);
    RegisterJsonFunctions(built);
    RegisterNestedFunctions(built);
    return built;
  }();
  return *registry;
}

}  // namespace sluice
