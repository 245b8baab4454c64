// String functions (Spark names first, DuckDB/Postgres aliases accepted): trim family, substr,
// concat_ws, replace, split, split_part, starts_with/ends_with/contains, lpad/rpad, reverse,
// repeat, instr/locate/position, left/right, initcap, regexp_* (RE2), LIKE/ILIKE, md5/sha1/sha2.
//
// Positions and lengths count characters (UTF-8 code points), as Spark. Regular expressions are
// RE2 (Java's syntax minus backreferences and lookaround); a constant pattern is compiled once at
// bind time, and a bad one is a plan error.
#include <openssl/evp.h>
#include <re2/re2.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "exec/function_util.h"
#include "exec/kernel_util.h"

namespace sluice {
namespace {

using fn::Overload;
using fn::RegisterFunction;
using kernels::MapToBoolean;
using kernels::MapToFixed;
using kernels::MapToString;
using kernels::StringOutput;
using kernels::Utf8Advance;
using kernels::Utf8Length;
using kernels::ValidityBuilder;

std::string_view Str(const ColumnRef& column, int64_t row) { return column->StringValue(row); }

void Append(StringOutput& out, std::string_view piece) {
  out.AppendPiece(piece.data(), static_cast<int64_t>(piece.size()));
}

// ---------------------------------------------------------------------------------------------
// lower/upper with the common alphabets (Latin-1, Latin Extended-A, Greek, Cyrillic) mapped; other
// characters are kept. ASCII rows take a byte loop.

/// The case-mapped code point (or `code` itself).
uint32_t MapCase(uint32_t code, bool upper) {
  if (upper) {
    if ((code >= 0xE0 && code <= 0xFE && code != 0xF7) ||
        (code >= 0x3B1 && code <= 0x3C9 && code != 0x3C2) || (code >= 0x430 && code <= 0x44F)) {
      return code - 0x20;
    }
    if (code >= 0x450 && code <= 0x45F) return code - 0x50;
    if (code >= 0x100 && code <= 0x17F && code != 0x130 && code != 0x131 && code != 0x138 &&
        code != 0x149 && code != 0x17F) {
      const bool odd_is_lower =
          (code >= 0x139 && code <= 0x148) || (code >= 0x179 && code <= 0x17E);
      if (odd_is_lower ? (code % 2 == 0) : (code % 2 == 1)) return code - 1;
    }
    if (code == 0xFF) return 0x178;
    return code;
  }
  if ((code >= 0xC0 && code <= 0xDE && code != 0xD7) || (code >= 0x391 && code <= 0x3A9) ||
      (code >= 0x410 && code <= 0x42F)) {
    return code + 0x20;
  }
  if (code >= 0x400 && code <= 0x40F) return code + 0x50;
  if (code >= 0x100 && code <= 0x17F && code != 0x130 && code != 0x131 && code != 0x138 &&
      code != 0x149 && code != 0x17F) {
    const bool odd_is_lower = (code >= 0x139 && code <= 0x148) || (code >= 0x179 && code <= 0x17E);
    if (odd_is_lower ? (code % 2 == 1) : (code % 2 == 0)) return code + 1;
  }
  if (code == 0x178) return 0xFF;
  return code;
}

template <bool kUpper>
Result<ColumnRef> UnicodeCaseKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                                    int64_t num_rows) {
  return MapToString(args, num_rows, [&](int64_t row, StringOutput& out) {
    std::string_view s = Str(args[0], row);
    // Mapped characters keep their UTF-8 length (all mappings stay in the same 2-byte range).
    char* dst = out.Extend(static_cast<int64_t>(s.size()));
    for (size_t pos = 0; pos < s.size();) {
      const auto c = static_cast<unsigned char>(s[pos]);
      if (c < 0x80) {
        if constexpr (kUpper) {
          dst[pos] =
              (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : static_cast<char>(c);
        } else {
          dst[pos] =
              (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
        }
        ++pos;
      } else if ((c & 0xE0) == 0xC0 && pos + 1 < s.size()) {
        const uint32_t code = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[pos + 1]) & 0x3Fu);
        const uint32_t mapped = MapCase(code, kUpper);
        if (mapped >= 0x80 && mapped < 0x800) {
          dst[pos] = static_cast<char>(0xC0 | (mapped >> 6));
          dst[pos + 1] = static_cast<char>(0x80 | (mapped & 0x3F));
        } else {
          dst[pos] = s[pos];
          dst[pos + 1] = s[pos + 1];
        }
        pos += 2;
      } else {
        dst[pos] = s[pos];
        ++pos;
      }
    }
    out.Commit(static_cast<int64_t>(s.size()));
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// trim

/// trim(s) removes spaces (U+0020, as Spark); trim(s, chars) removes any of `chars` (bytes of an
/// ASCII set, or whole UTF-8 characters).
template <bool kLeft, bool kRight>
std::string_view TrimChars(std::string_view s, std::string_view chars) {
  auto in_set = [&](size_t pos, size_t* len) {
    size_t char_len = 1;
    while (pos + char_len < s.size() &&
           (static_cast<unsigned char>(s[pos + char_len]) & 0xC0) == 0x80) {
      ++char_len;
    }
    *len = char_len;
    return chars.find(s.substr(pos, char_len)) != std::string_view::npos;
  };
  size_t begin = 0;
  size_t end = s.size();
  if constexpr (kLeft) {
    size_t len = 0;
    while (begin < end && in_set(begin, &len)) begin += len;
  }
  if constexpr (kRight) {
    while (end > begin) {
      size_t start = end - 1;
      while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
      size_t len = 0;
      if (!in_set(start, &len)) break;
      end = start;
    }
  }
  return s.substr(begin, end - begin);
}

template <bool kLeft, bool kRight>
Result<ColumnRef> TrimKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                             int64_t num_rows) {
  if (args.size() == 1) {
    return MapToString(args, num_rows, [&](int64_t row, StringOutput& out) {
      Append(out, TrimChars<kLeft, kRight>(Str(args[0], row), " "));
      return true;
    });
  }
  return MapToString(args, num_rows, [&](int64_t row, StringOutput& out) {
    Append(out, TrimChars<kLeft, kRight>(Str(args[0], row), Str(args[1], row)));
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// substr, left, right, lpad/rpad, reverse, repeat, instr/locate, initcap

/// Spark's substring(s, pos[, len]): 1-based; pos 0 acts as 1; a negative pos counts from the
/// end; len < 1 gives ''.
std::string_view SparkSubstring(std::string_view s, int64_t pos, int64_t len) {
  bool ascii = true;
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  const int64_t num_chars = ascii ? static_cast<int64_t>(s.size()) : Utf8Length(s);
  int64_t start = pos > 0 ? pos - 1 : (pos < 0 ? num_chars + pos : 0);
  int64_t end;
  if (__builtin_add_overflow(start, len, &end)) end = std::numeric_limits<int64_t>::max();
  start = std::max<int64_t>(start, 0);
  if (start >= end || start >= num_chars) return {};
  end = std::min(end, num_chars);
  if (ascii) return s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start));
  size_t begin_byte = Utf8Advance(s, start);
  size_t end_byte = begin_byte + Utf8Advance(s.substr(begin_byte), end - start);
  return s.substr(begin_byte, end_byte - begin_byte);
}

Result<ColumnRef> SubstrKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                               int64_t num_rows) {
  const int64_t* pos = args[1]->Values<int64_t>();
  const int64_t* len = args.size() > 2 ? args[2]->Values<int64_t>() : nullptr;
  return MapToString(args, num_rows, [&](int64_t row, StringOutput& out) {
    Append(out, SparkSubstring(Str(args[0], row), pos[row],
                               len ? len[row] : std::numeric_limits<int64_t>::max()));
    return true;
  });
}

template <bool kLeft>
Result<ColumnRef> LeftRightKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                                  int64_t num_rows) {
  const int64_t* len = args[1]->Values<int64_t>();
  return MapToString(args, num_rows, [&](int64_t row, StringOutput& out) {
    std::string_view s = Str(args[0], row);
    if (len[row] <= 0) return true;
    if constexpr (kLeft) {
      Append(out, SparkSubstring(s, 1, len[row]));
    } else {
      Append(out, SparkSubstring(s, -len[row], std::numeric_limits<int64_t>::max()));
    }
    return true;
  });
}

/// lpad/rpad(s, len[, pad = ' ']): to exactly len characters (truncating s if longer); an empty
/// pad leaves a shorter s unchanged, as Spark.
template <bool kLeftPad>
Result<ColumnRef> PadKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                            int64_t num_rows) {
  const int64_t* len = args[1]->Values<int64_t>();
  return MapToString(args, num_rows, [&](int64_t row, StringOutput& out) {
    std::string_view s = Str(args[0], row);
    std::string_view pad = args.size() > 2 ? Str(args[2], row) : std::string_view(" ");
    const int64_t target = len[row];
    if (target <= 0) return true;
    if (target > (1 << 24)) return false;  // guard against absurd sizes: NULL
    const int64_t have = Utf8Length(s);
    if (have >= target) {
      Append(out, s.substr(0, Utf8Advance(s, target)));
      return true;
    }
    if (pad.empty()) {
      Append(out, s);
      return true;
    }
    const int64_t pad_chars = Utf8Length(pad);
    int64_t missing = target - have;
    if constexpr (!kLeftPad) Append(out, s);
    while (missing > 0) {
      const int64_t take = std::min(missing, pad_chars);
      Append(out, pad.substr(0, Utf8Advance(pad, take)));
      missing -= take;
    }
    if constexpr (kLeftPad) Append(out, s);
    return true;
  });
}

Result<ColumnRef> ReverseKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                                int64_t num_rows) {
  return MapToString(args, num_rows, [&](int64_t row, StringOutput& out) {
    std::string_view s = Str(args[0], row);
    char* dst = out.Extend(static_cast<int64_t>(s.size()));
    size_t write = s.size();
    for (size_t pos = 0; pos < s.size();) {
      size_t len = 1;
      while (pos + len < s.size() && (static_cast<unsigned char>(s[pos + len]) & 0xC0) == 0x80) {
        ++len;
      }
      write -= len;
      std::memcpy(dst + write, s.data() + pos, len);
      pos += len;
    }
    out.Commit(static_cast<int64_t>(s.size()));
    return true;
  });
}

