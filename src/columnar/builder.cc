#include "columnar/builder.h"

#include <utility>

namespace sluice {

// ---------------------------------------------------------------------------------------------
// ColumnBuilder

void ColumnBuilder::Reserve(int64_t additional_rows) {
  if (has_validity_) {
    validity_.Reserve(bit_util::BytesForBits(length_ + additional_rows) - validity_.size());
  }
}

void ColumnBuilder::AppendNull() {
  AppendValidity(false);
  AppendEmptyValue();
}

void ColumnBuilder::AppendValiditySlow(bool valid) {
  if (!has_validity_) {
    // First NULL: materialize the bitmap, every earlier row valid.
    validity_.Resize(bit_util::BytesForBits(length_ + 1));
    bit_util::SetBitsTo(validity_.mutable_data(), 0, length_, true);
    has_validity_ = true;
  } else if ((length_ & 7) == 0) {
    validity_.AppendValue<uint8_t>(0);
  }
  if (valid) {
    bit_util::SetBit(validity_.mutable_data(), length_);
  } else {
    ++null_count_;
  }
  ++length_;
}

BufferRef ColumnBuilder::FinishValidity() {
  BufferRef result;
  if (has_validity_) result = validity_.Finish();
  has_validity_ = false;
  length_ = 0;
  null_count_ = 0;
  return result;
}

std::unique_ptr<ColumnBuilder> ColumnBuilder::Make(const TypeRef& type) {
  switch (type->id()) {
    case TypeId::kBoolean:
      return std::make_unique<BooleanBuilder>();
    case TypeId::kInt32:
    case TypeId::kDate:
      return std::make_unique<NumericBuilder<int32_t>>(type);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return std::make_unique<NumericBuilder<int64_t>>(type);
    case TypeId::kDouble:
      return std::make_unique<NumericBuilder<double>>(type);
    case TypeId::kString:
      return std::make_unique<StringBuilder>();
    case TypeId::kStruct:
      return std::make_unique<StructBuilder>(type);
    case TypeId::kList:
      return std::make_unique<ListBuilder>(type);
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// BooleanBuilder

void BooleanBuilder::Append(bool value) {
  AppendEmptyValue();
  if (value) bit_util::SetBit(values_.mutable_data(), bits_ - 1);
  AppendValidity(true);
}

void BooleanBuilder::AppendEmptyValue() {
  if ((bits_ & 7) == 0) values_.AppendValue<uint8_t>(0);
  ++bits_;
}

void BooleanBuilder::Reserve(int64_t additional_rows) {
  ColumnBuilder::Reserve(additional_rows);
  values_.Reserve(bit_util::BytesForBits(bits_ + additional_rows) - values_.size());
}

void BooleanBuilder::AppendFrom(const Column& column, int64_t row) {
  if (column.IsNull(row)) {
    AppendNull();
  } else {
    Append(column.BoolValue(row));
  }
}

ColumnRef BooleanBuilder::Finish() {
  const int64_t length = length_;
  const int64_t null_count = null_count_;
  BufferRef validity = FinishValidity();
  BufferRef values = values_.Finish();
  bits_ = 0;
  return std::make_shared<const Column>(type_, length, 0, null_count,
                                        std::vector<BufferRef>{validity, values},
                                        std::vector<ColumnRef>{});
}

// ---------------------------------------------------------------------------------------------
// NumericBuilder

template <typename T>
ColumnRef NumericBuilder<T>::Finish() {
  const int64_t length = length_;
  const int64_t null_count = null_count_;
  BufferRef validity = FinishValidity();
  BufferRef values = values_.Finish();
  return std::make_shared<const Column>(type_, length, 0, null_count,
                                        std::vector<BufferRef>{validity, values},
                                        std::vector<ColumnRef>{});
}

template class NumericBuilder<int32_t>;
template class NumericBuilder<int64_t>;
template class NumericBuilder<double>;

// ---------------------------------------------------------------------------------------------
// StringBuilder

StringBuilder::StringBuilder() : ColumnBuilder(StringType()) { offsets_.AppendValue<int32_t>(0); }

void StringBuilder::Append(std::string_view value) {
  data_.Append(value.data(), static_cast<int64_t>(value.size()));
  SLUICE_DCHECK(data_.size() <= INT32_MAX, "STRING column larger than 2 GiB");
  offsets_.AppendValue(static_cast<int32_t>(data_.size()));
  AppendValidity(true);
}

void StringBuilder::AppendEmptyValue() { offsets_.AppendValue(static_cast<int32_t>(data_.size())); }

void StringBuilder::Reserve(int64_t additional_rows) {
  ColumnBuilder::Reserve(additional_rows);
  offsets_.Reserve(additional_rows * 4);
}

void StringBuilder::AppendFrom(const Column& column, int64_t row) {
  if (column.IsNull(row)) {
    AppendNull();
  } else {
    Append(column.StringValue(row));
  }
}

ColumnRef StringBuilder::Finish() {
  const int64_t length = length_;
  const int64_t null_count = null_count_;
  BufferRef validity = FinishValidity();
  BufferRef offsets = offsets_.Finish();
  BufferRef data = data_.Finish();
  offsets_.AppendValue<int32_t>(0);
  return std::make_shared<const Column>(type_, length, 0, null_count,
                                        std::vector<BufferRef>{validity, offsets, data},
                                        std::vector<ColumnRef>{});
}

// ---------------------------------------------------------------------------------------------
// StructBuilder

StructBuilder::StructBuilder(TypeRef type) : ColumnBuilder(std::move(type)) {
  for (const Field& field : type_->fields()) children_.push_back(ColumnBuilder::Make(field.type));
}

void StructBuilder::Append() { AppendValidity(true); }

void StructBuilder::Reserve(int64_t additional_rows) {
  ColumnBuilder::Reserve(additional_rows);
  for (auto& child : children_) child->Reserve(additional_rows);
}

void StructBuilder::AppendNull() {
  AppendValidity(false);
  for (auto& child : children_) child->AppendNull();
}

void StructBuilder::AppendFrom(const Column& column, int64_t row) {
  if (column.IsNull(row)) {
    AppendNull();
    return;
  }
  // Children are indexed with the struct's slice offset applied (Arrow semantics).
  const int64_t child_row = column.offset() + row;
  for (size_t i = 0; i < children_.size(); ++i) {
    children_[i]->AppendFrom(*column.children()[i], child_row);
  }
  Append();
}

ColumnRef StructBuilder::Finish() {
  const int64_t length = length_;
  const int64_t null_count = null_count_;
  BufferRef validity = FinishValidity();
  std::vector<ColumnRef> children;
  children.reserve(children_.size());
  for (auto& child : children_) children.push_back(child->Finish());
  return std::make_shared<const Column>(type_, length, 0, null_count,
                                        std::vector<BufferRef>{validity}, std::move(children));
}

// ---------------------------------------------------------------------------------------------
// ListBuilder

ListBuilder::ListBuilder(TypeRef type)
    : ColumnBuilder(std::move(type)), values_(ColumnBuilder::Make(type_->value_type())) {
  offsets_.AppendValue<int32_t>(0);
}

void ListBuilder::Append() {
  SLUICE_DCHECK(values_->length() <= INT32_MAX, "ARRAY column with more than 2^31 elements");
  offsets_.AppendValue(static_cast<int32_t>(values_->length()));
  AppendValidity(true);
}

void ListBuilder::AppendEmptyValue() {
  offsets_.AppendValue(static_cast<int32_t>(values_->length()));
}

void ListBuilder::Reserve(int64_t additional_rows) {
  ColumnBuilder::Reserve(additional_rows);
  offsets_.Reserve(additional_rows * 4);
}

void ListBuilder::AppendFrom(const Column& column, int64_t row) {
  if (column.IsNull(row)) {
    AppendNull();
    return;
  }
  const int32_t* offsets = column.Offsets();
  const Column& elements = *column.ListValues();
  for (int32_t e = offsets[row]; e < offsets[row + 1]; ++e) values_->AppendFrom(elements, e);
  Append();
}

ColumnRef ListBuilder::Finish() {
  const int64_t length = length_;
  const int64_t null_count = null_count_;
  BufferRef validity = FinishValidity();
  BufferRef offsets = offsets_.Finish();
  offsets_.AppendValue<int32_t>(0);
  ColumnRef values = values_->Finish();
  return std::make_shared<const Column>(type_, length, 0, null_count,
                                        std::vector<BufferRef>{validity, offsets},
                                        std::vector<ColumnRef>{std::move(values)});
}

}  // namespace sluice
