// Conditional functions and predicates over any type: coalesce/nvl/ifnull, nvl2, nullif, if and
// CASE (case_when), greatest/least, IN (in_list), IS [NOT] DISTINCT FROM.
//
// All arguments are evaluated for every row (no short circuit); a branch that is not taken cannot
// fail the query in practice because division by zero is NULL and casts from strings are NULL.
// Integer overflow in a branch that is not taken does fail (documented in exec/README.md).
#include <vector>

#include "exec/function_util.h"
#include "exec/kernel_util.h"

namespace sluice {
namespace {

using fn::Get;
using fn::MustRegister;
using fn::Overload;
using kernels::BooleanOutput;
using kernels::GatherFrom;
using kernels::ValidityBuilder;

std::vector<const Column*> Pointers(const std::vector<ColumnRef>& args) {
  std::vector<const Column*> out;
  out.reserve(args.size());
  for (const auto& arg : args) out.push_back(arg.get());
  return out;
}

/// Gathers row i from args[chosen[i]] (row i); chosen < 0 -> NULL.
Result<ColumnRef> GatherChosen(const TypeRef& type, const std::vector<ColumnRef>& args,
                               const std::vector<int32_t>& chosen, int64_t num_rows) {
  std::vector<int64_t> rows(static_cast<size_t>(num_rows));
  for (int64_t row = 0; row < num_rows; ++row) rows[static_cast<size_t>(row)] = row;
  return GatherFrom(type, Pointers(args), chosen.data(), rows.data(), num_rows);
}

/// coalesce: the first non-NULL argument per row.
Result<ColumnRef> CoalesceKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                 int64_t num_rows) {
  // Fast path: the first argument has no NULLs.
  if (args[0]->null_count() == 0) return args[0];
  std::vector<int32_t> chosen(static_cast<size_t>(num_rows), -1);
  for (size_t arg_idx = 0; arg_idx < args.size(); ++arg_idx) {
    const Column& arg = *args[arg_idx];
    for (int64_t row = 0; row < num_rows; ++row) {
      if (chosen[static_cast<size_t>(row)] < 0 && arg.IsValid(row)) {
        chosen[static_cast<size_t>(row)] = static_cast<int32_t>(arg_idx);
      }
    }
  }
  return GatherChosen(context.result_type, args, chosen, num_rows);
}

/// All arguments converted to one common type.
std::optional<FunctionOverload> ResolveCommon(const std::vector<TypeRef>& arg_types,
                                              ScalarKernel kernel, NullHandling nulls,
                                              TypeRef result = nullptr) {
  if (arg_types.empty()) return std::nullopt;
  std::optional<TypeRef> common = fn::CommonTypeOf(arg_types);
  if (!common) return std::nullopt;
  FunctionOverload overload;
  overload.params.assign(arg_types.size(), *common);
  overload.result = result ? result : *common;
  overload.kernel = std::move(kernel);
  overload.nulls = nulls;
  return overload;
}

/// case_when(c1, v1, c2, v2, ..., else): the value of the first TRUE condition, else `else`.
/// Also if(c, a, b).
Result<ColumnRef> CaseWhenKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                 int64_t num_rows) {
  const size_t else_idx = args.size() - 1;
  std::vector<int32_t> chosen(static_cast<size_t>(num_rows), -1);
  for (size_t arg_idx = 0; arg_idx + 1 < args.size(); arg_idx += 2) {
    const Column& condition = *args[arg_idx];
    for (int64_t row = 0; row < num_rows; ++row) {
      if (chosen[static_cast<size_t>(row)] < 0 && condition.IsValid(row) &&
          condition.BoolValue(row)) {
        chosen[static_cast<size_t>(row)] = static_cast<int32_t>(arg_idx + 1);
      }
    }
  }
  for (auto& source : chosen) {
    if (source < 0) source = static_cast<int32_t>(else_idx);
  }
  return GatherChosen(context.result_type, args, chosen, num_rows);
}

std::optional<FunctionOverload> ResolveCaseWhen(const std::vector<TypeRef>& arg_types) {
  if (arg_types.size() < 3 || arg_types.size() % 2 == 0) return std::nullopt;
  std::vector<TypeRef> values;
  for (size_t idx = 0; idx < arg_types.size(); ++idx) {
    const bool is_value = idx % 2 == 1 || idx + 1 == arg_types.size();
    if (is_value) {
      values.push_back(arg_types[idx]);
    } else if (arg_types[idx] && arg_types[idx]->id() != TypeId::kBoolean) {
      return std::nullopt;
    }
  }
  std::optional<TypeRef> common = fn::CommonTypeOf(values);
  if (!common) return std::nullopt;
  FunctionOverload overload;
  for (size_t idx = 0; idx < arg_types.size(); ++idx) {
    const bool is_value = idx % 2 == 1 || idx + 1 == arg_types.size();
    overload.params.push_back(is_value ? *common : BooleanType());
  }
  overload.result = *common;
  overload.kernel = CaseWhenKernel;
  overload.nulls = NullHandling::kIntroducesNulls;
  return overload;
}