Result<ColumnRef> RepeatKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                               int64_t num_rows) {
  const int64_t* count = args[1]->Values<int64_t>();
  return MapToString(args, num_rows, [&](int64_t row, StringOutput& out) {
    std::string_view s = Str(args[0], row);
    if (count[row] > 0 && static_cast<int64_t>(s.size()) * count[row] > (1 << 28)) {
      return false;
    }
    for (int64_t idx = 0; idx < count[row]; ++idx) Append(out, s);
    return true;
  });
}

/// 1-based character position of `needle` in `s` at or after character `start`, 0 if absent.
int32_t CharPosition(std::string_view s, std::string_view needle, int64_t start) {
  if (start < 1) return 0;
  size_t from = Utf8Advance(s, start - 1);
  if (from > s.size()) return 0;
  size_t found = s.find(needle, from);
  if (found == std::string_view::npos) return 0;
  return static_cast<int32_t>(Utf8Length(s.substr(0, found)) + 1);
}

/// instr(s, sub) and locate/position(sub, s[, start]).
template <bool kNeedleFirst>
Result<ColumnRef> PositionKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                 int64_t num_rows) {
  const int64_t* start = args.size() > 2 ? args[2]->Values<int64_t>() : nullptr;
  return MapToFixed<int32_t>(context.result_type, args, num_rows, [&](int64_t row, int32_t* out) {
    std::string_view s = Str(args[kNeedleFirst ? 1 : 0], row);
    std::string_view needle = Str(args[kNeedleFirst ? 0 : 1], row);
    *out = CharPosition(s, needle, start ? start[row] : 1);
    return true;
  });
}

/// initcap: first letter of each space-separated word upper-case, the rest lower-case (ASCII).
Result<ColumnRef> InitCapKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                                int64_t num_rows) {
  return MapToString(args, num_rows, [&](int64_t row, StringOutput& out) {
    std::string_view s = Str(args[0], row);
    char* dst = out.Extend(static_cast<int64_t>(s.size()));
    bool word_start = true;
    for (size_t idx = 0; idx < s.size(); ++idx) {
      char c = s[idx];
      if (word_start && c >= 'a' && c <= 'z') {
        c = static_cast<char>(c - 'a' + 'A');
      } else if (!word_start && c >= 'A' && c <= 'Z') {
        c = static_cast<char>(c - 'A' + 'a');
      }
      dst[idx] = c;
      word_start = c == ' ';
    }
    out.Commit(static_cast<int64_t>(s.size()));
    return true;
  });
}

Result<ColumnRef> AsciiKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                              int64_t num_rows) {
  return MapToFixed<int32_t>(context.result_type, args, num_rows, [&](int64_t row, int32_t* out) {
    std::string_view s = Str(args[0], row);
    *out = s.empty() ? 0 : static_cast<unsigned char>(s[0]);
    return true;
  });
}

