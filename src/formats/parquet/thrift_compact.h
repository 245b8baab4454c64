// Thrift compact protocol, hand-written: just the subset parquet.thrift uses (structs, i8..i64,
// bool, binary, lists). The encoder appends to a std::string; the decoder checks every length and
// nesting depth against the input, so any bytes give an error, never a crash.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::parquet {

/// Compact-protocol type ids (field headers and list element types).
enum class ThriftType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

/// Writes one message. Structs nest: BeginStruct/EndStruct keep the last field id per level.
class CompactWriter {
 public:
  explicit CompactWriter(std::string* out) : out_(out) {}

  void BeginStruct();
  void EndStruct();  // writes the stop byte
  void FieldI8(int16_t id, int8_t value);
  void FieldI16(int16_t id, int16_t value);
  void FieldI32(int16_t id, int32_t value);
  void FieldI64(int16_t id, int64_t value);
  void FieldBool(int16_t id, bool value);
  void FieldBinary(int16_t id, std::string_view value);
  /// Header of a struct field; follow with the struct's fields and EndStruct().
  void FieldStructBegin(int16_t id);
  /// Header of a list field of `size` elements of `element` type.
  void FieldListBegin(int16_t id, ThriftType element, int64_t size);
  /// List elements.
  void ElementI32(int32_t value) { Varint(ZigZag(value)); }
  void ElementBinary(std::string_view value);
  void ElementStructBegin() { BeginStruct(); }

 private:
  static uint64_t ZigZag(int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  }
  void Varint(uint64_t v);
  void FieldHeader(int16_t id, ThriftType type);

  std::string* out_;
  int16_t last_id_ = 0;
  std::vector<int16_t> id_stack_;
};

/// Reads one message from a bounded buffer. Every method fails cleanly past the end.
class CompactReader {
 public:
  CompactReader(const uint8_t* data, int64_t size) : pos_(data), end_(data + size) {}

  /// Bytes consumed so far are `data + size - remaining()` .
  int64_t remaining() const { return end_ - pos_; }

  Status BeginStruct();
  void EndStruct();
  /// Next field header; `type == kStop` ends the struct.
  Status ReadFieldHeader(int16_t* id, ThriftType* type);
  Status ReadI32(ThriftType type, int32_t* value);
  Status ReadI64(ThriftType type, int64_t* value);
  /// Bool fields carry the value in the type (kBoolTrue/kBoolFalse).
  Status ReadBool(ThriftType type, bool* value);
  Status ReadBinary(ThriftType type, std::string* value);
  /// A list header: element type and size (size checked against the remaining bytes).
  Status ReadListHeader(ThriftType type, ThriftType* element, int64_t* size);
  /// List elements.
  Status ReadElementI32(int32_t* value);
  Status ReadElementBinary(std::string* value);
  /// Skips a value of any type (nested values bounded by the depth limit).
  Status Skip(ThriftType type);

 private:
  Status Varint(uint64_t* value);
  Status SkipDepth(ThriftType type, int depth);

  const uint8_t* pos_;
  const uint8_t* end_;
  int16_t last_id_ = 0;
  std::vector<int16_t> id_stack_;
};

}  // namespace sluice::parquet
