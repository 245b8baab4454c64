// Arrays and hashing: array(...), size/cardinality, element_at (1-based), a[i] (0-based, as
// Spark's subscript), array_contains, array_join; hash (Spark's Murmur3 x86_32, seed 42) and
// xxhash64 (Spark's XXH64, seed 42). Both hashes reproduce Spark's values bit for bit for
// BOOLEAN, INT, BIGINT, DOUBLE, STRING, DATE, TIMESTAMP and arrays/structs of them, so
// `pmod(hash(key), n)` buckets rows the way Spark does.
#include <cstring>
#include <vector>

#include "exec/function_util.h"
#include "exec/kernel_util.h"

namespace sluice {
namespace {

using fn::Overload;
using fn::RegisterFunction;
using kernels::GatherFrom;
using kernels::MapToBoolean;
using kernels::MapToFixed;
using kernels::ValidityBuilder;

// ---------------------------------------------------------------------------------------------
// array(...)

Result<ColumnRef> MakeArrayKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                  int64_t num_rows) {
  const int64_t width = static_cast<int64_t>(args.size());
  const int64_t total = num_rows * width;
  std::vector<const Column*> sources;
  for (const auto& arg : args) sources.push_back(arg.get());
  std::vector<int32_t> source_idx(static_cast<size_t>(total));
  std::vector<int64_t> source_rows(static_cast<size_t>(total));
  for (int64_t idx = 0; idx < total; ++idx) {
    source_idx[static_cast<size_t>(idx)] = static_cast<int32_t>(idx % width);
    source_rows[static_cast<size_t>(idx)] = idx / width;
  }
  const TypeRef& element_type = context.result_type->value_type();
  ASSIGN_OR_RETURN(ColumnRef values,
                   GatherFrom(element_type, sources, source_idx.data(), source_rows.data(), total));
  BufferBuilder offsets;
  offsets.Reserve((num_rows + 1) * 4);
  for (int64_t row = 0; row <= num_rows; ++row) {
    offsets.AppendValue<int32_t>(static_cast<int32_t>(row * width));
  }
  return Column::Make(context.result_type, num_rows, {nullptr, offsets.Finish()}, {values}, 0);
}

std::optional<FunctionOverload> ResolveMakeArray(const std::vector<TypeRef>& arg_types) {
  std::optional<TypeRef> common = fn::CommonTypeOf(arg_types);
  if (!common) return std::nullopt;
  FunctionOverload overload;
  overload.params.assign(arg_types.size(), *common);
  overload.result = ListType(*common);
  overload.kernel = MakeArrayKernel;
  overload.nulls = NullHandling::kNeverNull;
  return overload;
}

// ---------------------------------------------------------------------------------------------
// size, element_at, subscript, array_contains

/// size(a): the element count; -1 for a NULL array (Spark's default,
/// spark.sql.legacy.sizeOfNull=true).
Result<ColumnRef> SizeKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                             int64_t num_rows) {
  const Column& array = *args[0];
  const int32_t* offsets = array.Offsets();
  ValidityBuilder validity(num_rows);
  kernels::FixedOutput<int32_t> out(num_rows);
  int32_t* dst = out.data();
  for (int64_t row = 0; row < num_rows; ++row) {
    dst[row] = array.IsValid(row) ? offsets[row + 1] - offsets[row] : -1;
  }
  return out.Finish(context.result_type, num_rows, &validity);
}