Result<ColumnRef> OctetLengthKernel(const KernelContext& context,
                                    const std::vector<ColumnRef>& args, int64_t num_rows) {
  return MapToFixed<int32_t>(context.result_type, args, num_rows, [&](int64_t row, int32_t* out) {
    *out = static_cast<int32_t>(Str(args[0], row).size());
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// concat_ws, replace, split_part, starts/ends/contains

/// concat_ws(sep, s1, s2, ...): NULL arguments are skipped; a NULL separator gives NULL.
Result<ColumnRef> ConcatWsKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                                 int64_t num_rows) {
  ValidityBuilder validity(num_rows);
  validity.AndWith(*args[0]);
  StringOutput out(num_rows);
  for (int64_t row = 0; row < num_rows; ++row) {
    if (validity.IsValid(row)) {
      std::string_view sep = Str(args[0], row);
      bool first = true;
      for (size_t arg_idx = 1; arg_idx < args.size(); ++arg_idx) {
        const Column& arg = *args[arg_idx];
        if (arg.IsNull(row)) continue;
        if (arg.type_id() == TypeId::kList) {
          const int32_t* offsets = arg.Offsets();
          const Column& values = *arg.ListValues();
          for (int32_t idx = offsets[row]; idx < offsets[row + 1]; ++idx) {
            if (values.IsNull(idx)) continue;
            if (!first) Append(out, sep);
            Append(out, values.StringValue(idx));
            first = false;
          }
          continue;
        }
        if (!first) Append(out, sep);
        Append(out, arg.StringValue(row));
        first = false;
      }
    }
    out.EndRow();
  }
  return out.Finish(num_rows, &validity);
}

/// replace(s, search[, replacement = '']): every occurrence; an empty search leaves s unchanged.
Result<ColumnRef> ReplaceKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                                int64_t num_rows) {
  return MapToString(args, num_rows, [&](int64_t row, StringOutput& out) {
    std::string_view s = Str(args[0], row);
    std::string_view search = Str(args[1], row);
    std::string_view replacement = args.size() > 2 ? Str(args[2], row) : std::string_view();
    if (search.empty()) {
      Append(out, s);
      return true;
    }
    size_t pos = 0;
    while (true) {
      size_t found = s.find(search, pos);
      if (found == std::string_view::npos) break;
      Append(out, s.substr(pos, found - pos));
      Append(out, replacement);
      pos = found + search.size();
    }
    Append(out, s.substr(pos));
    return true;
  });
}

/// split_part(s, delimiter, n): the n-th part (1-based; negative counts from the end); '' when
/// out of range; n = 0 is an error (as Spark).
Result<ColumnRef> SplitPartKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                                  int64_t num_rows) {
  const int64_t* part = args[2]->Values<int64_t>();
  ValidityBuilder check(num_rows);
  check.AndWith(*args[2]);
  for (int64_t row = 0; row < num_rows; ++row) {
    if (check.IsValid(row) && part[row] == 0) {
      return Status::OutOfRange("split_part: the part index must not be 0");
    }
  }
  return MapToString(args, num_rows, [&](int64_t row, StringOutput& out) {
    std::string_view s = Str(args[0], row);
    std::string_view delimiter = Str(args[1], row);
    if (delimiter.empty()) {
      if (part[row] == 1 || part[row] == -1) Append(out, s);
      return true;
    }
    std::vector<std::string_view> pieces;  // small; only for negative indexes
    if (part[row] > 0) {
      size_t pos = 0;
      for (int64_t idx = 1;; ++idx) {
        size_t found = s.find(delimiter, pos);
        if (idx == part[row]) {
          Append(out, s.substr(pos, found == std::string_view::npos ? std::string_view::npos
                                                                    : found - pos));
          return true;
        }
        if (found == std::string_view::npos) return true;
        pos = found + delimiter.size();
      }
    }
    size_t end = s.size();
    for (int64_t idx = -1;; --idx) {
      size_t found = end < delimiter.size() ? std::string_view::npos
                                            : s.rfind(delimiter, end - delimiter.size());
      if (end < delimiter.size()) found = std::string_view::npos;
      size_t begin = found == std::string_view::npos ? 0 : found + delimiter.size();
      if (idx == part[row]) {
        Append(out, s.substr(begin, end - begin));
        return true;
      }
      if (found == std::string_view::npos) return true;
      end = found;
    }
  });
}

enum class MatchKind { kStartsWith, kEndsWith, kContains };

template <MatchKind kKind>
Result<ColumnRef> MatchKernel(const KernelContext&, const std::vector<ColumnRef>& args,
                              int64_t num_rows) {
  return MapToBoolean(args, num_rows, [&](int64_t row, bool* value) {
    std::string_view s = Str(args[0], row);
    std::string_view part = Str(args[1], row);
    if constexpr (kKind == MatchKind::kStartsWith) {
      *value = s.substr(0, part.size()) == part;
    } else if constexpr (kKind == MatchKind::kEndsWith) {
      *value = s.size() >= part.size() && s.substr(s.size() - part.size()) == part;
    } else {
      *value = s.find(part) != std::string_view::npos;
    }
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Regular expressions

Result<std::unique_ptr<RE2>> CompileRegex(std::string_view pattern, bool case_insensitive = false,
                                          bool dot_nl = false) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_case_sensitive(!case_insensitive);
  options.set_dot_nl(dot_nl);
  auto re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    return Status::Plan("invalid regular expression '{}': {}", pattern, re->error());
  }
  return re;
}

/// A regex argument: the constant compiled at bind time, or the row's pattern (the last one is
/// kept compiled, so a column holding few distinct patterns compiles each once in a row).
class RegexArg {
 public:
  RegexArg(const RE2* constant, const ColumnRef& column) : constant_(constant), column_(column) {}
  Result<const RE2*> Get(int64_t row) {
    if (constant_ != nullptr) return constant_;
    std::string_view pattern = column_->StringValue(row);
    if (!last_ || pattern != last_pattern_) {
      ASSIGN_OR_RETURN(last_, CompileRegex(pattern));
      last_pattern_ = std::string(pattern);
    }
    return last_.get();
  }

 private:
  const RE2* constant_;
  const ColumnRef& column_;
  std::unique_ptr<RE2> last_;
  std::string last_pattern_;
};

struct RegexState {
  std::unique_ptr<RE2> re;  // null when the pattern is not a constant
};

/// Prepare for functions whose argument 1 is a pattern.
PrepareFn PreparePattern(size_t pattern_arg = 1) {
  return [pattern_arg](
             const std::vector<const Value*>& constants) -> Result<std::shared_ptr<const void>> {
    auto state = std::make_shared<RegexState>();
    const Value* pattern = constants[pattern_arg];
    if (pattern != nullptr && !pattern->is_null()) {
      ASSIGN_OR_RETURN(state->re, CompileRegex(pattern->string()));
    }
    return std::shared_ptr<const void>(std::move(state));
  };
}

const RE2* ConstantRegex(const KernelContext& context) {
  const auto* state = static_cast<const RegexState*>(context.state);
  return state != nullptr ? state->re.get() : nullptr;
}

/// A column of `num_rows` NULLs when a constant pattern argument is NULL.
bool ConstantNullPattern(const KernelContext& context, const std::vector<ColumnRef>& args,
                         size_t pattern_arg) {
  return args[pattern_arg] == nullptr && ConstantRegex(context) == nullptr;
}

/// regexp_like / rlike / regexp(s, pattern): TRUE if the pattern matches anywhere in s.
Result<ColumnRef> RegexpLikeKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                                   int64_t num_rows) {
  if (ConstantNullPattern(context, args, 1)) return Column::MakeNull(BooleanType(), num_rows);
  RegexArg regex(ConstantRegex(context), args[1]);
  Status error;
  ASSIGN_OR_RETURN(ColumnRef result, MapToBoolean(args, num_rows, [&](int64_t row, bool* value) {
                     Result<const RE2*> re = regex.Get(row);
                     if (!re.ok()) {
                       error = re.status();
                       return false;
                     }
                     std::string_view s = Str(args[0], row);
                     *value = (*re)->Match(re2::StringPiece(s.data(), s.size()), 0, s.size(),
                                           RE2::UNANCHORED, nullptr, 0);
                     return true;
                   }));
  RETURN_NOT_OK(error);
  return result;
}

