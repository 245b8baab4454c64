// CAST between types, vectorized. The rules (also in exec/README.md):
//   numeric <-> numeric   widening exact; DOUBLE -> INT/BIGINT truncates toward zero; out of range
//                         (or NaN) is an OutOfRange error (TRY_CAST: NULL)
//   BOOLEAN <-> numeric   true = 1, false = 0; a number is true iff it is not 0
//   any primitive -> STRING  (DOUBLE as Spark prints it: 1.0, 1.5E20; TIMESTAMP/DATE in SQL style)
//   STRING -> BOOLEAN/INT/BIGINT/DOUBLE/TIMESTAMP/DATE: surrounding spaces ignored; unparsable ->
//   NULL TIMESTAMP <-> DATE    (a timestamp's date is its UTC day)
// Nested types cast only to themselves.
#pragma once

#include <string>

#include "columnar/column.h"
#include "columnar/types.h"
#include "common/status.h"

namespace sluice {

/// True if CAST(from AS to) is allowed.
bool CanCast(const DataType& from, const DataType& to);
/// True if the cast can produce NULL for a non-NULL input (STRING -> non-string).
bool CastIntroducesNulls(const DataType& from, const DataType& to);
/// Casts a whole column. `try_cast`: errors become NULLs.
Result<ColumnRef> CastColumn(const ColumnRef& input, const TypeRef& to, bool try_cast);
/// DOUBLE as Spark's CAST(x AS STRING) prints it: "1.0", "0.001", "1.0E7", "NaN", "-Infinity".
std::string FormatDoubleSpark(double value);

}  // namespace sluice
