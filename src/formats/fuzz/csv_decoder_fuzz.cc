// libFuzzer target for the CSV (and text) decoders: any bytes, with and without a header, under
// each mode. Never a crash; every bad record explained; the batch consistent.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "formats/decode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice;
  static const SchemaRef kSchema = std::make_shared<Schema>(std::vector<Field>{
      {"id", Int32Type(), true},
      {"big", Int64Type(), false},
      {"name", StringType(), true},
      {"score", DoubleType(), true},
      {"ok", BooleanType(), true},
      {"ts", TimestampType(), true},
      {"day", DateType(), true},
      {"_corrupt_record", StringType(), true},
  });
  static const SchemaRef kText =
      std::make_shared<Schema>(std::vector<Field>{{"value", StringType(), true}});
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const DecodeMode modes[] = {DecodeMode::kPermissive, DecodeMode::kDropMalformed,
                              DecodeMode::kFailFast};
  for (DecodeMode mode : modes) {
    DecodeOptions options;
    options.mode = mode;
    options.header = size > 0 && (data[0] & 1) != 0;
    options.sep = size > 1 && (data[1] & 1) != 0 ? '\t' : ',';
    options.escape = size > 2 && (data[2] & 1) != 0 ? '"' : '\\';
    options.comment = size > 3 && (data[3] & 1) != 0 ? '#' : '\0';
    options.null_value = "NULL";
    for (DecodeFormat format : {DecodeFormat::kCsv, DecodeFormat::kText}) {
      auto decoder = MakeDecoder(format, format == DecodeFormat::kCsv ? kSchema : kText, options);
      if (!decoder.ok()) __builtin_trap();
      (void)(*decoder)->DecodeText(text);
      std::string_view payload[] = {text};
      (void)(*decoder)->DecodeRecords(payload, 0);
      auto batch = (*decoder)->Finish();
      if (!batch.ok()) __builtin_trap();
      for (const DecodeIssue& issue : (*decoder)->TakeIssues()) {
        if (issue.reason.empty() || issue.kind.empty()) __builtin_trap();
      }
    }
  }
  return 0;
}
