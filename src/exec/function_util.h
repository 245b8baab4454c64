// Helpers shared by the function-library files (functions.cc, string_functions.cc, ...): building
// overloads, registering, and reading typed values of a row without a per-row virtual call.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "columnar/column.h"
#include "exec/functions.h"

namespace sluice::fn {

inline FunctionOverload Overload(std::vector<TypeRef> params, TypeRef result, ScalarKernel kernel,
                                 NullHandling nulls = NullHandling::kPropagate) {
  FunctionOverload overload;
  overload.params = std::move(params);
  overload.result = std::move(result);
  overload.kernel = std::move(kernel);
  overload.nulls = nulls;
  return overload;
}

/// Registers `def` (a programming error if the name is taken).
void MustRegister(FunctionRegistry* registry, FunctionDef def);
/// A function with the given overloads, then its aliases.
void RegisterFunction(FunctionRegistry* registry, std::string name,
                      std::vector<FunctionOverload> overloads,
                      std::vector<std::string_view> aliases = {});

/// Calls `fn(tag)` with a value of the C++ type that stores `type`'s values (bool for BOOLEAN,
/// int32_t for INT/DATE, int64_t for BIGINT/TIMESTAMP, double, std::string_view for STRING), so
/// that a kernel is instantiated once per physical type and its loop has no type switch.
/// Returns false for nested types.
template <typename Fn>
bool DispatchPrimitive(const DataType& type, Fn&& fn) {
  switch (type.id()) {
    case TypeId::kBoolean:
      fn(bool{});
      return true;
    case TypeId::kInt32:
    case TypeId::kDate:
      fn(int32_t{});
      return true;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      fn(int64_t{});
      return true;
    case TypeId::kDouble:
      fn(double{});
      return true;
    case TypeId::kString:
      fn(std::string_view{});
      return true;
    default:
      return false;
  }
}

/// Row `row` of `column` as T (see DispatchPrimitive).
template <typename T>
inline T Get(const Column& column, int64_t row) {
  if constexpr (std::is_same_v<T, bool>) {
    return column.BoolValue(row);
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    return column.StringValue(row);
  } else {
    return column.Values<T>()[row];
  }
}

/// SQL equality of two non-NULL values; DOUBLE NaN equals NaN (as Spark's IN and DISTINCT).
template <typename T>
inline bool ValuesEqual(const T& a, const T& b) {
  if constexpr (std::is_same_v<T, double>) {
    return a == b || (a != a && b != b);
  } else {
    return a == b;
  }
}

/// Shallow equality of row `a_row` of `a` and `b_row` of `b` (same type, both non-NULL),
/// recursing into STRUCT and ARRAY.
bool RowsEqual(const Column& a, int64_t a_row, const Column& b, int64_t b_row);

/// The common type of every non-NULL entry (nullptr entries are untyped NULLs), STRING if all
/// are NULL; nullopt if two types have no common type.
std::optional<TypeRef> CommonTypeOf(const std::vector<TypeRef>& types);

}  // namespace sluice::fn