/// kOneBased: element_at (1-based, negative from the end, 0 is an error); else a[i] (0-based).
/// Out of range gives NULL.
template <bool kOneBased>
Result<ColumnRef> ElementAtKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                  int64_t num_rows) {
  const Column& array = *args[0];
  const Column& index = *args[1];
  const int32_t* offsets = array.Offsets();
  const int64_t* positions = index.Values<int64_t>();
  std::vector<int32_t> source_idx(static_cast<size_t>(num_rows), -1);
  std::vector<int64_t> source_rows(static_cast<size_t>(num_rows), 0);
  for (int64_t row = 0; row < num_rows; ++row) {
    if (array.IsNull(row) || index.IsNull(row)) continue;
    const int64_t length = offsets[row + 1] - offsets[row];
    int64_t position = positions[row];
    if constexpr (kOneBased) {
      if (position == 0) return Status::OutOfRange("element_at: SQL array indices start at 1");
      position = position > 0 ? position - 1 : length + position;
    }
    if (position < 0 || position >= length) continue;
    source_idx[static_cast<size_t>(row)] = 0;
    source_rows[static_cast<size_t>(row)] = offsets[row] + position;
  }
  std::vector<const Column*> sources{array.ListValues().get()};
  return GatherFrom(context.result_type, sources, source_idx.data(), source_rows.data(), num_rows);
}

std::optional<FunctionOverload> ResolveElementAt(const std::vector<TypeRef>& arg_types,
                                                 ScalarKernel kernel) {
  if (arg_types.size() != 2 || !arg_types[0] || arg_types[0]->id() != TypeId::kList) {
    return std::nullopt;
  }
  if (arg_types[1] && ImplicitCastCost(*arg_types[1], *Int64Type()) < 0) return std::nullopt;
  FunctionOverload overload;
  overload.params = {arg_types[0], Int64Type()};
  overload.result = arg_types[0]->value_type();
  overload.kernel = std::move(kernel);
  overload.nulls = NullHandling::kIntroducesNulls;
  return overload;
}

/// array_contains(a, v): NULL if a or v is NULL, or if v is absent and a holds a NULL.
Result<ColumnRef> ArrayContainsKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                                      int64_t num_rows) {
  const Column& array = *args[0];
  const Column& needle = *args[1];
  const Column& values = *array.ListValues();
  const int32_t* offsets = array.Offsets();
  return MapToBoolean(args, num_rows, [&](int64_t row, bool* found) {
    bool saw_null = false;
    for (int32_t idx = offsets[row]; idx < offsets[row + 1]; ++idx) {
      if (values.IsNull(idx)) {
        saw_null = true;
      } else if (fn::RowsEqual(values, idx, needle, row)) {
        *found = true;
        return true;
      }
    }
    *found = false;
    return !saw_null;
  });
}

std::optional<FunctionOverload> ResolveArrayContains(const std::vector<TypeRef>& arg_types) {
  if (arg_types.size() != 2 || !arg_types[0] || arg_types[0]->id() != TypeId::kList) {
    return std::nullopt;
  }
  const TypeRef& element = arg_types[0]->value_type();
  if (arg_types[1] && ImplicitCastCost(*arg_types[1], *element) < 0) return std::nullopt;
  FunctionOverload overload;
  overload.params = {arg_types[0], element};
  overload.result = BooleanType();
  overload.kernel = ArrayContainsKernel;
  overload.nulls = NullHandling::kIntroducesNulls;
  return overload;
}

