#include "columnar/value.h"

#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "columnar/builder.h"
#include "common/strings.h"
#include "common/time_util.h"

namespace sluice {

namespace {

// Shortest round-trip text; integral values keep a ".0" so a DOUBLE never reads as an integer
// (DuckDB's spelling: 2.0, 1.5, 0.1, 1e+20).
void AppendDouble(double v, std::string& out) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "Infinity" : "-Infinity";
    return;
  }
  const size_t start = out.size();
  fmt::format_to(std::back_inserter(out), "{}", v);
  bool integral_spelling = true;
  for (size_t i = start; i < out.size(); ++i) {
    char c = out[i];
    if (c != '-' && (c < '0' || c > '9')) {
      integral_spelling = false;
      break;
    }
  }
  if (integral_spelling) out += ".0";
}

template <typename T>
void AppendInt(T v, std::string& out) {
  fmt::format_to(std::back_inserter(out), "{}", v);
}

void AppendValueText(const Value& value, std::string& out);
void AppendValueToBuilder(const Value& value, ColumnBuilder& builder);

}  // namespace

// ---------------------------------------------------------------------------------------------
// Value

Value Value::FromColumn(const Column& column, int64_t row) {
  const TypeRef& type = column.type();
  if (column.IsNull(row)) return Value(type);
  switch (type->id()) {
    case TypeId::kBoolean:
      return Value(type, column.BoolValue(row));
    case TypeId::kInt32:
    case TypeId::kDate:
      return Value(type, column.Values<int32_t>()[row]);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return Value(type, column.Values<int64_t>()[row]);
    case TypeId::kDouble:
      return Value(type, column.Values<double>()[row]);
    case TypeId::kString:
      return Value(type, std::string(column.StringValue(row)));
    case TypeId::kStruct: {
      std::vector<Value> children;
      children.reserve(column.children().size());
      for (const ColumnRef& child : column.children()) {
        children.push_back(FromColumn(*child, column.offset() + row));
      }
      return Value(type, std::move(children));
    }
    case TypeId::kList: {
      const int32_t* offsets = column.Offsets();
      std::vector<Value> elements;
      elements.reserve(static_cast<size_t>(offsets[row + 1] - offsets[row]));
      for (int32_t e = offsets[row]; e < offsets[row + 1]; ++e) {
        elements.push_back(FromColumn(*column.ListValues(), e));
      }
      return Value(type, std::move(elements));
    }
  }
  return Value(type);
}

ColumnRef Value::ToColumn(int64_t length) const {
  auto builder = ColumnBuilder::Make(type_);
  builder->Reserve(length);
  for (int64_t i = 0; i < length; ++i) AppendValueToBuilder(*this, *builder);
  return builder->Finish();
}

ColumnRef MakeColumn(const TypeRef& type, const std::vector<Value>& values) {
  auto builder = ColumnBuilder::Make(type);
  builder->Reserve(static_cast<int64_t>(values.size()));
  for (const Value& value : values) AppendValueToBuilder(value, *builder);
  return builder->Finish();
}

std::string Value::ToString() const {
  std::string out;
  AppendValueText(*this, out);
  return out;
}

bool Value::operator==(const Value& other) const {
  if (!type_->Equals(*other.type_)) return false;
  if (data_.index() != other.data_.index()) return false;
  if (std::holds_alternative<double>(data_)) {
    double a = std::get<double>(data_);
    double b = std::get<double>(other.data_);
    return a == b || (std::isnan(a) && std::isnan(b));
  }
  return data_ == other.data_;
}

