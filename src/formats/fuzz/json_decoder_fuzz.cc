// libFuzzer target for the JSON decoder: any bytes, as JSON lines and as one payload, under each
// mode, into a nested schema with a corrupt-record and a rescued-data column. Every record must
// end up as a row or an issue (never a crash), and the batch must be consistent. Differential:
// the fast path (DOM tape) must give exactly the rows and issues of the exact path (On-Demand).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/value.h"
#include "formats/decode.h"
#include "formats/json_decoder.h"

namespace {

sluice::SchemaRef FuzzSchema() {
  using namespace sluice;
  static const SchemaRef kSchema = std::make_shared<Schema>(std::vector<Field>{
      {"id", Int64Type(), true},
      {"n", Int32Type(), false},
      {"price", DoubleType(), true},
      {"ok", BooleanType(), true},
      {"name", StringType(), true},
      {"ts", TimestampType(), true},
      {"day", DateType(), true},
      {"device", StructType({{"os", StringType(), true}, {"v", Int32Type(), true}}), true},
      {"tags", ListType(StringType()), true},
      {"matrix", ListType(ListType(DoubleType())), true},
      {"_corrupt_record", StringType(), true},
      {"_rescued", StringType(), true},
  });
  return kSchema;
}

/// Everything a decode produced, as text.
std::string Decode(std::string_view text, const sluice::DecodeOptions& options, bool fast) {
  using namespace sluice;
  auto decoder = JsonDecoder::Make(FuzzSchema(), options);
  if (!decoder.ok()) __builtin_trap();
  (*decoder)->set_fast_path(fast);
  std::string out = (*decoder)->DecodeText(text).ToString();
  std::string_view payload[] = {text};
  out += (*decoder)->DecodeRecords(payload, 0).ToString();
  auto batch = (*decoder)->Finish();
  if (!batch.ok()) __builtin_trap();  // columns must stay aligned whatever happened
  out += BatchToRowsText(*batch);
  for (const DecodeIssue& issue : (*decoder)->TakeIssues()) {
    if (issue.reason.empty() || issue.kind.empty()) __builtin_trap();  // explained
    out += std::to_string(issue.record_index) + ":" + std::to_string(issue.line) + " " +
           std::string(issue.kind) + " " + issue.reason + " " + issue.raw + "\n";
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const DecodeMode modes[] = {DecodeMode::kPermissive, DecodeMode::kDropMalformed,
                              DecodeMode::kFailFast};
  for (DecodeMode mode : modes) {
    DecodeOptions options;
    options.mode = mode;
    options.rescued_data_column = size > 1 && data[1] % 3 == 0 ? "" : "_rescued";
    if (size > 0 && data[0] % 2 == 0) options.timestamp_format = "yyyy-MM-dd HH:mm[:ss][.SSS][XXX]";
    if (Decode(text, options, true) != Decode(text, options, false)) __builtin_trap();
  }
  return 0;
}