/// array_join(a, sep[, null_replacement]): elements joined; NULL elements skipped unless replaced.
Result<ColumnRef> ArrayJoinKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                                  int64_t num_rows) {
  const Column& array = *args[0];
  const Column& values = *array.ListValues();
  const int32_t* offsets = array.Offsets();
  return kernels::MapToString(args, num_rows, [&](int64_t row, kernels::StringOutput& out) {
    std::string_view sep = args[1]->StringValue(row);
    bool first = true;
    for (int32_t idx = offsets[row]; idx < offsets[row + 1]; ++idx) {
      std::string_view piece;
      if (values.IsNull(idx)) {
        if (args.size() < 3) continue;
        piece = args[2]->StringValue(row);
      } else {
        piece = values.StringValue(idx);
      }
      if (!first) out.AppendPiece(sep.data(), static_cast<int64_t>(sep.size()));
      out.AppendPiece(piece.data(), static_cast<int64_t>(piece.size()));
      first = false;
    }
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Spark's hashes

inline uint32_t Rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }
inline uint64_t Rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

struct Murmur3 {
  using Hash = uint32_t;
  static uint32_t MixK1(uint32_t k1) {
    k1 *= 0xcc9e2d51u;
    k1 = Rotl32(k1, 15);
    return k1 * 0x1b873593u;
  }
  static uint32_t MixH1(uint32_t h1, uint32_t k1) {
    h1 ^= k1;
    h1 = Rotl32(h1, 13);
    return h1 * 5 + 0xe6546b64u;
  }
  static uint32_t Fmix(uint32_t h1, uint32_t length) {
    h1 ^= length;
    h1 ^= h1 >> 16;
    h1 *= 0x85ebca6bu;
    h1 ^= h1 >> 13;
    h1 *= 0xc2b2ae35u;
    h1 ^= h1 >> 16;
    return h1;
  }
  static uint32_t Int(int32_t value, uint32_t seed) {
    return Fmix(MixH1(seed, MixK1(static_cast<uint32_t>(value))), 4);
  }
  static uint32_t Long(int64_t value, uint32_t seed) {
    const auto bits = static_cast<uint64_t>(value);
    uint32_t h1 = MixH1(seed, MixK1(static_cast<uint32_t>(bits)));
    h1 = MixH1(h1, MixK1(static_cast<uint32_t>(bits >> 32)));
    return Fmix(h1, 8);
  }
  /// Spark's hashUnsafeBytes: 4-byte words, then each remaining byte (sign-extended) as a word.
  static uint32_t Bytes(std::string_view bytes, uint32_t seed) {
    const size_t aligned = bytes.size() - bytes.size() % 4;
    uint32_t h1 = seed;
    for (size_t idx = 0; idx < aligned; idx += 4) {
      uint32_t word;
      std::memcpy(&word, bytes.data() + idx, 4);
      h1 = MixH1(h1, MixK1(word));
    }
    for (size_t idx = aligned; idx < bytes.size(); ++idx) {
      const auto half_word = static_cast<int32_t>(static_cast<int8_t>(bytes[idx]));
      h1 = MixH1(h1, MixK1(static_cast<uint32_t>(half_word)));
    }
    return Fmix(h1, static_cast<uint32_t>(bytes.size()));
  }
};

struct XxHash64 {
  using Hash = uint64_t;
  static constexpr uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
  static constexpr uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
  static constexpr uint64_t kPrime3 = 0x165667B19E3779F9ULL;
  static constexpr uint64_t kPrime4 = 0x85EBCA77C2B2AE63ULL;
  static constexpr uint64_t kPrime5 = 0x27D4EB2F165667C5ULL;

  static uint64_t Round(uint64_t acc, uint64_t lane) {
    acc += lane * kPrime2;
    acc = Rotl64(acc, 31);
    return acc * kPrime1;
  }
  static uint64_t MergeRound(uint64_t acc, uint64_t value) {
    acc ^= Round(0, value);
    return acc * kPrime1 + kPrime4;
  }
  static uint64_t Avalanche(uint64_t hash) {
    hash ^= hash >> 33;
    hash *= kPrime2;
    hash ^= hash >> 29;
    hash *= kPrime3;
    hash ^= hash >> 32;
    return hash;
  }
  /// Standard XXH64 (Spark's hashUnsafeBytes).
  static uint64_t Bytes(std::string_view bytes, uint64_t seed) {
    const char* p = bytes.data();
    const char* end = p + bytes.size();
    uint64_t hash;
    if (bytes.size() >= 32) {
      uint64_t v1 = seed + kPrime1 + kPrime2;
      uint64_t v2 = seed + kPrime2;
      uint64_t v3 = seed;
      uint64_t v4 = seed - kPrime1;
      const char* limit = end - 32;
      do {
        uint64_t lane;
        std::memcpy(&lane, p, 8);
        v1 = Round(v1, lane);
        std::memcpy(&lane, p + 8, 8);
        v2 = Round(v2, lane);
        std::memcpy(&lane, p + 16, 8);
        v3 = Round(v3, lane);
        std::memcpy(&lane, p + 24, 8);
        v4 = Round(v4, lane);
        p += 32;
      } while (p <= limit);
      hash = Rotl64(v1, 1) + Rotl64(v2, 7) + Rotl64(v3, 12) + Rotl64(v4, 18);
      hash = MergeRound(hash, v1);
      hash = MergeRound(hash, v2);
      hash = MergeRound(hash, v3);
      hash = MergeRound(hash, v4);
    } else {
      hash = seed + kPrime5;
    }
    hash += bytes.size();
    while (p + 8 <= end) {
      uint64_t lane;
      std::memcpy(&lane, p, 8);
      hash ^= Round(0, lane);
      hash = Rotl64(hash, 27) * kPrime1 + kPrime4;
      p += 8;
    }
    if (p + 4 <= end) {
      uint32_t word;
      std::memcpy(&word, p, 4);
      hash ^= static_cast<uint64_t>(word) * kPrime1;
      hash = Rotl64(hash, 23) * kPrime2 + kPrime3;
      p += 4;
    }
    while (p < end) {
      hash ^= static_cast<uint64_t>(static_cast<uint8_t>(*p)) * kPrime5;
      hash = Rotl64(hash, 11) * kPrime1;
      ++p;
    }
    return Avalanche(hash);
  }
  static uint64_t Int(int32_t value, uint64_t seed) {
    char bytes[4];
    std::memcpy(bytes, &value, 4);
    return Bytes(std::string_view(bytes, 4), seed);
  }
  static uint64_t Long(int64_t value, uint64_t seed) {
    char bytes[8];
    std::memcpy(bytes, &value, 8);
    return Bytes(std::string_view(bytes, 8), seed);
  }
};

/// Folds row `row` of `column` (non-NULL) into `hash`, as Spark's HashExpression.
template <typename H>
typename H::Hash HashValue(const Column& column, int64_t row, typename H::Hash hash) {
  switch (column.type_id()) {
    case TypeId::kBoolean:
      return H::Int(column.BoolValue(row) ? 1 : 0, hash);
    case TypeId::kInt32:
    case TypeId::kDate:
      return H::Int(column.Values<int32_t>()[row], hash);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return H::Long(column.Values<int64_t>()[row], hash);
    case TypeId::kDouble: {
      double value = column.Values<double>()[row];
      if (value == 0) value = 0;  // -0.0 hashes as 0.0
      int64_t bits;
      if (value != value) {
        bits = 0x7ff8000000000000LL;  // Java's canonical NaN
      } else {
        std::memcpy(&bits, &value, 8);
      }
      return H::Long(bits, hash);
    }
    case TypeId::kString:
      return H::Bytes(column.StringValue(row), hash);
    case TypeId::kList: {
      const Column& values = *column.ListValues();
      const int32_t* offsets = column.Offsets();
      for (int32_t idx = offsets[row]; idx < offsets[row + 1]; ++idx) {
        if (values.IsValid(idx)) hash = HashValue<H>(values, idx, hash);
      }
      return hash;
    }
    case TypeId::kStruct: {
      for (int field_idx = 0; field_idx < static_cast<int>(column.type()->fields().size());
           ++field_idx) {
        ColumnRef field = column.StructField(field_idx);
        if (field->IsValid(row)) hash = HashValue<H>(*field, row, hash);
      }
      return hash;
    }
  }
  return hash;
}

template <typename H, typename Out>
Result<ColumnRef> HashKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                             int64_t num_rows) {
  std::vector<typename H::Hash> hashes(static_cast<size_t>(num_rows), 42);
  for (const auto& arg : args) {
    const Column& column = *arg;
    auto* hash = hashes.data();
    // Column at a time; the common primitive cases avoid the per-row type switch.
    switch (column.type_id()) {
      case TypeId::kInt32:
      case TypeId::kDate: {
        const int32_t* values = column.Values<int32_t>();
        for (int64_t row = 0; row < num_rows; ++row) {
          if (column.IsValid(row)) hash[row] = H::Int(values[row], hash[row]);
        }
        break;
      }
      case TypeId::kInt64:
      case TypeId::kTimestamp: {
        const int64_t* values = column.Values<int64_t>();
        for (int64_t row = 0; row < num_rows; ++row) {
          if (column.IsValid(row)) hash[row] = H::Long(values[row], hash[row]);
        }
        break;
      }
      case TypeId::kString:
        for (int64_t row = 0; row < num_rows; ++row) {
          if (column.IsValid(row)) hash[row] = H::Bytes(column.StringValue(row), hash[row]);
        }
        break;
      default:
        for (int64_t row = 0; row < num_rows; ++row) {
          if (column.IsValid(row)) hash[row] = HashValue<H>(column, row, hash[row]);
        }
        break;
    }
  }
  ValidityBuilder validity(num_rows);
  return MapToFixed<Out>(context.result_type, {}, num_rows, [&](int64_t row, Out* out) {
    *out = static_cast<Out>(hashes[static_cast<size_t>(row)]);
    return true;
  });
}

template <typename H, typename Out>
std::optional<FunctionOverload> ResolveHash(const std::vector<TypeRef>& arg_types) {
  if (arg_types.empty()) return std::nullopt;
  FunctionOverload overload;
  for (const auto& type : arg_types) overload.params.push_back(type ? type : Int32Type());
  overload.result = std::is_same_v<Out, int32_t> ? Int32Type() : Int64Type();
  overload.kernel = HashKernel<H, Out>;
  overload.nulls = NullHandling::kNeverNull;
  return overload;
}

FunctionDef Generic(std::string name, OverloadResolver resolver, std::string help) {
  FunctionDef def;
  def.name = std::move(name);
  def.resolver = std::move(resolver);
  def.signature_help = std::move(help);
  return def;
}

}  // namespace