namespace {

void AppendValueText(const Value& value, std::string& out) {
  if (value.is_null()) {
    out += "NULL";
    return;
  }
  const DataType& type = *value.type();
  switch (type.id()) {
    case TypeId::kBoolean:
      out += value.boolean() ? "true" : "false";
      break;
    case TypeId::kInt32:
      AppendInt(value.int32(), out);
      break;
    case TypeId::kInt64:
      AppendInt(value.int64(), out);
      break;
    case TypeId::kDouble:
      AppendDouble(value.float64(), out);
      break;
    case TypeId::kString:
      out += value.string();
      break;
    case TypeId::kTimestamp:
      out += FormatTimestampSql(value.int64());
      break;
    case TypeId::kDate:
      out += FormatDate(value.int32());
      break;
    case TypeId::kStruct: {
      out += '{';
      const auto& children = value.children();
      for (size_t i = 0; i < children.size(); ++i) {
        if (i > 0) out += ", ";
        out += type.fields()[i].name;
        out += ": ";
        AppendValueText(children[i], out);
      }
      out += '}';
      break;
    }
    case TypeId::kList: {
      out += '[';
      const auto& children = value.children();
      for (size_t i = 0; i < children.size(); ++i) {
        if (i > 0) out += ", ";
        AppendValueText(children[i], out);
      }
      out += ']';
      break;
    }
  }
}

void AppendValueToBuilder(const Value& value, ColumnBuilder& builder) {
  if (value.is_null()) {
    builder.AppendNull();
    return;
  }
  switch (value.type()->id()) {
    case TypeId::kBoolean:
      static_cast<BooleanBuilder&>(builder).Append(value.boolean());
      break;
    case TypeId::kInt32:
    case TypeId::kDate:
      static_cast<Int32Builder&>(builder).Append(value.int32());
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      static_cast<Int64Builder&>(builder).Append(value.int64());
      break;
    case TypeId::kDouble:
      static_cast<DoubleBuilder&>(builder).Append(value.float64());
      break;
    case TypeId::kString:
      static_cast<StringBuilder&>(builder).Append(value.string());
      break;
    case TypeId::kStruct: {
      auto& struct_builder = static_cast<StructBuilder&>(builder);
      const auto& children = value.children();
      SLUICE_DCHECK(static_cast<int>(children.size()) == struct_builder.num_children(),
                    "STRUCT value with the wrong number of fields");
      for (int i = 0; i < struct_builder.num_children(); ++i) {
        AppendValueToBuilder(children[static_cast<size_t>(i)], *struct_builder.child(i));
      }
      struct_builder.Append();
      break;
    }
    case TypeId::kList: {
      auto& list_builder = static_cast<ListBuilder&>(builder);
      for (const Value& element : value.children()) {
        AppendValueToBuilder(element, *list_builder.values());
      }
      list_builder.Append();
      break;
    }
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Cells

void AppendCellText(const Column& column, int64_t row, std::string& out) {
  if (column.IsNull(row)) {
    out += "NULL";
    return;
  }
  const DataType& type = *column.type();
  switch (type.id()) {
    case TypeId::kBoolean:
      out += column.BoolValue(row) ? "true" : "false";
      break;
    case TypeId::kInt32:
      AppendInt(column.Values<int32_t>()[row], out);
      break;
    case TypeId::kInt64:
      AppendInt(column.Values<int64_t>()[row], out);
      break;
    case TypeId::kDouble:
      AppendDouble(column.Values<double>()[row], out);
      break;
    case TypeId::kString:
      out += column.StringValue(row);
      break;
    case TypeId::kTimestamp:
      out += FormatTimestampSql(column.Values<int64_t>()[row]);
      break;
    case TypeId::kDate:
      out += FormatDate(column.Values<int32_t>()[row]);
      break;
    case TypeId::kStruct: {
      out += '{';
      const int64_t child_row = column.offset() + row;
      for (size_t i = 0; i < column.children().size(); ++i) {
        if (i > 0) out += ", ";
        out += type.fields()[i].name;
        out += ": ";
        AppendCellText(*column.children()[i], child_row, out);
      }
      out += '}';
      break;
    }
    case TypeId::kList: {
      out += '[';
      const int32_t* offsets = column.Offsets();
      for (int32_t e = offsets[row]; e < offsets[row + 1]; ++e) {
        if (e > offsets[row]) out += ", ";
        AppendCellText(*column.ListValues(), e, out);
      }
      out += ']';
      break;
    }
  }
}

void AppendCellJson(const Column& column, int64_t row, std::string& out) {
  if (column.IsNull(row)) {
    out += "null";
    return;
  }
  const DataType& type = *column.type();
  switch (type.id()) {
    case TypeId::kBoolean:
      out += column.BoolValue(row) ? "true" : "false";
      break;
    case TypeId::kInt32:
      AppendInt(column.Values<int32_t>()[row], out);
      break;
    case TypeId::kInt64:
      AppendInt(column.Values<int64_t>()[row], out);
      break;
    case TypeId::kDouble: {
      double v = column.Values<double>()[row];
      if (std::isfinite(v)) {
        AppendDouble(v, out);
      } else {
        out += '"';
        AppendDouble(v, out);
        out += '"';
      }
      break;
    }
    case TypeId::kString:
      AppendJsonString(out, column.StringValue(row));
      break;
    case TypeId::kTimestamp:
      AppendJsonString(out, FormatTimestampIso(column.Values<int64_t>()[row]));
      break;
    case TypeId::kDate:
      AppendJsonString(out, FormatDate(column.Values<int32_t>()[row]));
      break;
    case TypeId::kStruct: {
      out += '{';
      const int64_t child_row = column.offset() + row;
      for (size_t i = 0; i < column.children().size(); ++i) {
        if (i > 0) out += ',';
        AppendJsonString(out, type.fields()[i].name);
        out += ':';
        AppendCellJson(*column.children()[i], child_row, out);
      }
      out += '}';
      break;
    }
    case TypeId::kList: {
      out += '[';
      const int32_t* offsets = column.Offsets();
      for (int32_t e = offsets[row]; e < offsets[row + 1]; ++e) {
        if (e > offsets[row]) out += ',';
        AppendCellJson(*column.ListValues(), e, out);
      }
      out += ']';
      break;
    }
  }
}

std::string BatchToRowsText(const Batch& batch) {
  std::string out;
  for (int64_t row = 0; row < batch.num_rows(); ++row) {
    for (int column_idx = 0; column_idx < batch.num_columns(); ++column_idx) {
      if (column_idx > 0) out += '|';
      AppendCellText(*batch.column(column_idx), row, out);
    }
    out += '\n';
  }
  return out;
}

}  // namespace sluice