/// regexp_extract(s, pattern[, group = 1]): the group of the first match; '' when there is no
/// match or the group did not participate (as Spark).
Result<ColumnRef> RegexpExtractKernel(const KernelContext& context,
                                      const std::vector<ColumnRef>& args, int64_t num_rows) {
  if (ConstantNullPattern(context, args, 1)) return Column::MakeNull(StringType(), num_rows);
  RegexArg regex(ConstantRegex(context), args[1]);
  const int64_t* group = args.size() > 2 ? args[2]->Values<int64_t>() : nullptr;
  Status error;
  constexpr int kMaxGroups = 32;
  re2::StringPiece groups[kMaxGroups + 1];
  ASSIGN_OR_RETURN(ColumnRef result,
                   MapToString(args, num_rows, [&](int64_t row, StringOutput& out) {
                     Result<const RE2*> re = regex.Get(row);
                     if (!re.ok()) {
                       error = re.status();
                       return false;
                     }
                     const int64_t index = group ? group[row] : 1;
                     const int num_groups = (*re)->NumberOfCapturingGroups();
                     if (index < 0 || index > num_groups || index > kMaxGroups) {
                       error = Status::OutOfRange(
                           "regexp_extract: the pattern has {} groups, but group {} was asked for",
                           num_groups, index);
                       return false;
                     }
                     std::string_view s = Str(args[0], row);
                     const int nsub = static_cast<int>(index) + 1;
                     if ((*re)->Match(re2::StringPiece(s.data(), s.size()), 0, s.size(),
                                      RE2::UNANCHORED, groups, nsub)) {
                       const re2::StringPiece& match = groups[index];
                       if (match.data() != nullptr) {
                         out.AppendPiece(match.data(), static_cast<int64_t>(match.size()));
                       }
                     }
                     return true;
                   }));
  RETURN_NOT_OK(error);
  return result;
}

/// regexp_extract_all(s, pattern[, group = 1]) -> ARRAY<STRING> of every match's group.
Result<ColumnRef> RegexpExtractAllKernel(const KernelContext& context,
                                         const std::vector<ColumnRef>& args, int64_t num_rows) {
  TypeRef type = ListType(StringType());
  if (ConstantNullPattern(context, args, 1)) return Column::MakeNull(type, num_rows);
  RegexArg regex(ConstantRegex(context), args[1]);
  const int64_t* group = args.size() > 2 ? args[2]->Values<int64_t>() : nullptr;
  ValidityBuilder validity(num_rows);
  for (const auto& arg : args) {
    if (arg) validity.AndWith(*arg);
  }
  BufferBuilder offsets;
  offsets.AppendValue<int32_t>(0);
  StringOutput values(0);
  int32_t count = 0;
  re2::StringPiece groups[33];
  for (int64_t row = 0; row < num_rows; ++row) {
    if (validity.IsValid(row)) {
      ASSIGN_OR_RETURN(const RE2* re, regex.Get(row));
      const int64_t index = group ? group[row] : 1;
      if (index < 0 || index > re->NumberOfCapturingGroups() || index > 32) {
        return Status::OutOfRange(
            "regexp_extract_all: the pattern has {} groups, but group {} "
            "was asked for",
            re->NumberOfCapturingGroups(), index);
      }
      std::string_view s = Str(args[0], row);
      size_t pos = 0;
      while (pos <= s.size() && re->Match(re2::StringPiece(s.data(), s.size()), pos, s.size(),
                                          RE2::UNANCHORED, groups, static_cast<int>(index) + 1)) {
        const re2::StringPiece& match = groups[index];
        if (match.data() != nullptr) Append(values, std::string_view(match.data(), match.size()));
        values.EndRow();
        ++count;
        size_t match_end = static_cast<size_t>(groups[0].data() - s.data()) + groups[0].size();
        pos = groups[0].empty() ? match_end + 1 : match_end;
      }
    }
    offsets.AppendValue<int32_t>(count);
  }
  ValidityBuilder value_validity(count);
  ASSIGN_OR_RETURN(ColumnRef value_column, values.Finish(count, &value_validity));
  int64_t null_count = 0;
  BufferRef bits = validity.Finish(&null_count);
  return Column::Make(type, num_rows, {std::move(bits), offsets.Finish()}, {value_column},
                      null_count);
}

/// Java's replacement syntax ($1, ${name} unsupported, \$ for a dollar) into pieces: literal text
/// and group references.
struct Rewrite {
  std::vector<std::pair<std::string, int>> pieces;  // (literal, -1) or ("", group)
  int max_group = 0;
};

