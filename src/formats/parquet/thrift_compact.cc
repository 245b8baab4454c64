#include "formats/parquet/thrift_compact.h"

namespace sluice::parquet {

namespace {
constexpr int kMaxDepth = 32;
}  // namespace

void CompactWriter::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out_->push_back(static_cast<char>(v));
}

void CompactWriter::FieldHeader(int16_t id, ThriftType type) {
  const int delta = id - last_id_;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    Varint(ZigZag(id));
  }
  last_id_ = id;
}

void CompactWriter::BeginStruct() {
  id_stack_.push_back(last_id_);
  last_id_ = 0;
}

void CompactWriter::EndStruct() {
  out_->push_back(static_cast<char>(ThriftType::kStop));
  last_id_ = id_stack_.empty() ? 0 : id_stack_.back();
  if (!id_stack_.empty()) id_stack_.pop_back();
}

void CompactWriter::FieldI8(int16_t id, int8_t value) {
  FieldHeader(id, ThriftType::kByte);
  out_->push_back(static_cast<char>(value));
}

void CompactWriter::FieldI16(int16_t id, int16_t value) {
  FieldHeader(id, ThriftType::kI16);
  Varint(ZigZag(value));
}

void CompactWriter::FieldI32(int16_t id, int32_t value) {
  FieldHeader(id, ThriftType::kI32);
  Varint(ZigZag(value));
}

void CompactWriter::FieldI64(int16_t id, int64_t value) {
  FieldHeader(id, ThriftType::kI64);
  Varint(ZigZag(value));
}

void CompactWriter::FieldBool(int16_t id, bool value) {
  FieldHeader(id, value ? ThriftType::kBoolTrue : ThriftType::kBoolFalse);
}

void CompactWriter::FieldBinary(int16_t id, std::string_view value) {
  FieldHeader(id, ThriftType::kBinary);
  ElementBinary(value);
}

void CompactWriter::ElementBinary(std::string_view value) {
  Varint(value.size());
  out_->append(value);
}

void CompactWriter::FieldStructBegin(int16_t id) {
  FieldHeader(id, ThriftType::kStruct);
  BeginStruct();
}

void CompactWriter::FieldListBegin(int16_t id, ThriftType element, int64_t size) {
  FieldHeader(id, ThriftType::kList);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | static_cast<int>(element)));
  } else {
    out_->push_back(static_cast<char>(0xF0 | static_cast<int>(element)));
    Varint(static_cast<uint64_t>(size));
  }
}

Status CompactReader::Varint(uint64_t* value) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= end_) return Status::Decode("thrift: truncated varint");
    const uint8_t byte = *pos_++;
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *value = result;
      return Status::OK();
    }
  }
  return Status::Decode("thrift: varint longer than 10 bytes");
}

Status CompactReader::BeginStruct() {
  if (id_stack_.size() >= kMaxDepth) return Status::Decode("thrift: structs nested too deep");
  id_stack_.push_back(last_id_);
  last_id_ = 0;
  return Status::OK();
}

void CompactReader::EndStruct() {
  last_id_ = id_stack_.empty() ? 0 : id_stack_.back();
  if (!id_stack_.empty()) id_stack_.pop_back();
}

Status CompactReader::ReadFieldHeader(int16_t* id, ThriftType* type) {
  if (pos_ >= end_) return Status::Decode("thrift: truncated struct");
  const uint8_t byte = *pos_++;
  const uint8_t type_bits = byte & 0x0F;
  if (type_bits > static_cast<uint8_t>(ThriftType::kStruct)) {
    return Status::Decode("thrift: invalid field type {}", type_bits);
  }
  *type = static_cast<ThriftType>(type_bits);
  if (*type == ThriftType::kStop) {
    *id = 0;
    return Status::OK();
  }
  const int delta = byte >> 4;
  if (delta != 0) {
    *id = static_cast<int16_t>(last_id_ + delta);
  } else {
    uint64_t raw = 0;
    RETURN_NOT_OK(Varint(&raw));
    const int64_t decoded = static_cast<int64_t>(raw >> 1) ^ -static_cast<int64_t>(raw & 1);
    if (decoded < INT16_MIN || decoded > INT16_MAX) return Status::Decode("thrift: bad field id");
    *id = static_cast<int16_t>(decoded);
  }
  last_id_ = *id;
  return Status::OK();
}

Status CompactReader::ReadI64(ThriftType type, int64_t* value) {
  if (type != ThriftType::kI64 && type != ThriftType::kI32 && type != ThriftType::kI16 &&
      type != ThriftType::kByte) {
    return Status::Decode("thrift: expected an integer, got type {}", static_cast<int>(type));
  }
  if (type == ThriftType::kByte) {
    if (pos_ >= end_) return Status::Decode("thrift: truncated byte");
    *value = static_cast<int8_t>(*pos_++);
    return Status::OK();
  }
  uint64_t raw = 0;
  RETURN_NOT_OK(Varint(&raw));
  *value = static_cast<int64_t>(raw >> 1) ^ -static_cast<int64_t>(raw & 1);
  return Status::OK();
}

Status CompactReader::ReadI32(ThriftType type, int32_t* value) {
  int64_t wide = 0;
  RETURN_NOT_OK(ReadI64(type, &wide));
  if (wide < INT32_MIN || wide > INT32_MAX) return Status::Decode("thrift: i32 out of range");
  *value = static_cast<int32_t>(wide);
  return Status::OK();
}

