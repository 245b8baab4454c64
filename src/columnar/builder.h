// Builders: append values row by row (or in bulk) and Finish() into an immutable Column.
// Typical use in a decoder: one builder per column, Reserve(n) once, Append in a loop (no per-value
// allocation), Finish().
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "columnar/buffer.h"
#include "columnar/column.h"
#include "columnar/types.h"

namespace sluice {

class ColumnBuilder {
 public:
  explicit ColumnBuilder(TypeRef type) : type_(std::move(type)) {}
  virtual ~ColumnBuilder() = default;

  /// A builder for any type (nested builders create their children).
  static std::unique_ptr<ColumnBuilder> Make(const TypeRef& type);

  const TypeRef& type() const { return type_; }
  int64_t length() const { return length_; }
  int64_t null_count() const { return null_count_; }

  virtual void Reserve(int64_t additional_rows);
  /// Appends a NULL row (for STRUCT, also a NULL to every child so they stay aligned).
  virtual void AppendNull();
  /// Appends row `row` of `column` (same type), including nested values.
  virtual void AppendFrom(const Column& column, int64_t row) = 0;
  virtual ColumnRef Finish() = 0;

 protected:
  /// Records one row's validity and counts the row. The bitmap exists only once a NULL was seen.
  void AppendValidity(bool valid) {
    if (!has_validity_ && valid) {
      ++length_;
      return;
    }
    AppendValiditySlow(valid);
  }
  void AppendValiditySlow(bool valid);
  /// The validity bitmap (nullptr if no NULL was appended); resets length, nulls and bitmap.
  BufferRef FinishValidity();
  virtual void AppendEmptyValue() = 0;  // the placeholder stored under a NULL

  TypeRef type_;
  int64_t length_ = 0;
  int64_t null_count_ = 0;
  BufferBuilder validity_;  // materialized lazily on the first NULL
  bool has_validity_ = false;
};

/// BOOLEAN.
class BooleanBuilder final : public ColumnBuilder {
 public:
  BooleanBuilder() : ColumnBuilder(BooleanType()) {}
  void Append(bool value);
  void Reserve(int64_t additional_rows) override;
  void AppendFrom(const Column& column, int64_t row) override;
  ColumnRef Finish() override;

 protected:
  void AppendEmptyValue() override;

 private:
  BufferBuilder values_;
  int64_t bits_ = 0;
};

/// INT, BIGINT, DOUBLE, TIMESTAMP (int64 micros), DATE (int32 days).
template <typename T>
class NumericBuilder final : public ColumnBuilder {
 public:
  explicit NumericBuilder(TypeRef type) : ColumnBuilder(std::move(type)) {}
  void Append(T value) {
    values_.AppendValue(value);
    AppendValidity(true);
  }
  void Reserve(int64_t additional_rows) override {
    ColumnBuilder::Reserve(additional_rows);
    values_.Reserve(additional_rows * static_cast<int64_t>(sizeof(T)));
  }
  void AppendFrom(const Column& column, int64_t row) override {
    if (column.IsNull(row)) {
      AppendNull();
    } else {
      Append(column.Values<T>()[row]);
    }
  }
  ColumnRef Finish() override;

 protected:
  void AppendEmptyValue() override { values_.AppendValue(T{}); }

 private:
  BufferBuilder values_;
};

using Int32Builder = NumericBuilder<int32_t>;
using Int64Builder = NumericBuilder<int64_t>;
using DoubleBuilder = NumericBuilder<double>;

/// STRING: bytes are copied into the builder's data buffer.
class StringBuilder final : public ColumnBuilder {
 public:
  StringBuilder();
  void Append(std::string_view value);
  void Reserve(int64_t additional_rows) override;
  void ReserveData(int64_t additional_bytes) { data_.Reserve(additional_bytes); }
  void AppendFrom(const Column& column, int64_t row) override;
  ColumnRef Finish() override;

 protected:
  void AppendEmptyValue() override;

 private:
  BufferBuilder offsets_;
  BufferBuilder data_;
};

/// STRUCT: call child(i) to append each field's value, then Append() to mark the row valid;
/// AppendNull() appends NULL to every child as well.
class StructBuilder final : public ColumnBuilder {
 public:
  explicit StructBuilder(TypeRef type);
  ColumnBuilder* child(int index) { return children_[static_cast<size_t>(index)].get(); }
  int num_children() const { return static_cast<int>(children_.size()); }
  void Append();
  void Reserve(int64_t additional_rows) override;
  void AppendNull() override;
  void AppendFrom(const Column& column, int64_t row) override;
  ColumnRef Finish() override;

 protected:
  void AppendEmptyValue() override {}

 private:
  std::vector<std::unique_ptr<ColumnBuilder>> children_;
};

/// ARRAY<T>: append the elements to values(), then Append() closes the row with every element
/// appended since the previous row.
class ListBuilder final : public ColumnBuilder {
 public:
  explicit ListBuilder(TypeRef type);
  ColumnBuilder* values() { return values_.get(); }
  void Append();
  void Reserve(int64_t additional_rows) override;
  void AppendFrom(const Column& column, int64_t row) override;
  ColumnRef Finish() override;

 protected:
  void AppendEmptyValue() override;

 private:
  std::unique_ptr<ColumnBuilder> values_;
  BufferBuilder offsets_;
};

}  // namespace sluice
