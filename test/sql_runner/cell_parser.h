// Parses the display text of a cell (the spelling AppendCellText writes: NULL, true, 42, 1.5, abc,
// 2024-05-01 12:00:00, {os: ios, browser: x}, [1, 2]) into a builder of the cell's type. Used for
// the inline input rows of data-driven pipeline tests.
#pragma once

#include <string_view>

#include "columnar/builder.h"
#include "common/status.h"

namespace sluice::testing {

/// Appends the value written as `text` to `builder` (whose type says how to read it).
Status AppendCellFromText(std::string_view text, ColumnBuilder* builder);

}  // namespace sluice::testing