/// nvl2(x, a, b): a if x is not NULL, else b.
Result<ColumnRef> Nvl2Kernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                             int64_t num_rows) {
  std::vector<int32_t> chosen(static_cast<size_t>(num_rows));
  for (int64_t row = 0; row < num_rows; ++row) {
    chosen[static_cast<size_t>(row)] = args[0]->IsValid(row) ? 1 : 2;
  }
  return GatherChosen(context.result_type, args, chosen, num_rows);
}

std::optional<FunctionOverload> ResolveNvl2(const std::vector<TypeRef>& arg_types) {
  if (arg_types.size() != 3) return std::nullopt;
  std::optional<TypeRef> common = fn::CommonTypeOf({arg_types[1], arg_types[2]});
  if (!common) return std::nullopt;
  FunctionOverload overload;
  overload.params = {arg_types[0] ? arg_types[0] : StringType(), *common, *common};
  overload.result = *common;
  overload.kernel = Nvl2Kernel;
  overload.nulls = NullHandling::kIntroducesNulls;
  return overload;
}

/// nullif(a, b): NULL if a = b, else a.
Result<ColumnRef> NullIfKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                               int64_t num_rows) {
  std::vector<int32_t> chosen(static_cast<size_t>(num_rows));
  const Column& a = *args[0];
  const Column& b = *args[1];
  for (int64_t row = 0; row < num_rows; ++row) {
    const bool equal = a.IsValid(row) && b.IsValid(row) && fn::RowsEqual(a, row, b, row);
    chosen[static_cast<size_t>(row)] = equal ? -1 : 0;
  }
  return GatherChosen(context.result_type, args, chosen, num_rows);
}

/// greatest/least: NULL arguments are skipped (NULL only if all are NULL), as Spark.
template <bool kGreatest>
Result<ColumnRef> ExtremeKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                int64_t num_rows) {
  std::vector<int32_t> chosen(static_cast<size_t>(num_rows), -1);
  bool supported = fn::DispatchPrimitive(*context.result_type, [&](auto tag) {
    using T = decltype(tag);
    for (size_t arg_idx = 0; arg_idx < args.size(); ++arg_idx) {
      const Column& arg = *args[arg_idx];
      for (int64_t row = 0; row < num_rows; ++row) {
        if (!arg.IsValid(row)) continue;
        int32_t& best = chosen[static_cast<size_t>(row)];
        if (best < 0) {
          best = static_cast<int32_t>(arg_idx);
          continue;
        }
        const T candidate = Get<T>(arg, row);
        const T current = Get<T>(*args[static_cast<size_t>(best)], row);
        bool better;
        if constexpr (std::is_same_v<T, double>) {
          // NaN is larger than any other value (as Spark orders doubles).
          const bool candidate_nan = candidate != candidate;
          const bool current_nan = current != current;
          better = kGreatest ? (candidate_nan && !current_nan) ||
                                   (!candidate_nan && !current_nan && candidate > current)
                             : (!candidate_nan && (current_nan || candidate < current));
        } else {
          better = kGreatest ? current < candidate : candidate < current;
        }
        if (better) best = static_cast<int32_t>(arg_idx);
      }
    }
  });
  if (!supported) return Status::Plan("greatest/least need primitive arguments");
  return GatherChosen(context.result_type, args, chosen, num_rows);
}

/// x IN (a, b, ...): TRUE if x equals one; else NULL if x or any item is NULL; else FALSE.
Result<ColumnRef> InListKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                               int64_t num_rows) {
  const Column& value = *args[0];
  ValidityBuilder validity(num_rows);
  BooleanOutput out(num_rows);
  auto run = [&](auto tag) {
    using T = decltype(tag);
    for (int64_t row = 0; row < num_rows; ++row) {
      if (!value.IsValid(row)) {
        validity.SetNull(row);
        continue;
      }
      const T needle = Get<T>(value, row);
      bool found = false;
      bool saw_null = false;
      for (size_t arg_idx = 1; arg_idx < args.size() && !found; ++arg_idx) {
        const Column& item = *args[arg_idx];
        if (!item.IsValid(row)) {
          saw_null = true;
        } else if (fn::ValuesEqual(needle, Get<T>(item, row))) {
          found = true;
        }
      }
      if (found) {
        out.Set(row, true);
      } else if (saw_null) {
        validity.SetNull(row);
      }
    }
  };
  if (!fn::DispatchPrimitive(*value.type(), run)) {
    for (int64_t row = 0; row < num_rows; ++row) {
      if (!value.IsValid(row)) {
        validity.SetNull(row);
        continue;
      }
      bool found = false;
      bool saw_null = false;
      for (size_t arg_idx = 1; arg_idx < args.size() && !found; ++arg_idx) {
        if (!args[arg_idx]->IsValid(row)) {
          saw_null = true;
        } else if (fn::RowsEqual(value, row, *args[arg_idx], row)) {
          found = true;
        }
      }
      if (found) {
        out.Set(row, true);
      } else if (saw_null) {
        validity.SetNull(row);
      }
    }
  }
  return out.Finish(num_rows, &validity);
}

