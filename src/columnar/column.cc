#include "columnar/column.h"

#include <bit>
#include <cstdint>
#include <cstring>
#include <utility>

namespace sluice {

namespace {

int ExpectedBufferCount(TypeId id) {
  switch (id) {
    case TypeId::kString:
      return 3;
    case TypeId::kStruct:
      return 1;
    default:
      return 2;
  }
}

int64_t ComputeNullCount(const BufferRef& validity, int64_t offset, int64_t length) {
  if (validity == nullptr || length == 0) return 0;
  return length - bit_util::CountSetBits(validity->data(), offset, length);
}

Status CheckBufferSize(const BufferRef& buffer, int64_t needed, const DataType& type,
                       const char* what) {
  if (buffer == nullptr) {
    if (needed == 0) return Status::OK();
    return Status::Internal("{} column: {} buffer is missing ({} bytes needed)", type.ToString(),
                            what, needed);
  }
  if (buffer->size() < needed) {
    return Status::Internal("{} column: {} buffer has {} bytes, {} needed", type.ToString(), what,
                            buffer->size(), needed);
  }
  return Status::OK();
}

// Offsets of [offset, offset + length] must be non-negative and non-decreasing; returns the last.
Result<int32_t> CheckOffsets(const int32_t* offsets, int64_t offset, int64_t length,
                             const DataType& type) {
  const int32_t* p = offsets + offset;
  if (p[0] < 0) return Status::Internal("{} column: negative offset {}", type.ToString(), p[0]);
  bool ok = true;
  for (int64_t i = 0; i < length; ++i) ok &= p[i] <= p[i + 1];
  if (!ok) return Status::Internal("{} column: offsets are not monotonic", type.ToString());
  return p[length];
}

// A length-0 (or offset+length 0) column may come without value buffers (Arrow allows it); give
// it empty ones so accessors never dereference a null BufferRef.
BufferRef EmptyBuffer() {
  static const BufferRef kEmpty = Buffer::AllocateZeroed(64);
  return kEmpty;
}

}  // namespace

Column::Column(TypeRef type, int64_t length, int64_t offset, int64_t null_count,
               std::vector<BufferRef> buffers, std::vector<ColumnRef> children)
    : type_(std::move(type)),
      length_(length),
      offset_(offset),
      null_count_(null_count),
      buffers_(std::move(buffers)),
      children_(std::move(children)),
      validity_(nullptr) {
  const BufferRef& validity = buffers_.empty() ? nullptr : buffers_[0];
  if (null_count_ < 0) null_count_ = ComputeNullCount(validity, offset_, length_);
  if (validity != nullptr && null_count_ > 0) validity_ = validity->data();
}

Result<ColumnRef> Column::Make(TypeRef type, int64_t length, std::vector<BufferRef> buffers,
                               std::vector<ColumnRef> children, int64_t null_count,
                               int64_t offset) {
  if (type == nullptr) return Status::Internal("column without a type");
  const DataType& t = *type;
  if (length < 0 || offset < 0) {
    return Status::Internal("{} column: negative length {} or offset {}", t.ToString(), length,
                            offset);
  }
  const int expected_buffers = ExpectedBufferCount(t.id());
  if (static_cast<int>(buffers.size()) != expected_buffers) {
    return Status::Internal("{} column: {} buffers given, {} expected", t.ToString(),
                            buffers.size(), expected_buffers);
  }
  const int64_t end = offset + length;
  RETURN_NOT_OK(CheckBufferSize(buffers[0], 0, t, "validity"));
  if (buffers[0] != nullptr) {
    RETURN_NOT_OK(CheckBufferSize(buffers[0], bit_util::BytesForBits(end), t, "validity"));
  }
  if (null_count > length) {
    return Status::Internal("{} column: null count {} exceeds length {}", t.ToString(), null_count,
                            length);
  }
  if (null_count > 0 && buffers[0] == nullptr) {
    return Status::Internal("{} column: {} nulls but no validity buffer", t.ToString(), null_count);
  }

  size_t expected_children = 0;
  switch (t.id()) {
    case TypeId::kBoolean:
      if (buffers[1] == nullptr && end == 0) buffers[1] = EmptyBuffer();
      RETURN_NOT_OK(CheckBufferSize(buffers[1], bit_util::BytesForBits(end), t, "values"));
      break;
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDouble:
    case TypeId::kTimestamp:
    case TypeId::kDate:
      if (buffers[1] == nullptr && end == 0) buffers[1] = EmptyBuffer();
      RETURN_NOT_OK(CheckBufferSize(buffers[1], end * t.byte_width(), t, "values"));
      break;
    case TypeId::kString:
    case TypeId::kList: {
      if (buffers[1] == nullptr && end == 0) buffers[1] = EmptyBuffer();  // zero offsets
      RETURN_NOT_OK(CheckBufferSize(buffers[1], (end + 1) * 4, t, "offsets"));
      ASSIGN_OR_RETURN(int32_t last,
                       CheckOffsets(buffers[1]->data_as<int32_t>(), offset, length, t));
      if (t.id() == TypeId::kString) {
        if (buffers[2] == nullptr && last == 0) buffers[2] = EmptyBuffer();
        RETURN_NOT_OK(CheckBufferSize(buffers[2], last, t, "data"));
      } else {
        expected_children = 1;
        if (children.size() == 1 && children[0] != nullptr && children[0]->length() < last) {
          return Status::Internal("{} column: values child has {} rows, offsets need {}",
                                  t.ToString(), children[0]->length(), last);
        }
      }
      break;
    }
    case TypeId::kStruct:
      expected_children = t.fields().size();
      break;
  }
  if (children.size() != expected_children) {
    return Status::Internal("{} column: {} children given, {} expected", t.ToString(),
                            children.size(), expected_children);
  }
  for (size_t i = 0; i < children.size(); ++i) {
    if (children[i] == nullptr) {
      return Status::Internal("{} column: child {} is missing", t.ToString(), i);
    }
    const TypeRef& child_type = t.id() == TypeId::kList ? t.value_type() : t.fields()[i].type;
    if (!children[i]->type()->Equals(*child_type)) {
      return Status::Internal("{} column: child {} has type {}, expected {}", t.ToString(), i,
                              children[i]->type()->ToString(), child_type->ToString());
    }
    if (t.id() == TypeId::kStruct && children[i]->length() < end) {
      return Status::Internal("{} column: child {} ('{}') has {} rows, {} needed", t.ToString(), i,
                              t.fields()[i].name, children[i]->length(), end);
    }
  }
  return std::make_shared<const Column>(std::move(type), length, offset, null_count,
                                        std::move(buffers), std::move(children));
}

ColumnRef Column::MakeNull(TypeRef type, int64_t length) {
  BufferRef validity = Buffer::AllocateZeroed(bit_util::BytesForBits(length));
  std::vector<BufferRef> buffers{validity};
  std::vector<ColumnRef> children;
  switch (type->id()) {
    case TypeId::kBoolean:
      buffers.push_back(Buffer::AllocateZeroed(bit_util::BytesForBits(length)));
      break;
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDouble:
    case TypeId::kTimestamp:
    case TypeId::kDate:
      buffers.push_back(Buffer::AllocateZeroed(length * type->byte_width()));
      break;
    case TypeId::kString:
      buffers.push_back(Buffer::AllocateZeroed((length + 1) * 4));
      buffers.push_back(Buffer::AllocateZeroed(0));
      break;
    case TypeId::kStruct:
      for (const Field& field : type->fields()) children.push_back(MakeNull(field.type, length));
      break;
    case TypeId::kList:
      buffers.push_back(Buffer::AllocateZeroed((length + 1) * 4));
      children.push_back(MakeNull(type->value_type(), 0));
      break;
  }
  return std::make_shared<const Column>(std::move(type), length, 0, length, std::move(buffers),
                                        std::move(children));
}

ColumnRef Column::StructField(int index) const {
  const ColumnRef& child = children_[static_cast<size_t>(index)];
  if (offset_ == 0 && child->length() == length_) return child;
  return child->Slice(offset_, length_);
}

ColumnRef Column::Slice(int64_t offset, int64_t length) const {
  SLUICE_DCHECK(offset >= 0 && length >= 0 && offset + length <= length_,
                "slice out of the column's bounds");
  int64_t null_count;
  if (null_count_ == 0) {
    null_count = 0;
  } else if (null_count_ == length_) {
    null_count = length;
  } else {
    null_count = -1;  // recomputed from the bitmap by the constructor
  }
  return std::make_shared<const Column>(type_, length, offset_ + offset, null_count, buffers_,
                                        children_);
}

// ---------------------------------------------------------------------------------------------
// Take

namespace {

// Gathers the validity bits of `indices`; returns nullptr (and 0 nulls) if the column has none.
BufferRef TakeValidity(const Column& column, const int32_t* indices, int64_t count,
                       int64_t* null_count) {
  *null_count = 0;
  if (column.null_count() == 0) return nullptr;
  auto out = Buffer::AllocateZeroed(bit_util::BytesForBits(count));
  uint8_t* bits = const_cast<uint8_t*>(out->data());
  const uint8_t* in = column.validity();
  const int64_t base = column.offset();
  int64_t valid = 0;
  int64_t i = 0;
  for (; i + 8 <= count; i += 8) {
    unsigned byte = 0;
    for (int b = 0; b < 8; ++b) {
      byte |= static_cast<unsigned>(bit_util::GetBit(in, base + indices[i + b])) << b;
    }
    bits[i >> 3] = static_cast<uint8_t>(byte);
    valid += std::popcount(byte);
  }
  for (; i < count; ++i) {
    bool v = bit_util::GetBit(in, base + indices[i]);
    if (v) bit_util::SetBit(bits, i);
    valid += v;
  }
  *null_count = count - valid;
  return out;
}

template <typename T>
BufferRef GatherFixed(const uint8_t* values, const int32_t* indices, int64_t count) {
  auto out = Buffer::AllocateZeroed(count * static_cast<int64_t>(sizeof(T)));
  const T* in = reinterpret_cast<const T*>(values);
  T* dst = reinterpret_cast<T*>(const_cast<uint8_t*>(out->data()));
  for (int64_t i = 0; i < count; ++i) dst[i] = in[indices[i]];
  return out;
}

BufferRef GatherBits(const uint8_t* bits, int64_t base, const int32_t* indices, int64_t count) {
  auto out = Buffer::AllocateZeroed(bit_util::BytesForBits(count));
  uint8_t* dst = const_cast<uint8_t*>(out->data());
  int64_t i = 0;
  for (; i + 8 <= count; i += 8) {
    unsigned byte = 0;
    for (int b = 0; b < 8; ++b) {
      byte |= static_cast<unsigned>(bit_util::GetBit(bits, base + indices[i + b])) << b;
    }
    dst[i >> 3] = static_cast<uint8_t>(byte);
  }
  for (; i < count; ++i) {
    if (bit_util::GetBit(bits, base + indices[i])) bit_util::SetBit(dst, i);
  }
  return out;
}

uint8_t* MutableData(const BufferRef& buffer) { return const_cast<uint8_t*>(buffer->data()); }

}  // namespace

ColumnRef Take(const Column& column, const int32_t* indices, int64_t count) {
  int64_t null_count = 0;
  BufferRef validity = TakeValidity(column, indices, count, &null_count);
  std::vector<BufferRef> buffers{validity};
  std::vector<ColumnRef> children;
  const TypeRef& type = column.type();
  switch (type->id()) {
    case TypeId::kBoolean:
      buffers.push_back(GatherBits(column.buffers()[1]->data(), column.offset(), indices, count));
      break;
    case TypeId::kInt32:
    case TypeId::kDate:
      buffers.push_back(GatherFixed<uint32_t>(
          reinterpret_cast<const uint8_t*>(column.Values<uint32_t>()), indices, count));
      break;
    case TypeId::kInt64:
    case TypeId::kDouble:
    case TypeId::kTimestamp:
      buffers.push_back(GatherFixed<uint64_t>(
          reinterpret_cast<const uint8_t*>(column.Values<uint64_t>()), indices, count));
      break;
    case TypeId::kString: {
      const int32_t* in_offsets = column.Offsets();
      auto offsets = Buffer::AllocateZeroed((count + 1) * 4);
      int32_t* out_offsets = reinterpret_cast<int32_t*>(MutableData(offsets));
      int64_t total = 0;
      out_offsets[0] = 0;
      for (int64_t i = 0; i < count; ++i) {
        int32_t row = indices[i];
        total += in_offsets[row + 1] - in_offsets[row];
        out_offsets[i + 1] = static_cast<int32_t>(total);
      }
      SLUICE_DCHECK(total <= INT32_MAX, "STRING column larger than 2 GiB");
      auto data = Buffer::AllocateZeroed(total);
      uint8_t* out = MutableData(data);
      const uint8_t* in = column.buffers()[2]->data();
      for (int64_t i = 0; i < count; ++i) {
        int32_t row = indices[i];
        int32_t start = in_offsets[row];
        int32_t len = in_offsets[row + 1] - start;
        if (len > 0) std::memcpy(out + out_offsets[i], in + start, static_cast<size_t>(len));
      }
      buffers.push_back(std::move(offsets));
      buffers.push_back(std::move(data));
      break;
    }
    case TypeId::kStruct: {
      // Child rows live at (struct offset + row) in each child; gather them directly.
      const int num_fields = static_cast<int>(type->fields().size());
      std::vector<int32_t> shifted;
      const int32_t* child_indices = indices;
      if (column.offset() != 0) {
        shifted.resize(static_cast<size_t>(count));
        for (int64_t i = 0; i < count; ++i) {
          shifted[static_cast<size_t>(i)] = static_cast<int32_t>(indices[i] + column.offset());
        }
        child_indices = shifted.data();
      }
      for (int field_idx = 0; field_idx < num_fields; ++field_idx) {
        children.push_back(
            Take(*column.children()[static_cast<size_t>(field_idx)], child_indices, count));
      }
      break;
    }
    case TypeId::kList: {
      const int32_t* in_offsets = column.Offsets();
      auto offsets = Buffer::AllocateZeroed((count + 1) * 4);
      int32_t* out_offsets = reinterpret_cast<int32_t*>(MutableData(offsets));
      int64_t total = 0;
      out_offsets[0] = 0;
      for (int64_t i = 0; i < count; ++i) {
        int32_t row = indices[i];
        total += in_offsets[row + 1] - in_offsets[row];
        out_offsets[i + 1] = static_cast<int32_t>(total);
      }
      SLUICE_DCHECK(total <= INT32_MAX, "ARRAY column with more than 2^31 elements");
      std::vector<int32_t> element_indices(static_cast<size_t>(total));
      size_t pos = 0;
      for (int64_t i = 0; i < count; ++i) {
        int32_t row = indices[i];
        for (int32_t e = in_offsets[row]; e < in_offsets[row + 1]; ++e) element_indices[pos++] = e;
      }
      buffers.push_back(std::move(offsets));
      children.push_back(Take(*column.ListValues(), element_indices.data(), total));
      break;
    }
  }
  return std::make_shared<const Column>(type, count, 0, null_count, std::move(buffers),
                                        std::move(children));
}

// ---------------------------------------------------------------------------------------------
// Concatenate

Result<ColumnRef> Concatenate(const std::vector<ColumnRef>& columns) {
  if (columns.empty()) return Status::Internal("Concatenate needs at least one column");
  const TypeRef& type = columns[0]->type();
  int64_t total_length = 0;
  int64_t total_nulls = 0;
  for (const ColumnRef& column : columns) {
    if (!column->type()->Equals(*type)) {
      return Status::Internal("cannot concatenate a {} column to a {} column",
                              column->type()->ToString(), type->ToString());
    }
    total_length += column->length();
    total_nulls += column->null_count();
  }
  if (columns.size() == 1) return columns[0];

  BufferRef validity;
  if (total_nulls > 0) {
    validity = Buffer::AllocateZeroed(bit_util::BytesForBits(total_length));
    uint8_t* bits = MutableData(validity);
    int64_t pos = 0;
    for (const ColumnRef& column : columns) {
      if (column->null_count() == 0) {
        bit_util::SetBitsTo(bits, pos, column->length(), true);
      } else {
        bit_util::CopyBitmap(column->validity(), column->offset(), column->length(), bits, pos);
      }
      pos += column->length();
    }
  }
  std::vector<BufferRef> buffers{validity};
  std::vector<ColumnRef> children;
  switch (type->id()) {
    case TypeId::kBoolean: {
      auto values = Buffer::AllocateZeroed(bit_util::BytesForBits(total_length));
      int64_t pos = 0;
      for (const ColumnRef& column : columns) {
        bit_util::CopyBitmap(column->buffers()[1]->data(), column->offset(), column->length(),
                             MutableData(values), pos);
        pos += column->length();
      }
      buffers.push_back(std::move(values));
      break;
    }
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDouble:
    case TypeId::kTimestamp:
    case TypeId::kDate: {
      const int64_t width = type->byte_width();
      auto values = Buffer::AllocateZeroed(total_length * width);
      uint8_t* out = MutableData(values);
      for (const ColumnRef& column : columns) {
        int64_t bytes = column->length() * width;
        if (bytes > 0) {
          std::memcpy(out, column->buffers()[1]->data() + column->offset() * width,
                      static_cast<size_t>(bytes));
        }
        out += bytes;
      }
      buffers.push_back(std::move(values));
      break;
    }
    case TypeId::kString:
    case TypeId::kList: {
      auto offsets = Buffer::AllocateZeroed((total_length + 1) * 4);
      int32_t* out_offsets = reinterpret_cast<int32_t*>(MutableData(offsets));
      int64_t base = 0;
      int64_t row = 0;
      out_offsets[0] = 0;
      std::vector<ColumnRef> value_slices;
      for (const ColumnRef& column : columns) {
        const int32_t* in = column->Offsets();
        const int32_t first = in[0];
        for (int64_t i = 1; i <= column->length(); ++i) {
          out_offsets[row + i] = static_cast<int32_t>(base + (in[i] - first));
        }
        int64_t span = in[column->length()] - first;
        if (type->id() == TypeId::kList) {
          value_slices.push_back(column->ListValues()->Slice(first, span));
        }
        base += span;
        row += column->length();
      }
      if (base > INT32_MAX) {
        return Status::OutOfRange("concatenated {} column exceeds 2^31 bytes or elements",
                                  type->ToString());
      }
      buffers.push_back(std::move(offsets));
      if (type->id() == TypeId::kString) {
        auto data = Buffer::AllocateZeroed(base);
        uint8_t* out = MutableData(data);
        for (const ColumnRef& column : columns) {
          const int32_t* in = column->Offsets();
          int64_t span = in[column->length()] - in[0];
          if (span > 0) {
            std::memcpy(out, column->buffers()[2]->data() + in[0], static_cast<size_t>(span));
          }
          out += span;
        }
        buffers.push_back(std::move(data));
      } else {
        ASSIGN_OR_RETURN(ColumnRef values, Concatenate(value_slices));
        children.push_back(std::move(values));
      }
      break;
    }
    case TypeId::kStruct: {
      const int num_fields = static_cast<int>(type->fields().size());
      for (int field_idx = 0; field_idx < num_fields; ++field_idx) {
        std::vector<ColumnRef> parts;
        parts.reserve(columns.size());
        for (const ColumnRef& column : columns) parts.push_back(column->StructField(field_idx));
        ASSIGN_OR_RETURN(ColumnRef child, Concatenate(parts));
        children.push_back(std::move(child));
      }
      break;
    }
  }
  return std::make_shared<const Column>(type, total_length, 0, total_nulls, std::move(buffers),
                                        std::move(children));
}

}  // namespace sluice
