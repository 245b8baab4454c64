// The scalar function registry: name -> overloads (parameter types -> result type + vectorized
// kernel). The binder resolves calls here, inserting implicit casts; operators are functions too
// ("add" for '+', "equal" for '=', ...). New functions are added by a Register*Functions() call in
// FunctionRegistry::Default() (see functions.cc); nothing registers itself from a static
// initialiser.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/column.h"
#include "columnar/types.h"
#include "columnar/value.h"
#include "common/status.h"
#include "exec/transform.h"

namespace sluice {

/// What a kernel knows about the call besides its arguments.
struct KernelContext {
  /// The bound result type (generic functions such as coalesce build columns of it).
  TypeRef result_type;
  const EvalContext* eval = nullptr;
  /// What the overload's `prepare` built at bind time (a compiled regex, a date pattern, a time
  /// zone), or nullptr.
  const void* state = nullptr;
};

/// A vectorized implementation: every argument is a column of `num_rows` rows whose type is the
/// overload's parameter type; returns a column of `num_rows` rows of the result type. Errors are
/// returned as values (OutOfRange for overflow); the caller adds the expression's text.
using ScalarKernel = std::function<Result<ColumnRef>(
    const KernelContext& context, const std::vector<ColumnRef>& args, int64_t num_rows)>;

/// How an overload's result nullability follows from its arguments' (used by the binder to
/// decide output field nullability).
enum class NullHandling {
  kPropagate,        // NULL if any argument is NULL; never NULL otherwise
  kIntroducesNulls,  // may also return NULL for non-NULL arguments (x / 0)
  kNeverNull,        // never NULL
  kNullIfAllNull,    // NULL only if all arguments are (coalesce)
};

/// Runs once at bind time with the constant arguments (nullptr where an argument is not a
/// constant); returns the kernel's state (KernelContext::state) or an error the binder reports at
/// the call's position (bad regex, unknown time zone, bad date pattern).
using PrepareFn =
    std::function<Result<std::shared_ptr<const void>>(const std::vector<const Value*>& constants)>;

/// One signature of a function.
struct FunctionOverload {
  std::vector<TypeRef> params;
  TypeRef result;
  ScalarKernel kernel;
  /// The last parameter repeats: accepts params.size() or more arguments.
  bool variadic = false;
  NullHandling nulls = NullHandling::kPropagate;
  /// False for current_timestamp() and friends: never folded into a constant at plan time.
  bool deterministic = true;
  PrepareFn prepare;
  /// Bit i set: when argument i is a constant the kernel reads it from its state, and the
  /// evaluator passes a nullptr column for it (no per-batch copy of the constant).
  uint32_t state_args = 0;
  /// Filled by the binder from `prepare`.
  std::shared_ptr<const void> state;
};

/// For generic functions: builds a concrete overload for the argument types (nullptr entries
/// are untyped NULLs), or nullopt if the call is invalid.
using OverloadResolver =
    std::function<std::optional<FunctionOverload>(const std::vector<TypeRef>& arg_types)>;

/// A named scalar function with its overloads.
struct FunctionDef {
  std::string name;          // lower-case, the registry key
  std::string display_name;  // for messages: "+" for add, else the name
  /// Operators' functions (add, equal, ...) are only reachable through their operator syntax:
  /// not callable by name and never suggested.
  bool is_operator = false;
  std::vector<FunctionOverload> overloads;
  OverloadResolver resolver;  // used instead of `overloads` when set
  /// "lower(STRING)" etc., for error messages; generated from overloads if empty.
  std::string signature_help;
};

/// The function catalogue. Default() is immutable once built; tests may build their own.
class FunctionRegistry {
 public:
  /// The built-in functions.
  static const FunctionRegistry& Default();

  /// Adds a function; AlreadyExists if the name is taken.
  Status Register(FunctionDef def);
  /// Registers `alias` as another name of the registered function `name`.
  Status RegisterAlias(std::string_view alias, std::string_view name);
  /// Case-insensitive lookup; nullptr if absent.
  const FunctionDef* Lookup(std::string_view name) const;
  /// Names callable in SQL, sorted (for "did you mean" suggestions).
  std::vector<std::string> CallableNames() const;

  /// Chooses the overload for `arg_types` (nullptr = untyped NULL, matches any type): an exact
  /// match, else the one needing the cheapest implicit casts (INT -> BIGINT -> DOUBLE,
  /// DATE -> TIMESTAMP); ties go to the first registered. The returned overload's params are the
  /// types each argument must be cast to (one per argument, variadic expanded).
  std::optional<FunctionOverload> Resolve(const FunctionDef& function,
                                          const std::vector<TypeRef>& arg_types) const;

 private:
  std::map<std::string, FunctionDef> functions_;
};

/// Cost of an implicit cast: 0 if equal, >0 if allowed (INT->BIGINT 1, BIGINT->DOUBLE 1,
/// INT->DOUBLE 2, DATE->TIMESTAMP 1), -1 if not allowed.
int ImplicitCastCost(const DataType& from, const DataType& to);
/// The type both can be implicitly cast to, or nullptr.
TypeRef CommonSuperType(const TypeRef& a, const TypeRef& b);

/// The built-in families, called by Default(); a later function library adds its own.
void RegisterArithmeticFunctions(FunctionRegistry* registry);
void RegisterComparisonFunctions(FunctionRegistry* registry);
void RegisterStringFunctions(FunctionRegistry* registry);
void RegisterMathFunctions(FunctionRegistry* registry);
void RegisterConditionalFunctions(FunctionRegistry* registry);
void RegisterTimeFunctions(FunctionRegistry* registry);        // time_functions.cc
void RegisterJsonFunctions(FunctionRegistry* registry);        // json_functions.cc
void RegisterNestedFunctions(FunctionRegistry* registry);      // nested_functions.cc (arrays, hash)
void RegisterMoreStringFunctions(FunctionRegistry* registry);  // string_functions.cc
void RegisterMoreMathFunctions(FunctionRegistry* registry);    // math_functions.cc

/// Operator spelling ("+", "=", "||") -> function name ("add", "equal", "concat").
std::optional<std::string> OperatorFunctionName(std::string_view op);

}  // namespace sluice
