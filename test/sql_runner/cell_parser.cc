#include "sql_runner/cell_parser.h"

#include <vector>

#include "common/strings.h"
#include "common/time_util.h"

namespace sluice::testing {

namespace {

// Splits "a, b, {c, d}, [e]" at top-level commas.
std::vector<std::string_view> SplitTopLevel(std::string_view text) {
  std::vector<std::string_view> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') --depth;
    if (c == ',' && depth == 0) {
      parts.push_back(Trim(text.substr(start, i - start)));
      start = i + 1;
    }
  }
  std::string_view last = Trim(text.substr(start));
  if (!last.empty() || !parts.empty()) parts.push_back(last);
  return parts;
}

}  // namespace

Status AppendCellFromText(std::string_view text, ColumnBuilder* builder) {
  const DataType& type = *builder->type();
  if (text == "NULL") {
    builder->AppendNull();
    return Status::OK();
  }
  auto bad = [&]() { return Status::Config("cannot read '{}' as {}", text, type.ToString()); };
  switch (type.id()) {
    case TypeId::kBoolean: {
      auto v = ParseBool(text);
      if (!v) return bad();
      static_cast<BooleanBuilder*>(builder)->Append(*v);
      return Status::OK();
    }
    case TypeId::kInt32: {
      auto v = ParseInt64(text);
      if (!v || *v < INT32_MIN || *v > INT32_MAX) return bad();
      static_cast<Int32Builder*>(builder)->Append(static_cast<int32_t>(*v));
      return Status::OK();
    }
    case TypeId::kInt64: {
      auto v = ParseInt64(text);
      if (!v) return bad();
      static_cast<Int64Builder*>(builder)->Append(*v);
      return Status::OK();
    }
    case TypeId::kDouble: {
      auto v = ParseDouble(text);
      if (!v) return bad();
      static_cast<DoubleBuilder*>(builder)->Append(*v);
      return Status::OK();
    }
    case TypeId::kString:
      static_cast<StringBuilder*>(builder)->Append(text == "''" ? std::string_view() : text);
      return Status::OK();
    case TypeId::kTimestamp: {
      auto v = ParseTimestampMicros(text);
      if (!v) return bad();
      static_cast<Int64Builder*>(builder)->Append(*v);
      return Status::OK();
    }
    case TypeId::kDate: {
      auto v = ParseDate(text);
      if (!v) return bad();
      static_cast<Int32Builder*>(builder)->Append(*v);
      return Status::OK();
    }
    case TypeId::kStruct: {
      if (text.size() < 2 || text.front() != '{' || text.back() != '}') return bad();
      auto* struct_builder = static_cast<StructBuilder*>(builder);
      auto parts = SplitTopLevel(text.substr(1, text.size() - 2));
      if (static_cast<int>(parts.size()) != struct_builder->num_children()) return bad();
      for (size_t i = 0; i < parts.size(); ++i) {
        std::string_view part = parts[i];
        size_t colon = part.find(':');
        if (colon == std::string_view::npos) return bad();
        RETURN_NOT_OK(AppendCellFromText(Trim(part.substr(colon + 1)),
                                         struct_builder->child(static_cast<int>(i))));
      }
      struct_builder->Append();
      return Status::OK();
    }
    case TypeId::kList: {
      if (text.size() < 2 || text.front() != '[' || text.back() != ']') return bad();
      auto* list_builder = static_cast<ListBuilder*>(builder);
      for (std::string_view part : SplitTopLevel(text.substr(1, text.size() - 2))) {
        RETURN_NOT_OK(AppendCellFromText(part, list_builder->values()));
      }
      list_builder->Append();
      return Status::OK();
    }
  }
  return bad();
}

}  // namespace sluice::testing