Result<Rewrite> ParseJavaReplacement(std::string_view text) {
  Rewrite rewrite;
  std::string literal;
  for (size_t pos = 0; pos < text.size(); ++pos) {
    char c = text[pos];
    if (c == '\\' && pos + 1 < text.size()) {
      literal.push_back(text[++pos]);
    } else if (c == '$' && pos + 1 < text.size() && text[pos + 1] >= '0' && text[pos + 1] <= '9') {
      if (!literal.empty()) rewrite.pieces.emplace_back(std::move(literal), -1);
      literal.clear();
      int group = text[++pos] - '0';
      rewrite.pieces.emplace_back("", group);
      rewrite.max_group = std::max(rewrite.max_group, group);
    } else if (c == '$') {
      return Status::Plan(
          "invalid replacement '{}': '$' must be followed by a group number "
          "(write \\$ for a dollar sign)",
          text);
    } else {
      literal.push_back(c);
    }
  }
  if (!literal.empty()) rewrite.pieces.emplace_back(std::move(literal), -1);
  return rewrite;
}

struct ReplaceState {
  std::unique_ptr<RE2> re;
  std::optional<Rewrite> rewrite;
};

/// regexp_replace(s, pattern, replacement[, position = 1]): every match from `position` (1-based
/// character) on; $n in the replacement is group n (Java syntax, as Spark).
Result<ColumnRef> RegexpReplaceKernel(const KernelContext& context,
                                      const std::vector<ColumnRef>& args, int64_t num_rows) {
  const auto* state = static_cast<const ReplaceState*>(context.state);
  if ((args[1] == nullptr && !state->re) || (args[2] == nullptr && !state->rewrite)) {
    return Column::MakeNull(StringType(), num_rows);
  }
  RegexArg regex(state->re.get(), args[1]);
  const int64_t* position = args.size() > 3 ? args[3]->Values<int64_t>() : nullptr;
  Status error;
  Rewrite row_rewrite;
  re2::StringPiece groups[10];
  ASSIGN_OR_RETURN(
      ColumnRef result, MapToString(args, num_rows, [&](int64_t row, StringOutput& out) {
        Result<const RE2*> re = regex.Get(row);
        if (!re.ok()) {
          error = re.status();
          return false;
        }
        const Rewrite* rewrite = state->rewrite ? &*state->rewrite : nullptr;
        if (rewrite == nullptr) {
          Result<Rewrite> parsed = ParseJavaReplacement(Str(args[2], row));
          if (!parsed.ok()) {
            error = parsed.status();
            return false;
          }
          row_rewrite = std::move(*parsed);
          rewrite = &row_rewrite;
        }
        if (rewrite->max_group > (*re)->NumberOfCapturingGroups()) {
          error =
              Status::OutOfRange("regexp_replace: no group {} in the pattern", rewrite->max_group);
          return false;
        }
        std::string_view s = Str(args[0], row);
        const int64_t start_char = position ? position[row] : 1;
        if (start_char < 1) {
          error = Status::OutOfRange("regexp_replace: position must be at least 1");
          return false;
        }
        size_t pos = Utf8Advance(s, start_char - 1);
        Append(out, s.substr(0, pos));
        const int nsub = rewrite->max_group + 1;
        size_t copied = pos;
        while (pos <= s.size() && (*re)->Match(re2::StringPiece(s.data(), s.size()), pos, s.size(),
                                               RE2::UNANCHORED, groups, nsub)) {
          size_t match_begin = static_cast<size_t>(groups[0].data() - s.data());
          size_t match_end = match_begin + groups[0].size();
          Append(out, s.substr(copied, match_begin - copied));
          for (const auto& [literal, group] : rewrite->pieces) {
            if (group < 0) {
              Append(out, literal);
            } else if (groups[group].data() != nullptr) {
              Append(out, std::string_view(groups[group].data(), groups[group].size()));
            }
          }
          copied = match_end;
          if (match_end == match_begin) {
            // Empty match: copy one character and search after it (as Java's Matcher).
            if (match_end >= s.size()) break;
            size_t next = match_end + Utf8Advance(s.substr(match_end), 1);
            Append(out, s.substr(match_end, next - match_end));
            copied = next;
            pos = next;
          } else {
            pos = match_end;
          }
        }
        if (copied < s.size()) Append(out, s.substr(copied));
        return true;
      }));
  RETURN_NOT_OK(error);
  return result;
}

/// split(s, regex[, limit = -1]) -> ARRAY<STRING>, with Java's String.split rules as Spark:
/// no leading empty piece for a zero-width match at 0, trailing empty pieces kept; limit > 0 caps
/// the number of pieces (the last holds the rest). An empty pattern splits into characters.
Result<ColumnRef> SplitKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                              int64_t num_rows) {
  TypeRef type = ListType(StringType());
  if (ConstantNullPattern(context, args, 1)) return Column::MakeNull(type, num_rows);
  RegexArg regex(ConstantRegex(context), args[1]);
  const int64_t* limits = args.size() > 2 ? args[2]->Values<int64_t>() : nullptr;
  ValidityBuilder validity(num_rows);
  for (const auto& arg : args) {
    if (arg) validity.AndWith(*arg);
  }
  BufferBuilder offsets;
  offsets.Reserve((num_rows + 1) * 4);
  offsets.AppendValue<int32_t>(0);
  StringOutput values(num_rows);
  if (num_rows > 0) values.ReserveData(args[0]->Offsets()[num_rows] - args[0]->Offsets()[0]);
  int32_t count = 0;
  re2::StringPiece match[1];
  for (int64_t row = 0; row < num_rows; ++row) {
    if (validity.IsValid(row)) {
      std::string_view s = Str(args[0], row);
      int64_t limit = limits ? limits[row] : -1;
      if (limit <= 0) limit = -1;
      auto emit = [&](std::string_view piece) {
        Append(values, piece);
        values.EndRow();
        ++count;
      };
      ASSIGN_OR_RETURN(const RE2* re, regex.Get(row));
      const bool empty_pattern =
          args[1] == nullptr ? re->pattern().empty() : Str(args[1], row).empty();
      if (empty_pattern && !s.empty()) {
        const int64_t chars = Utf8Length(s);
        const int64_t pieces = (limit < 0 || limit > chars) ? chars : limit;
        size_t pos = 0;
        for (int64_t idx = 0; idx + 1 < pieces; ++idx) {
          size_t len = Utf8Advance(s.substr(pos), 1);
          emit(s.substr(pos, len));
          pos += len;
        }
        emit(s.substr(pos));
      } else {
        size_t index = 0;
        size_t search = 0;
        int64_t emitted = 0;
        bool matched_any = false;
        while (search <= s.size() && re->Match(re2::StringPiece(s.data(), s.size()), search,
                                               s.size(), RE2::UNANCHORED, match, 1)) {
          size_t begin = static_cast<size_t>(match[0].data() - s.data());
          size_t end = begin + match[0].size();
          search = end == begin ? end + 1 : end;
          if (limit > 0 && emitted >= limit - 1) break;
          if (index == 0 && begin == 0 && end == 0) continue;
          matched_any = true;
          emit(s.substr(index, begin - index));
          ++emitted;
          index = end;
        }
        if (!matched_any) {
          emit(s);
        } else {
          emit(s.substr(index));
        }
      }
    }
    offsets.AppendValue<int32_t>(count);
  }
  ValidityBuilder value_validity(count);
  ASSIGN_OR_RETURN(ColumnRef value_column, values.Finish(count, &value_validity));
  int64_t null_count = 0;
  BufferRef bits = validity.Finish(&null_count);
  return Column::Make(type, num_rows, {std::move(bits), offsets.Finish()}, {value_column},
                      null_count);
}

