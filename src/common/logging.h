// Logging through spdlog: one process-wide logger writing to stderr.
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

namespace sluice {

/// Makes the process-wide logger write to stderr (stdout is for data: the console sink, check's
/// plan). Idempotent.
void InitLogging();

/// Sets the level by name: trace, debug, info, warn, error, off. Unknown names keep the level.
void SetLogLevel(std::string_view level);

}  // namespace sluice

#define SLUICE_LOG_DEBUG(...) SPDLOG_DEBUG(__VA_ARGS__)
#define SLUICE_LOG_INFO(...) ::spdlog::info(__VA_ARGS__)
#define SLUICE_LOG_WARN(...) ::spdlog::warn(__VA_ARGS__)
#define SLUICE_LOG_ERROR(...) ::spdlog::error(__VA_ARGS__)