Status CompactReader::ReadBool(ThriftType type, bool* value) {
  if (type == ThriftType::kBoolTrue) {
    *value = true;
  } else if (type == ThriftType::kBoolFalse) {
    *value = false;
  } else {
    return Status::Decode("thrift: expected a bool");
  }
  return Status::OK();
}

Status CompactReader::ReadElementBinary(std::string* value) {
  uint64_t length = 0;
  RETURN_NOT_OK(Varint(&length));
  if (length > static_cast<uint64_t>(remaining())) {
    return Status::Decode("thrift: string of {} bytes past the end", length);
  }
  value->assign(reinterpret_cast<const char*>(pos_), length);
  pos_ += length;
  return Status::OK();
}

Status CompactReader::ReadBinary(ThriftType type, std::string* value) {
  if (type != ThriftType::kBinary) return Status::Decode("thrift: expected binary");
  return ReadElementBinary(value);
}

Status CompactReader::ReadElementI32(int32_t* value) { return ReadI32(ThriftType::kI32, value); }

Status CompactReader::ReadListHeader(ThriftType type, ThriftType* element, int64_t* size) {
  if (type != ThriftType::kList && type != ThriftType::kSet) {
    return Status::Decode("thrift: expected a list");
  }
  if (pos_ >= end_) return Status::Decode("thrift: truncated list");
  const uint8_t byte = *pos_++;
  const uint8_t element_bits = byte & 0x0F;
  if (element_bits > static_cast<uint8_t>(ThriftType::kStruct)) {
    return Status::Decode("thrift: invalid list element type");
  }
  *element = static_cast<ThriftType>(element_bits);
  uint64_t count = byte >> 4;
  if (count == 15) RETURN_NOT_OK(Varint(&count));
  // Every element takes at least one byte (bools too), so a larger count is corrupt.
  if (count > static_cast<uint64_t>(remaining())) {
    return Status::Decode("thrift: list of {} elements past the end", count);
  }
  *size = static_cast<int64_t>(count);
  return Status::OK();
}

Status CompactReader::Skip(ThriftType type) { return SkipDepth(type, 0); }

Status CompactReader::SkipDepth(ThriftType type, int depth) {
  if (depth > kMaxDepth) return Status::Decode("thrift: values nested too deep");
  switch (type) {
    case ThriftType::kBoolTrue:
    case ThriftType::kBoolFalse:
      return Status::OK();
    case ThriftType::kByte:
      if (pos_ >= end_) return Status::Decode("thrift: truncated byte");
      ++pos_;
      return Status::OK();
    case ThriftType::kI16:
    case ThriftType::kI32:
    case ThriftType::kI64: {
      uint64_t ignored = 0;
      return Varint(&ignored);
    }
    case ThriftType::kDouble:
      if (remaining() < 8) return Status::Decode("thrift: truncated double");
      pos_ += 8;
      return Status::OK();
    case ThriftType::kBinary: {
      uint64_t length = 0;
      RETURN_NOT_OK(Varint(&length));
      if (length > static_cast<uint64_t>(remaining())) {
        return Status::Decode("thrift: binary past the end");
      }
      pos_ += length;
      return Status::OK();
    }
    case ThriftType::kList:
    case ThriftType::kSet: {
      ThriftType element = ThriftType::kStop;
      int64_t size = 0;
      RETURN_NOT_OK(ReadListHeader(type, &element, &size));
      for (int64_t i = 0; i < size; ++i) {
        if (element == ThriftType::kBoolTrue || element == ThriftType::kBoolFalse) {
          if (pos_ >= end_) return Status::Decode("thrift: truncated list");
          ++pos_;
        } else {
          RETURN_NOT_OK(SkipDepth(element, depth + 1));
        }
      }
      return Status::OK();
    }
    case ThriftType::kMap: {
      uint64_t size = 0;
      RETURN_NOT_OK(Varint(&size));
      if (size == 0) return Status::OK();
      if (pos_ >= end_) return Status::Decode("thrift: truncated map");
      const uint8_t types = *pos_++;
      const auto key = static_cast<ThriftType>(types >> 4);
      const auto value = static_cast<ThriftType>(types & 0x0F);
      if ((types >> 4) > 12 || (types & 0x0F) > 12 || size > static_cast<uint64_t>(remaining())) {
        return Status::Decode("thrift: bad map header");
      }
      for (uint64_t i = 0; i < size; ++i) {
        RETURN_NOT_OK(SkipDepth(key, depth + 1));
        RETURN_NOT_OK(SkipDepth(value, depth + 1));
      }
      return Status::OK();
    }
    case ThriftType::kStruct: {
      RETURN_NOT_OK(BeginStruct());
      while (true) {
        int16_t id = 0;
        ThriftType field = ThriftType::kStop;
        RETURN_NOT_OK(ReadFieldHeader(&id, &field));
        if (field == ThriftType::kStop) break;
        RETURN_NOT_OK(SkipDepth(field, depth + 1));
      }
      EndStruct();
      return Status::OK();
    }
    case ThriftType::kStop:
      return Status::Decode("thrift: unexpected stop");
  }
  return Status::Decode("thrift: unknown type");
}

}  // namespace sluice::parquet
