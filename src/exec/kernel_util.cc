#include "exec/kernel_util.h"

#include <cstring>
#include <limits>
#include <memory>

#include "columnar/builder.h"

namespace sluice::kernels {

void ValidityBuilder::Materialize() {
  if (materialized_) return;
  bits_.Resize(bit_util::BytesForBits(length_));
  if (length_ > 0) std::memset(bits_.mutable_data(), 0xFF, static_cast<size_t>(bits_.size()));
  materialized_ = true;
}

void ValidityBuilder::SetAllNull() {
  Materialize();
  if (length_ > 0) std::memset(bits_.mutable_data(), 0, static_cast<size_t>(bits_.size()));
}

void ValidityBuilder::AndWith(const Column& column) {
  if (column.validity() == nullptr || column.null_count() == 0) return;
  Materialize();
  uint8_t* out = bits_.mutable_data();
  const uint8_t* in = column.validity();
  const int64_t offset = column.offset();
  if (offset % 8 == 0) {
    const uint8_t* src = in + offset / 8;
    const int64_t bytes = bit_util::BytesForBits(length_);
    for (int64_t byte_idx = 0; byte_idx < bytes; ++byte_idx) out[byte_idx] &= src[byte_idx];
  } else {
    for (int64_t row = 0; row < length_; ++row) {
      if (!bit_util::GetBit(in, offset + row)) bit_util::ClearBit(out, row);
    }
  }
}

BufferRef ValidityBuilder::Finish(int64_t* null_count) {
  *null_count = 0;
  if (!materialized_) return nullptr;
  const uint8_t* bits = bits_.data();
  int64_t valid = 0;
  const int64_t full_bytes = length_ / 8;
  for (int64_t byte_idx = 0; byte_idx < full_bytes; ++byte_idx) {
    valid += __builtin_popcount(bits[byte_idx]);
  }
  for (int64_t row = full_bytes * 8; row < length_; ++row) valid += bit_util::GetBit(bits, row);
  *null_count = length_ - valid;
  materialized_ = false;
  BufferRef result = bits_.Finish();
  if (*null_count == 0) return nullptr;
  return result;
}

Result<ColumnRef> StringOutput::Finish(int64_t length, ValidityBuilder* validity) {
  if (data_.size() > std::numeric_limits<int32_t>::max()) {
    return Status::OutOfRange("string column larger than 2 GiB");
  }
  int64_t null_count = 0;
  BufferRef bits = validity->Finish(&null_count);
  return Column::Make(StringType(), length, {std::move(bits), offsets_.Finish(), data_.Finish()},
                      {}, null_count);
}

Result<ColumnRef> GatherFrom(const TypeRef& type, const std::vector<const Column*>& sources,
                             const int32_t* source_idx, const int64_t* source_rows,
                             int64_t num_rows) {
  ValidityBuilder validity(num_rows);
  for (int64_t row = 0; row < num_rows; ++row) {
    if (source_idx[row] < 0 ||
        sources[static_cast<size_t>(source_idx[row])]->IsNull(source_rows[row])) {
      validity.SetNull(row);
    }
  }
  auto gather_fixed = [&](auto tag) -> Result<ColumnRef> {
    using T = decltype(tag);
    FixedOutput<T> out(num_rows);
    T* dst = out.data();
    for (int64_t row = 0; row < num_rows; ++row) {
      if (source_idx[row] >= 0) {
        dst[row] = sources[static_cast<size_t>(source_idx[row])]->Values<T>()[source_rows[row]];
      }
    }
    return out.Finish(type, num_rows, &validity);
  };
  switch (type->id()) {
    case TypeId::kBoolean: {
      BooleanOutput out(num_rows);
      for (int64_t row = 0; row < num_rows; ++row) {
        if (source_idx[row] >= 0 &&
            sources[static_cast<size_t>(source_idx[row])]->BoolValue(source_rows[row])) {
          out.Set(row, true);
        }
      }
      return out.Finish(num_rows, &validity);
    }
    case TypeId::kInt32:
    case TypeId::kDate:
      return gather_fixed(int32_t{});
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return gather_fixed(int64_t{});
    case TypeId::kDouble:
      return gather_fixed(double{});
    case TypeId::kString: {
      StringOutput out(num_rows);
      for (int64_t row = 0; row < num_rows; ++row) {
        if (validity.IsValid(row)) {
          std::string_view value =
              sources[static_cast<size_t>(source_idx[row])]->StringValue(source_rows[row]);
          out.AppendPiece(value.data(), static_cast<int64_t>(value.size()));
        }
        out.EndRow();
      }
      return out.Finish(num_rows, &validity);
    }
    case TypeId::kStruct:
    case TypeId::kList: {
      std::unique_ptr<ColumnBuilder> builder = ColumnBuilder::Make(type);
      builder->Reserve(num_rows);
      for (int64_t row = 0; row < num_rows; ++row) {
        if (validity.IsValid(row)) {
          builder->AppendFrom(*sources[static_cast<size_t>(source_idx[row])], source_rows[row]);
        } else {
          builder->AppendNull();
        }
      }
      return builder->Finish();
    }
  }
  return Status::Internal("gather: unsupported type {}", type->ToString());
}

Result<ColumnRef> AndParentValidity(const ColumnRef& column, const Column& parent) {
  if (parent.validity() == nullptr || parent.null_count() == 0) return column;
  const int64_t length = column->length();
  const int64_t offset = column->offset();
  // The new bitmap is addressed like the old one: bit (offset + row).
  BufferBuilder bits;
  bits.Resize(bit_util::BytesForBits(offset + length));
  uint8_t* out = bits.mutable_data();
  int64_t null_count = 0;
  for (int64_t row = 0; row < length; ++row) {
    bool valid = column->IsValid(row) && parent.IsValid(row);
    if (valid) {
      bit_util::SetBit(out, offset + row);
    } else {
      ++null_count;
    }
  }
  std::vector<BufferRef> buffers = column->buffers();
  buffers[0] = bits.Finish();
  return Column::Make(column->type(), length, std::move(buffers), column->children(), null_count,
                      offset);
}

}  // namespace sluice::kernels
