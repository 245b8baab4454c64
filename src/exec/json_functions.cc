// JSON on STRING columns: get_json_object(json, path) (Spark) = json_extract_string (DuckDB), and
// json_extract(json, path) (DuckDB: the JSON text of the value, strings keep their quotes).
//
// JSONPath subset (as Spark): `$`, `.name`, `['name']`, `[n]`, `[*]`. A string value comes back
// unquoted, objects and arrays as compact JSON, JSON null or a missing path as NULL, malformed
// JSON as NULL. With a wildcard, several matches come back as a JSON array, a single one as
// itself (Spark's rule). Parsing is simdjson (DOM, one parser reused for the whole column).
#include <simdjson.h>

#include <memory>
#include <string>
#include <vector>

#include "exec/function_util.h"
#include "exec/kernel_util.h"

namespace sluice {
namespace {

using fn::Overload;
using fn::RegisterFunction;
using kernels::MapToString;
using kernels::StringOutput;

struct PathStep {
  enum class Kind { kKey, kIndex, kWildcard } kind;
  std::string key;
  int64_t index = 0;
};

struct JsonPath {
  std::vector<PathStep> steps;
  bool has_wildcard = false;
};

Result<JsonPath> CompilePath(std::string_view path) {
  JsonPath compiled;
  std::string_view text = path;
  if (text.empty() || text[0] != '$') {
    return Status::Plan("invalid JSON path '{}': it must start with '$'", path);
  }
  size_t pos = 1;
  auto fail = [&]() {
    return Status::Plan("invalid JSON path '{}' at character {}", path, pos + 1);
  };
  while (pos < text.size()) {
    if (text[pos] == '.') {
      ++pos;
      if (pos < text.size() && text[pos] == '*') {
        ++pos;
        compiled.steps.push_back({PathStep::Kind::kWildcard, "", 0});
        compiled.has_wildcard = true;
        continue;
      }
      size_t end = pos;
      while (end < text.size() && text[end] != '.' && text[end] != '[') ++end;
      if (end == pos) return fail();
      compiled.steps.push_back({PathStep::Kind::kKey, std::string(text.substr(pos, end - pos)), 0});
      pos = end;
    } else if (text[pos] == '[') {
      ++pos;
      if (pos < text.size() && (text[pos] == '\'' || text[pos] == '"')) {
        char quote = text[pos++];
        size_t end = text.find(quote, pos);
        if (end == std::string_view::npos || end + 1 >= text.size() || text[end + 1] != ']') {
          return fail();
        }
        compiled.steps.push_back(
            {PathStep::Kind::kKey, std::string(text.substr(pos, end - pos)), 0});
        pos = end + 2;
      } else if (pos < text.size() && text[pos] == '*') {
        if (pos + 1 >= text.size() || text[pos + 1] != ']') return fail();
        compiled.steps.push_back({PathStep::Kind::kWildcard, "", 0});
        compiled.has_wildcard = true;
        pos += 2;
      } else {
        size_t end = pos;
        int64_t index = 0;
        while (end < text.size() && text[end] >= '0' && text[end] <= '9') {
          index = index * 10 + (text[end] - '0');
          if (index > (1 << 30)) return fail();
          ++end;
        }
        if (end == pos || end >= text.size() || text[end] != ']') return fail();
        compiled.steps.push_back({PathStep::Kind::kIndex, "", index});
        pos = end + 1;
      }
    } else {
      return fail();
    }
  }
  return compiled;
}

void Collect(const simdjson::dom::element& element, const std::vector<PathStep>& steps,
             size_t step_idx, std::vector<simdjson::dom::element>* out) {
  if (step_idx == steps.size()) {
    out->push_back(element);
    return;
  }
  const PathStep& step = steps[step_idx];
  switch (step.kind) {
    case PathStep::Kind::kKey: {
      simdjson::dom::object object;
      if (element.get_object().get(object) != simdjson::SUCCESS) return;
      simdjson::dom::element child;
      if (object.at_key(step.key).get(child) != simdjson::SUCCESS) return;
      Collect(child, steps, step_idx + 1, out);
      return;
    }
    case PathStep::Kind::kIndex: {
      simdjson::dom::array array;
      if (element.get_array().get(array) != simdjson::SUCCESS) return;
      simdjson::dom::element child;
      if (array.at(static_cast<size_t>(step.index)).get(child) != simdjson::SUCCESS) return;
      Collect(child, steps, step_idx + 1, out);
      return;
    }
    case PathStep::Kind::kWildcard: {
      simdjson::dom::array array;
      if (element.get_array().get(array) == simdjson::SUCCESS) {
        for (simdjson::dom::element child : array) Collect(child, steps, step_idx + 1, out);
        return;
      }
      simdjson::dom::object object;
      if (element.get_object().get(object) == simdjson::SUCCESS) {
        for (auto field : object) Collect(field.value, steps, step_idx + 1, out);
      }
      return;
    }
  }
}

struct PathState {
  std::optional<JsonPath> path;
  bool null_path = false;
};

PrepareFn PreparePath() {
  return [](const std::vector<const Value*>& constants) -> Result<std::shared_ptr<const void>> {
    auto state = std::make_shared<PathState>();
    if (constants[1] != nullptr) {
      if (constants[1]->is_null()) {
        state->null_path = true;
      } else {
        ASSIGN_OR_RETURN(JsonPath path, CompilePath(constants[1]->string()));
        state->path = std::move(path);
      }
    }
    return std::shared_ptr<const void>(std::move(state));
  };
}

/// kQuoteStrings: json_extract (strings keep their JSON quotes) vs get_json_object.
template <bool kQuoteStrings>
Result<ColumnRef> JsonExtractKernel(const KernelContext& context,
                                    const std::vector<ColumnRef>& args, int64_t num_rows) {
  const auto* state = static_cast<const PathState*>(context.state);
  if (state->null_path) return Column::MakeNull(StringType(), num_rows);
  simdjson::dom::parser parser;
  std::vector<simdjson::dom::element> matches;
  std::optional<JsonPath> row_path;
  std::string row_path_text;
  Status error;
  ASSIGN_OR_RETURN(
      ColumnRef result, MapToString(args, num_rows, [&](int64_t row, StringOutput& out) {
        const JsonPath* path = state->path ? &*state->path : nullptr;
        if (path == nullptr) {
          std::string_view text = args[1]->StringValue(row);
          if (!row_path || text != row_path_text) {
            Result<JsonPath> compiled = CompilePath(text);
            if (!compiled.ok()) return false;  // an invalid path in a column: NULL (as Spark)
            row_path = std::move(*compiled);
            row_path_text = std::string(text);
          }
          path = &*row_path;
        }
        std::string_view json = args[0]->StringValue(row);
        simdjson::dom::element root;
        if (parser.parse(json.data(), json.size(), true).get(root) != simdjson::SUCCESS) {
          return false;
        }
        matches.clear();
        Collect(root, path->steps, 0, &matches);
        if (matches.empty()) return false;
        auto append_element = [&](const simdjson::dom::element& element, bool top) {
          std::string_view text;
          if (!kQuoteStrings && top && element.get_string().get(text) == simdjson::SUCCESS) {
            out.AppendPiece(text.data(), static_cast<int64_t>(text.size()));
            return;
          }
          std::string minified = simdjson::minify(element);
          out.AppendPiece(minified.data(), static_cast<int64_t>(minified.size()));
        };
        if (matches.size() == 1) {
          if (matches[0].is_null()) return false;
          append_element(matches[0], true);
          return true;
        }
        out.AppendPiece("[", 1);
        for (size_t idx = 0; idx < matches.size(); ++idx) {
          if (idx > 0) out.AppendPiece(",", 1);
          append_element(matches[idx], false);
        }
        out.AppendPiece("]", 1);
        return true;
      }));
  RETURN_NOT_OK(error);
  return result;
}

FunctionOverload WithPath(FunctionOverload overload) {
  overload.prepare = PreparePath();
  overload.state_args = 0b10;
  overload.nulls = NullHandling::kIntroducesNulls;
  return overload;
}

}  // namespace

void RegisterJsonFunctions(FunctionRegistry* registry) {
  const TypeRef s = StringType();
  RegisterFunction(registry, "get_json_object",
                   {WithPath(Overload({s, s}, s, JsonExtractKernel<false>))},
                   {"json_extract_string", "json_extract_path_text"});
  RegisterFunction(registry, "json_extract",
                   {WithPath(Overload({s, s}, s, JsonExtractKernel<true>))});
}

}  // namespace sluice
