#include "formats/column_writer.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>

namespace sluice {

WriterBuffer& WriterBuffer::operator=(WriterBuffer&& other) noexcept {
  if (this != &other) {
    std::free(data_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    size_hint_ = other.size_hint_;
  }
  return *this;
}

void WriterBuffer::Grow(int64_t additional_bytes) {
  constexpr int64_t kAlignment = 64;
  const int64_t needed = size_ + additional_bytes + kSlack;
  if (needed <= capacity_) return;
  int64_t capacity = std::max<int64_t>({needed, capacity_ * 2, 4 * kAlignment});
  if (data_ == nullptr) capacity = std::max(capacity, size_hint_ + size_hint_ / 8 + kSlack);
  capacity = (capacity + kAlignment - 1) / kAlignment * kAlignment;
  void* fresh = std::aligned_alloc(kAlignment, static_cast<size_t>(capacity));
  if (fresh == nullptr) throw std::bad_alloc();
  auto* bytes = static_cast<uint8_t*>(fresh);
  if (size_ > 0) std::memcpy(bytes, data_, static_cast<size_t>(size_));
  std::free(data_);
  data_ = bytes;
  capacity_ = capacity;
}

void WriterBuffer::Resize(int64_t new_size) {
  if (new_size > size_) {
    if (new_size + kSlack > capacity_) Grow(new_size - size_);
    std::memset(data_ + size_, 0, static_cast<size_t>(new_size - size_));
  }
  size_ = new_size;
}

std::shared_ptr<Buffer> WriterBuffer::Finish() {
  size_hint_ = size_;
  if (data_ == nullptr) return Buffer::AllocateZeroed(0);
  std::memset(data_ + size_, 0, static_cast<size_t>(capacity_ - size_));
  auto buffer = std::make_shared<Buffer>(data_, size_, capacity_);
  data_ = nullptr;
  size_ = 0;
  capacity_ = 0;
  return buffer;
}

void WriterBuffer::Reset() {
  // Keeps the memory (e.g. a validity bitmap Finish() did not need) for the next batch.
  if (size_ > 0) size_hint_ = size_;
  size_ = 0;
}

ColumnWriter::ColumnWriter(TypeRef type) : type_(std::move(type)), id_(type_->id()) {
  if (id_ == TypeId::kStruct) {
    for (const Field& field : type_->fields()) children_.emplace_back(field.type);
  } else if (id_ == TypeId::kList) {
    children_.emplace_back(type_->value_type());
  }
  Reset();
}

void ColumnWriter::Reset() {
  length_ = 0;
  has_validity_ = false;
  validity_.Reset();
  values_.Reset();
  offsets_.Reset();
  data_.Reset();
  if (id_ == TypeId::kString || id_ == TypeId::kList) offsets_.AppendValue<int32_t>(0);
}

void ColumnWriter::StartValidity() {
  has_validity_ = true;
  validity_.Reset();
  validity_.Resize(bit_util::BytesForBits(length_));
  if (length_ > 0) bit_util::SetBitsTo(validity_.mutable_data(), 0, length_, true);
}

void ColumnWriter::AppendNull() {
  if (!has_validity_) StartValidity();
  AppendBit(&validity_, length_, false);
  switch (id_) {
    case TypeId::kBoolean:
      AppendBit(&values_, length_, false);
      break;
    case TypeId::kInt32:
    case TypeId::kDate:
      values_.AppendValue<int32_t>(0);
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      values_.AppendValue<int64_t>(0);
      break;
    case TypeId::kDouble:
      values_.AppendValue<double>(0);
      break;
    case TypeId::kString:
      offsets_.AppendValue(static_cast<int32_t>(data_.size()));
      break;
    case TypeId::kStruct:
      for (ColumnWriter& child : children_) child.AppendNull();
      break;
    case TypeId::kList:
      offsets_.AppendValue(static_cast<int32_t>(children_[0].length()));
      break;
  }
  ++length_;
}

void ColumnWriter::TruncateBits(WriterBuffer* bits, int64_t length) {
  bits->Resize(bit_util::BytesForBits(length));
  if ((length & 7) != 0) {
    // Appends assume the unused bits of the last byte are zero.
    uint8_t* last = bits->mutable_data() + bits->size() - 1;
    *last = static_cast<uint8_t>(*last & ((1u << (length & 7)) - 1));
  }
}

void ColumnWriter::Truncate(int64_t length) {
  // length == length_ still truncates the children: a STRUCT row whose fields were appended but
  // which was not closed yet is taken back this way.
  if (length > length_) return;
  if (has_validity_) TruncateBits(&validity_, length);
  switch (id_) {
    case TypeId::kBoolean:
      TruncateBits(&values_, length);
      break;
    case TypeId::kInt32:
    case TypeId::kDate:
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kDouble:
      values_.Resize(length * type_->byte_width());
      break;
    case TypeId::kString:
      data_.Resize(offsets_.mutable_data_as<int32_t>()[length]);
      offsets_.Resize((length + 1) * static_cast<int64_t>(sizeof(int32_t)));
      break;
    case TypeId::kStruct:
      for (ColumnWriter& child : children_) child.Truncate(length);
      break;
    case TypeId::kList:
      children_[0].Truncate(offsets_.mutable_data_as<int32_t>()[length]);
      offsets_.Resize((length + 1) * static_cast<int64_t>(sizeof(int32_t)));
      break;
  }
  length_ = length;
}

ColumnRef ColumnWriter::Finish() {
  const int64_t length = length_;
  int64_t null_count = !has_validity_ || length == 0
                           ? 0
                           : length - bit_util::CountSetBits(validity_.data(), 0, length);
  BufferRef validity;
  if (null_count > 0) validity = validity_.Finish();
  std::vector<BufferRef> buffers{validity};
  std::vector<ColumnRef> children;
  switch (id_) {
    case TypeId::kString:
      buffers.push_back(offsets_.Finish());
      buffers.push_back(data_.Finish());
      break;
    case TypeId::kStruct:
      for (ColumnWriter& child : children_) children.push_back(child.Finish());
      break;
    case TypeId::kList:
      buffers.push_back(offsets_.Finish());
      children.push_back(children_[0].Finish());
      break;
    default:
      buffers.push_back(values_.Finish());
      break;
  }
  Reset();
  return std::make_shared<const Column>(type_, length, 0, null_count, std::move(buffers),
                                        std::move(children));
}

}  // namespace sluice