void RegisterNestedFunctions(FunctionRegistry* registry) {
  fn::MustRegister(registry, Generic("array", ResolveMakeArray, "array(T, ...)"));
  auto size = [](const std::vector<TypeRef>& types) -> std::optional<FunctionOverload> {
    if (types.size() != 1 || !types[0] || types[0]->id() != TypeId::kList) return std::nullopt;
    FunctionOverload overload =
        Overload({types[0]}, Int32Type(), SizeKernel, NullHandling::kNeverNull);
    return overload;
  };
  fn::MustRegister(registry, Generic("size", size, "size(ARRAY<T>)"));
  fn::MustRegister(registry, Generic("cardinality", size, "cardinality(ARRAY<T>)"));
  fn::MustRegister(registry, Generic(
                                 "element_at",
                                 [](const std::vector<TypeRef>& types) {
                                   return ResolveElementAt(types, ElementAtKernel<true>);
                                 },
                                 "element_at(ARRAY<T>, BIGINT)"));
  {
    FunctionDef subscript = Generic(
        "subscript",
        [](const std::vector<TypeRef>& types) {
          return ResolveElementAt(types, ElementAtKernel<false>);
        },
        "ARRAY<T>[BIGINT]");
    subscript.is_operator = true;
    subscript.display_name = "[]";
    fn::MustRegister(registry, std::move(subscript));
  }
  fn::MustRegister(registry,
                   Generic("array_contains", ResolveArrayContains, "array_contains(ARRAY<T>, T)"));
  RegisterFunction(registry, "array_join",
                   {Overload({ListType(StringType()), StringType()}, StringType(), ArrayJoinKernel),
                    Overload({ListType(StringType()), StringType(), StringType()}, StringType(),
                             ArrayJoinKernel)});
  fn::MustRegister(registry, Generic("hash", ResolveHash<Murmur3, int32_t>, "hash(ANY, ...)"));
  fn::MustRegister(registry,
                   Generic("xxhash64", ResolveHash<XxHash64, int64_t>, "xxhash64(ANY, ...)"));
}

}  // namespace sluice
