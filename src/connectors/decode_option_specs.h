// Option specs of the decoders (formats/decode.h), shared by every source that decodes bytes
// (files, datagen with format = 'json'; Kafka later), so they are spelt, validated and documented
// once. Spark's names; see docs/formats.md.
#pragma once

#include <vector>

#include "connectors/options.h"

namespace sluice {

/// mode, columnNameOfCorruptRecord, badRecordsPath, timestampFormat, dateFormat; with `json`
/// also epochUnit, rescuedDataColumn; with `csv` also header, sep, quote, escape, nullValue,
/// comment.
inline std::vector<OptionSpec> DecodeOptionSpecs(bool json, bool csv) {
  std::vector<OptionSpec> specs = {
      {.name = "mode",
       .type = OptionType::kEnum,
       .default_value = "PERMISSIVE",
       .description = "Bad records: PERMISSIVE keeps the row (bad fields NULL, raw text in "
                      "columnNameOfCorruptRecord), DROPMALFORMED drops it, FAILFAST stops the "
                      "query with the record's coordinates and reason.",
       .allowed = {"PERMISSIVE", "DROPMALFORMED", "FAILFAST"}},
      {.name = "columnNameOfCorruptRecord",
       .type = OptionType::kString,
       .default_value = "_corrupt_record",
       .description = "A declared STRING column receiving a bad record's raw text (PERMISSIVE)."},
      {.name = "badRecordsPath",
       .type = OptionType::kString,
       .description = "Folder for the quarantine: each bad record as a JSON line (coordinates, "
                      "raw record, reason, batch id) in <path>/<query>/bad-records-<batch>.json, "
                      "published inside the batch commit."},
      {.name = "timestampFormat",
       .type = OptionType::kString,
       .description = "Spark/Java pattern for TIMESTAMP text (e.g. yyyy-MM-dd HH:mm:ss[.SSS]); "
                      "default ISO-8601."},
      {.name = "dateFormat",
       .type = OptionType::kString,
       .description = "Spark/Java pattern for DATE text; default yyyy-MM-dd."},
  };
  if (json) {
    specs.push_back({.name = "epochUnit",
                     .type = OptionType::kEnum,
                     .default_value = "seconds",
                     .description = "JSON numbers in TIMESTAMP/DATE columns count this unit "
                                    "since 1970-01-01T00:00:00Z.",
                     .allowed = {"seconds", "millis", "micros"}});
    specs.push_back({.name = "rescuedDataColumn",
                     .type = OptionType::kString,
                     .description = "A declared STRING column receiving the fields the schema "
                                    "does not declare, as a JSON object (JSON only)."});
  }
  if (!csv) return specs;
  specs.push_back({.name = "header",
                   .type = OptionType::kBool,
                   .default_value = "false",
                   .description = "CSV: the first record of each file is a header (skipped; "
                                  "columns map by position)."});
  specs.push_back(
      {.name = "sep",
       .type = OptionType::kString,
       .default_value = ",",
       .description = "CSV: field separator, one character (for TSV: a tab, or backslash-t)."});
  specs.push_back({.name = "quote",
                   .type = OptionType::kString,
                   .default_value = "\"",
                   .description = "CSV: quote character (empty = none)."});
  specs.push_back({.name = "escape",
                   .type = OptionType::kString,
                   .default_value = "\\",
                   .description = "CSV: escape character inside quotes (a doubled quote works "
                                  "too)."});
  specs.push_back({.name = "nullValue",
                   .type = OptionType::kString,
                   .default_value = "",
                   .description = "CSV: unquoted text that stands for NULL."});
  specs.push_back({.name = "comment",
                   .type = OptionType::kString,
                   .description = "CSV: lines starting with this character are skipped."});
  return specs;
}

}  // namespace sluice
