#include "runtime/runner.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "common/logging.h"
#include "runtime/checkpoint.h"
#include "runtime/query.h"

namespace sluice {

Status RunPipeline(const Pipeline& pipeline, const RunOptions& options) {
  ASSIGN_OR_RETURN(auto progress, ProgressReporter::Open(options.progress_path));

  std::string temp_root;
  std::vector<std::string> checkpoint_dirs;
  for (const auto& query : pipeline.queries) {
    if (!query.checkpoint_dir.empty()) {
      checkpoint_dirs.push_back(query.checkpoint_dir);
      continue;
    }
    if (temp_root.empty()) {
      std::error_code ec;
      auto base = std::filesystem::temp_directory_path(ec);
      if (ec) base = "/tmp";
      temp_root = (base / fmt::format("sluice-{}-{}", ::getpid(), NewUuid().substr(0, 8))).string();
    }
    checkpoint_dirs.push_back(JoinPath(temp_root, query.name));
  }

  StopToken stop_others;
  std::mutex mutex;
  Status first_error;
  std::vector<std::thread> threads;
  threads.reserve(pipeline.queries.size());
  for (size_t query_idx = 0; query_idx < pipeline.queries.size(); ++query_idx) {
    QueryOptions query_options;
    query_options.clock = options.clock;
    query_options.stop_tokens = {options.stop, &stop_others};
    query_options.stop_marker_path = pipeline.settings.stop_marker_path;
    query_options.min_batches_to_retain = pipeline.settings.min_batches_to_retain;
    query_options.threads =
        static_cast<int>(std::min<int64_t>(pipeline.settings.threads_per_query, 2));
    query_options.read_chunk_rows = kDefaultReadChunkRows;
    query_options.progress = progress.get();
    query_options.checkpoint_dir = checkpoint_dirs[query_idx];
    threads.emplace_back([&, query_options = std::move(query_options), query_idx]() mutable {
      StreamingQuery query(pipeline.queries[query_idx], std::move(query_options));
      Status st = query.Run();
      if (!st.ok()) {
        SLUICE_LOG_ERROR("{}", st.ToString());
        std::lock_guard lock(mutex);
        if (first_error.ok()) {
          first_error = st;
          if (pipeline.queries.size() > 1) {
            SLUICE_LOG_INFO("stopping the other queries after their batch in flight");
          }
        }
        stop_others.RequestStop();
      }
    });
  }
  for (auto& thread : threads) thread.join();

  if (!temp_root.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temp_root, ec);
  }
  return first_error;
}

}  // namespace sluice