/// IS [NOT] DISTINCT FROM: NULL-safe equality, never NULL.
template <bool kDistinct>
Result<ColumnRef> DistinctKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                                 int64_t num_rows) {
  const Column& a = *args[0];
  const Column& b = *args[1];
  ValidityBuilder validity(num_rows);
  BooleanOutput out(num_rows);
  for (int64_t row = 0; row < num_rows; ++row) {
    const bool a_valid = a.IsValid(row);
    const bool b_valid = b.IsValid(row);
    bool same;
    if (!a_valid || !b_valid) {
      same = a_valid == b_valid;
    } else {
      same = fn::RowsEqual(a, row, b, row);
    }
    out.Set(row, same != kDistinct);
  }
  return out.Finish(num_rows, &validity);
}

FunctionDef Generic(std::string name, OverloadResolver resolver, std::string help,
                    bool is_operator = false, std::string display = "") {
  FunctionDef def;
  def.name = std::move(name);
  def.display_name = std::move(display);
  def.resolver = std::move(resolver);
  def.signature_help = std::move(help);
  def.is_operator = is_operator;
  return def;
}

}  // namespace

void RegisterConditionalFunctions(FunctionRegistry* registry) {
  auto coalesce = [](const std::vector<TypeRef>& types) {
    return ResolveCommon(types, CoalesceKernel, NullHandling::kNullIfAllNull);
  };
  MustRegister(registry, Generic("coalesce", coalesce, "coalesce(T, T, ...) with a common type T"));
  auto two_arg_coalesce = [coalesce](const std::vector<TypeRef>& types) {
    return types.size() == 2 ? coalesce(types) : std::nullopt;
  };
  MustRegister(registry, Generic("nvl", two_arg_coalesce, "nvl(T, T)"));
  MustRegister(registry, Generic("ifnull", two_arg_coalesce, "ifnull(T, T)"));
  MustRegister(registry, Generic("nvl2", ResolveNvl2, "nvl2(ANY, T, T)"));
  MustRegister(registry,
               Generic(
                   "nullif",
                   [](const std::vector<TypeRef>& types) -> std::optional<FunctionOverload> {
                     if (types.size() != 2) return std::nullopt;
                     return ResolveCommon(types, NullIfKernel, NullHandling::kIntroducesNulls);
                   },
                   "nullif(T, T)"));
  MustRegister(registry,
               Generic(
                   "if",
                   [](const std::vector<TypeRef>& types) -> std::optional<FunctionOverload> {
                     if (types.size() != 3) return std::nullopt;
                     return ResolveCaseWhen(types);
                   },
                   "if(BOOLEAN, T, T)"));
  MustRegister(registry, Generic("iff", registry->Lookup("if")->resolver, "iff(BOOLEAN, T, T)"));
  MustRegister(registry, Generic("case_when", ResolveCaseWhen, "CASE WHEN BOOLEAN THEN T ... END",
                                 /*is_operator=*/true, "CASE"));
  auto extreme = [](bool greatest) {
    return [greatest](const std::vector<TypeRef>& types) -> std::optional<FunctionOverload> {
      if (types.size() < 2) return std::nullopt;
      std::optional<TypeRef> common = fn::CommonTypeOf(types);
      if (!common || !fn::DispatchPrimitive(**common, [](auto) {})) return std::nullopt;
      return ResolveCommon(types, greatest ? ExtremeKernel<true> : ExtremeKernel<false>,
                           NullHandling::kNullIfAllNull);
    };
  };
  MustRegister(registry, Generic("greatest", extreme(true), "greatest(T, T, ...)"));
  MustRegister(registry, Generic("least", extreme(false), "least(T, T, ...)"));
  MustRegister(registry,
               Generic(
                   "in_list",
                   [](const std::vector<TypeRef>& types) -> std::optional<FunctionOverload> {
                     if (types.size() < 2) return std::nullopt;
                     return ResolveCommon(types, InListKernel, NullHandling::kPropagate,
                                          BooleanType());
                   },
                   "x IN (T, ...)", /*is_operator=*/true, "IN"));
  auto distinct = [](bool is_distinct) {
    return [is_distinct](const std::vector<TypeRef>& types) -> std::optional<FunctionOverload> {
      if (types.size() != 2) return std::nullopt;
      return ResolveCommon(types, is_distinct ? DistinctKernel<true> : DistinctKernel<false>,
                           NullHandling::kNeverNull, BooleanType());
    };
  };
  MustRegister(registry, Generic("is_distinct_from", distinct(true), "IS DISTINCT FROM",
                                 /*is_operator=*/true, "IS DISTINCT FROM"));
  MustRegister(registry, Generic("is_not_distinct_from", distinct(false), "IS NOT DISTINCT FROM",
                                 /*is_operator=*/true, "IS NOT DISTINCT FROM"));
}

}  // namespace sluice