// ---------------------------------------------------------------------------------------------
// LIKE / ILIKE

/// A LIKE pattern, compiled: plain text comparisons when it only has leading/trailing '%',
/// otherwise an anchored RE2.
struct LikeMatcher {
  enum class Kind { kExact, kPrefix, kSuffix, kContains, kRegex } kind = Kind::kRegex;
  std::string literal;
  std::unique_ptr<RE2> re;

  bool Matches(std::string_view s) const {
    switch (kind) {
      case Kind::kExact:
        return s == literal;
      case Kind::kPrefix:
        return s.substr(0, literal.size()) == literal;
      case Kind::kSuffix:
        return s.size() >= literal.size() && s.substr(s.size() - literal.size()) == literal;
      case Kind::kContains:
        return s.find(literal) != std::string_view::npos;
      case Kind::kRegex:
        return RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *re);
    }
    return false;
  }
};

Result<LikeMatcher> CompileLike(std::string_view pattern, char escape, bool case_insensitive) {
  LikeMatcher matcher;
  // Plain text between optional leading and trailing '%'?
  std::string literal;
  bool has_wildcard_inside = false;
  size_t begin = 0;
  size_t end = pattern.size();
  const bool leading = !pattern.empty() && pattern[0] == '%';
  if (leading) begin = 1;
  bool trailing = false;
  if (end > begin && pattern[end - 1] == '%' && (end < 2 || pattern[end - 2] != escape)) {
    trailing = true;
    --end;
  }
  std::string regex = "(?s)";
  for (size_t pos = 0; pos < pattern.size(); ++pos) {
    char c = pattern[pos];
    if (c == escape) {
      if (pos + 1 >= pattern.size()) {
        return Status::Plan("LIKE pattern '{}' ends with the escape character", pattern);
      }
      char next = pattern[++pos];
      if (next != '%' && next != '_' && next != escape) {
        return Status::Plan(
            "LIKE pattern '{}': the escape character must precede '%', '_' or "
            "itself",
            pattern);
      }
      regex += RE2::QuoteMeta(std::string(1, next));
      if (pos >= begin && pos < end) literal.push_back(next);
    } else if (c == '%') {
      regex += ".*";
      if (pos >= begin && pos < end) has_wildcard_inside = true;
    } else if (c == '_') {
      regex += ".";
      has_wildcard_inside = true;
    } else {
      regex += RE2::QuoteMeta(std::string(1, c));
      literal.push_back(c);
    }
  }
  if (!has_wildcard_inside && !case_insensitive) {
    matcher.literal = std::move(literal);
    matcher.kind = leading && trailing ? LikeMatcher::Kind::kContains
                   : leading           ? LikeMatcher::Kind::kSuffix
                   : trailing          ? LikeMatcher::Kind::kPrefix
                                       : LikeMatcher::Kind::kExact;
    return matcher;
  }
  ASSIGN_OR_RETURN(matcher.re, CompileRegex(regex, case_insensitive, true));
  return matcher;
}

struct LikeState {
  std::optional<LikeMatcher> matcher;  // set when the pattern (and escape) are constants
  bool null_pattern = false;
  char escape = '\\';  // when the escape is a constant
};

Result<char> LikeEscape(const Value* escape) {
  if (escape == nullptr || escape->is_null()) return '\\';
  if (escape->string().size() != 1) {
    return Status::Plan("the LIKE escape must be a single character, got '{}'", escape->string());
  }
  return escape->string()[0];
}

template <bool kCaseInsensitive>
PrepareFn PrepareLike() {
  return [](const std::vector<const Value*>& constants) -> Result<std::shared_ptr<const void>> {
    auto state = std::make_shared<LikeState>();
    const Value* escape_value = constants.size() > 2 ? constants[2] : nullptr;
    ASSIGN_OR_RETURN(char escape, LikeEscape(escape_value));
    state->escape = escape;
    if (constants[1] != nullptr && (constants.size() < 3 || constants[2] != nullptr)) {
      if (constants[1]->is_null()) {
        state->null_pattern = true;
      } else {
        ASSIGN_OR_RETURN(LikeMatcher matcher,
                         CompileLike(constants[1]->string(), escape, kCaseInsensitive));
        state->matcher = std::move(matcher);
      }
    }
    return std::shared_ptr<const void>(std::move(state));
  };
}

