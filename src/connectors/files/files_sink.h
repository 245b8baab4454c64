// The files sink: exactly-once JSON lines or Parquet files in Hive-style partition folders, with a
// table log (`_sluice_log/`) naming every committed batch's files. See README.md in this folder.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

/// Folder name of a NULL or empty partition value, as Hive and Spark spell it.
inline constexpr std::string_view kHiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__";

/// Appends `text` to `out` with the characters Hive escapes in partition paths (control
/// characters, '"', '#', '%', '\'', '*', '/', ':', '=', '?', '\\', DEL, '{', '[', ']', '^')
/// percent-encoded as %XX (upper-case hex).
void AppendHiveEscaped(std::string_view text, std::string& out);

/// `part-<batch, 6 digits>-<seq, 4 digits>-<first 8 chars of query id>.<extension>` (json or
/// parquet).
std::string FilesSinkFileName(int64_t batch_id, int64_t sequence, std::string_view query_id,
                              std::string_view extension = "json");

/// `<batch id as 20 digits>`: the table log entry's name under `_sluice_log/`.
std::string FilesSinkLogName(int64_t batch_id);

}  // namespace sluice