template <bool kCaseInsensitive>
Result<ColumnRef> LikeKernel(const KernelContext& context, const std::vector<ColumnRef>& args,
                             int64_t num_rows) {
  const auto* state = static_cast<const LikeState*>(context.state);
  if (state->null_pattern) return Column::MakeNull(BooleanType(), num_rows);
  if (state->matcher) {
    const LikeMatcher& matcher = *state->matcher;
    return MapToBoolean(args, num_rows, [&](int64_t row, bool* value) {
      *value = matcher.Matches(Str(args[0], row));
      return true;
    });
  }
  Status error;
  std::string last_pattern;
  std::optional<LikeMatcher> last;
  ASSIGN_OR_RETURN(ColumnRef result, MapToBoolean(args, num_rows, [&](int64_t row, bool* value) {
                     std::string_view pattern = Str(args[1], row);
                     char escape = state->escape;
                     if (args.size() > 2 && args[2] != nullptr) {
                       std::string_view text = Str(args[2], row);
                       if (text.size() != 1) {
                         error = Status::OutOfRange("the LIKE escape must be a single character");
                         return false;
                       }
                       escape = text[0];
                     }
                     if (!last || pattern != last_pattern) {
                       Result<LikeMatcher> compiled =
                           CompileLike(pattern, escape, kCaseInsensitive);
                       if (!compiled.ok()) {
                         error = compiled.status();
                         return false;
                       }
                       last = std::move(*compiled);
                       last_pattern = std::string(pattern);
                     }
                     *value = last->Matches(Str(args[0], row));
                     return true;
                   }));
  RETURN_NOT_OK(error);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Digests

/// Lower-case hex digest of the UTF-8 bytes (md5, sha1, sha2).
Result<ColumnRef> DigestColumn(const EVP_MD* md, const ColumnRef& input, int64_t num_rows) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  static constexpr char kHex[] = "0123456789abcdef";
  Status error;
  std::vector<ColumnRef> args{input};
  const int64_t hex_size = 2 * EVP_MD_size(md);
  ASSIGN_OR_RETURN(ColumnRef result,
                   MapToString(
                       args, num_rows,
                       [&](int64_t row, StringOutput& out) {
                         std::string_view s = input->StringValue(row);
                         unsigned char digest[EVP_MAX_MD_SIZE];
                         unsigned int size = 0;
                         if (EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
                             EVP_DigestUpdate(ctx.get(), s.data(), s.size()) != 1 ||
                             EVP_DigestFinal_ex(ctx.get(), digest, &size) != 1) {
                           error = Status::Internal("digest failed");
                           return false;
                         }
                         char* dst = out.Extend(2 * size);
                         for (unsigned int idx = 0; idx < size; ++idx) {
                           dst[2 * idx] = kHex[digest[idx] >> 4];
                           dst[2 * idx + 1] = kHex[digest[idx] & 15];
                         }
                         out.Commit(2 * size);
                         return true;
                       },
                       hex_size * num_rows));
  RETURN_NOT_OK(error);
  return result;
}

Result<ColumnRef> Md5Kernel(const KernelContext&, const std::vector<ColumnRef>& args,
                            int64_t num_rows) {
  return DigestColumn(EVP_md5(), args[0], num_rows);
}
Result<ColumnRef> Sha1Kernel(const KernelContext&, const std::vector<ColumnRef>& args,
                             int64_t num_rows) {
  return DigestColumn(EVP_sha1(), args[0], num_rows);
}

/// sha2(s, bits): bits 224, 256 (or 0), 384, 512; any other length gives NULL (as Spark).
Result<ColumnRef> Sha2Kernel(const KernelContext&, const std::vector<ColumnRef>& args,
                             int64_t num_rows) {
  // Rows are grouped by bit length (nearly always one constant).
  const int64_t* bits = args[1]->Values<int64_t>();
  auto md_for = [](int64_t bit_length) -> const EVP_MD* {
    switch (bit_length) {
      case 0:
      case 256:
        return EVP_sha256();
      case 224:
        return EVP_sha224();
      case 384:
        return EVP_sha384();
      case 512:
        return EVP_sha512();
      default:
        return nullptr;
    }
  };
  const EVP_MD* first = num_rows > 0 ? md_for(bits[0]) : EVP_sha256();
  bool uniform = true;
  for (int64_t row = 0; row < num_rows && uniform; ++row) {
    uniform = args[1]->IsNull(row) || md_for(bits[row]) == first;
  }
  if (uniform && first != nullptr) {
    ASSIGN_OR_RETURN(ColumnRef digests, DigestColumn(first, args[0], num_rows));
    if (args[1]->null_count() == 0) return digests;
    std::vector<ColumnRef> both{digests, args[1]};
    return MapToString(both, num_rows, [&](int64_t row, StringOutput& out) {
      Append(out, digests->StringValue(row));
      return true;
    });
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  static constexpr char kHex[] = "0123456789abcdef";
  return MapToString(args, num_rows, [&](int64_t row, StringOutput& out) {
    const EVP_MD* md = md_for(bits[row]);
    if (md == nullptr) return false;
    std::string_view s = Str(args[0], row);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestInit_ex(ctx.get(), md, nullptr);
    EVP_DigestUpdate(ctx.get(), s.data(), s.size());
    EVP_DigestFinal_ex(ctx.get(), digest, &size);
    char* dst = out.Extend(2 * size);
    for (unsigned int idx = 0; idx < size; ++idx) {
      dst[2 * idx] = kHex[digest[idx] >> 4];
      dst[2 * idx + 1] = kHex[digest[idx] & 15];
    }
    out.Commit(2 * size);
    return true;
  });
}

FunctionOverload WithPrepare(FunctionOverload overload, PrepareFn prepare, uint32_t state_args) {
  overload.prepare = std::move(prepare);
  overload.state_args = state_args;
  return overload;
}

}  // namespace

void RegisterMoreStringFunctions(FunctionRegistry* registry) {
  const TypeRef s = StringType();
  const TypeRef i64 = Int64Type();
  const TypeRef i32 = Int32Type();
  const TypeRef b = BooleanType();

  RegisterFunction(registry, "lower", {Overload({s}, s, UnicodeCaseKernel<false>)});
  RegisterFunction(registry, "upper", {Overload({s}, s, UnicodeCaseKernel<true>)});
  RegisterFunction(
      registry, "trim",
      {Overload({s}, s, TrimKernel<true, true>), Overload({s, s}, s, TrimKernel<true, true>)},
      {"btrim"});
  RegisterFunction(
      registry, "ltrim",
      {Overload({s}, s, TrimKernel<true, false>), Overload({s, s}, s, TrimKernel<true, false>)});
  RegisterFunction(
      registry, "rtrim",
      {Overload({s}, s, TrimKernel<false, true>), Overload({s, s}, s, TrimKernel<false, true>)});
  RegisterFunction(registry, "substr",
                   {Overload({s, i64}, s, SubstrKernel), Overload({s, i64, i64}, s, SubstrKernel)},
                   {"substring"});
  RegisterFunction(registry, "left", {Overload({s, i64}, s, LeftRightKernel<true>)});
  RegisterFunction(registry, "right", {Overload({s, i64}, s, LeftRightKernel<false>)});
  RegisterFunction(
      registry, "lpad",
      {Overload({s, i64}, s, PadKernel<true>), Overload({s, i64, s}, s, PadKernel<true>)});
  RegisterFunction(
      registry, "rpad",
      {Overload({s, i64}, s, PadKernel<false>), Overload({s, i64, s}, s, PadKernel<false>)});
  RegisterFunction(registry, "reverse", {Overload({s}, s, ReverseKernel)});
  RegisterFunction(registry, "repeat", {Overload({s, i64}, s, RepeatKernel)});
  RegisterFunction(registry, "instr", {Overload({s, s}, i32, PositionKernel<false>)}, {"strpos"});
  RegisterFunction(registry, "locate",
                   {Overload({s, s}, i32, PositionKernel<true>),
                    Overload({s, s, i64}, i32, PositionKernel<true>)},
                   {"position"});
  RegisterFunction(registry, "initcap", {Overload({s}, s, InitCapKernel)});
  RegisterFunction(registry, "ascii", {Overload({s}, i32, AsciiKernel)});
  RegisterFunction(registry, "octet_length", {Overload({s}, i32, OctetLengthKernel)});
  {
    FunctionOverload concat_ws = Overload({s, s}, s, ConcatWsKernel, NullHandling::kPropagate);
    concat_ws.variadic = true;
    FunctionOverload with_array = Overload({s, ListType(s)}, s, ConcatWsKernel);
    FunctionDef def;
    def.name = "concat_ws";
    def.overloads = {with_array, concat_ws};
    def.signature_help = "concat_ws(STRING sep, STRING, ...)";
    // A NULL argument other than the separator is skipped: only the separator propagates NULL.
    def.overloads[0].nulls = NullHandling::kIntroducesNulls;
    def.overloads[1].nulls = NullHandling::kIntroducesNulls;
    fn::MustRegister(registry, std::move(def));
  }
  RegisterFunction(registry, "replace",
                   {Overload({s, s}, s, ReplaceKernel), Overload({s, s, s}, s, ReplaceKernel)});
  RegisterFunction(registry, "split_part",
                   {Overload({s, s, i64}, s, SplitPartKernel, NullHandling::kPropagate)});
  RegisterFunction(registry, "startswith",
                   {Overload({s, s}, b, MatchKernel<MatchKind::kStartsWith>)},
                   {"starts_with", "prefix"});
  RegisterFunction(registry, "endswith", {Overload({s, s}, b, MatchKernel<MatchKind::kEndsWith>)},
                   {"ends_with", "suffix"});
  RegisterFunction(registry, "contains", {Overload({s, s}, b, MatchKernel<MatchKind::kContains>)});

  RegisterFunction(registry, "regexp_like",
                   {WithPrepare(Overload({s, s}, b, RegexpLikeKernel), PreparePattern(), 0b10)},
                   {"rlike", "regexp", "regexp_matches"});
  // A constant pattern and group are checked at plan time (Spark fails at run time).
  PrepareFn prepare_extract =
      [](const std::vector<const Value*>& constants) -> Result<std::shared_ptr<const void>> {
    ASSIGN_OR_RETURN(std::shared_ptr<const void> state, PreparePattern()(constants));
    const RE2* re = static_cast<const RegexState*>(state.get())->re.get();
    const Value* group = constants.size() > 2 ? constants[2] : nullptr;
    if (re != nullptr && (constants.size() == 2 || (group != nullptr && !group->is_null()))) {
      const int64_t index = constants.size() == 2 ? 1 : group->int64();
      if (index < 0 || index > re->NumberOfCapturingGroups()) {
        return Status::Plan(
            "regexp_extract: the pattern '{}' has {} groups, but group {} was "
            "asked for",
            re->pattern(), re->NumberOfCapturingGroups(), index);
      }
    }
    return state;
  };
  RegisterFunction(
      registry, "regexp_extract",
      {WithPrepare(Overload({s, s}, s, RegexpExtractKernel), prepare_extract, 0b10),
       WithPrepare(Overload({s, s, i64}, s, RegexpExtractKernel), prepare_extract, 0b10)});
  RegisterFunction(
      registry, "regexp_extract_all",
      {WithPrepare(Overload({s, s}, ListType(s), RegexpExtractAllKernel), PreparePattern(), 0b10),
       WithPrepare(Overload({s, s, i64}, ListType(s), RegexpExtractAllKernel), PreparePattern(),
                   0b10)});
  {
    PrepareFn prepare =
        [](const std::vector<const Value*>& constants) -> Result<std::shared_ptr<const void>> {
      auto state = std::make_shared<ReplaceState>();
      if (constants[1] != nullptr && !constants[1]->is_null()) {
        ASSIGN_OR_RETURN(state->re, CompileRegex(constants[1]->string()));
      }
      if (constants[2] != nullptr && !constants[2]->is_null()) {
        ASSIGN_OR_RETURN(Rewrite rewrite, ParseJavaReplacement(constants[2]->string()));
        if (state->re && rewrite.max_group > state->re->NumberOfCapturingGroups()) {
          return Status::Plan("regexp_replace: no group {} in the pattern '{}'", rewrite.max_group,
                              constants[1]->string());
        }
        state->rewrite = std::move(rewrite);
      }
      return std::shared_ptr<const void>(std::move(state));
    };
    RegisterFunction(
        registry, "regexp_replace",
        {WithPrepare(Overload({s, s, s}, s, RegexpReplaceKernel), prepare, 0b110),
         WithPrepare(Overload({s, s, s, i64}, s, RegexpReplaceKernel), prepare, 0b110)});
  }
  RegisterFunction(
      registry, "split",
      {WithPrepare(Overload({s, s}, ListType(s), SplitKernel), PreparePattern(), 0b10),
       WithPrepare(Overload({s, s, i64}, ListType(s), SplitKernel), PreparePattern(), 0b10)});
  RegisterFunction(
      registry, "like",
      {WithPrepare(Overload({s, s}, b, LikeKernel<false>), PrepareLike<false>(), 0b110),
       WithPrepare(Overload({s, s, s}, b, LikeKernel<false>), PrepareLike<false>(), 0b110)});
  RegisterFunction(
      registry, "ilike",
      {WithPrepare(Overload({s, s}, b, LikeKernel<true>), PrepareLike<true>(), 0b110),
       WithPrepare(Overload({s, s, s}, b, LikeKernel<true>), PrepareLike<true>(), 0b110)});
  RegisterFunction(registry, "md5", {Overload({s}, s, Md5Kernel)});
  RegisterFunction(registry, "sha1", {Overload({s}, s, Sha1Kernel)}, {"sha"});
  RegisterFunction(registry, "sha2",
                   {Overload({s, i64}, s, Sha2Kernel, NullHandling::kIntroducesNulls)});

  for (auto [alias, name] : {std::pair<std::string_view, std::string_view>{"lcase", "lower"},
                             {"ucase", "upper"},
                             {"char_length", "length"},
                             {"character_length", "length"},
                             {"len", "length"}}) {
    Status status = registry->RegisterAlias(alias, name);
    SLUICE_DCHECK(status.ok(), status.message());
  }
}

}  // namespace sluice
