// `sluice`: run, check, connectors, verify, gen, kafka-dev, inspect, version. CLI11 parses the
// command line; its exceptions stop at this edge.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/connectors_doc.h"
#include "cli/gen.h"
#include "cli/inspect.h"
#include "cli/kafka_dev.h"
#include "common/fault_point.h"
#include "common/logging.h"
#include "common/strings.h"
#include "connectors/connector.h"
#include "runtime/planner.h"
#include "runtime/runner.h"
#include "runtime/signals.h"
#include "runtime/stop_token.h"
#include "runtime/verify.h"
#include "sql/diagnostics.h"
#include "sql/parser.h"

#ifndef SLUICE_VERSION
#define SLUICE_VERSION "0.0.0"
#endif

namespace sluice {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitRunFailed = 1;
constexpr int kExitUsage = 2;

struct Overrides {
  std::vector<std::string> raw;  // key=value

  Result<std::vector<RawOption>> Parse() const {
    std::vector<RawOption> options;
    for (const auto& item : raw) {
      size_t eq = item.find('=');
      if (eq == std::string::npos || eq == 0) {
        return Status::Config("--set expects key=value, got '{}'", item);
      }
      options.push_back({std::string(Trim(item.substr(0, eq))), item.substr(eq + 1)});
    }
    return options;
  }
};

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read '{}': {}", path, std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Parses and plans; prints diagnostics to stderr. Returns nullopt (after printing) on errors.
std::optional<Pipeline> Plan(const std::string& file, const Overrides& overrides,
                             const ConnectorRegistry& registry) {
  auto text = ReadFile(file);
  if (!text.ok()) {
    std::cerr << "sluice: " << text.status().message() << "\n";
    return std::nullopt;
  }
  auto raw = overrides.Parse();
  if (!raw.ok()) {
    std::cerr << "sluice: " << raw.status().message() << "\n";
    return std::nullopt;
  }
  sql::Diagnostics diagnostics(file, *text);
  auto script = sql::ParseScript(file, *text, &diagnostics);
  std::optional<Pipeline> pipeline;
  if (script) pipeline = PlanPipeline(*script, registry, *raw, &diagnostics);
  if (diagnostics.has_errors() || !pipeline) {
    std::cerr << diagnostics.Format();
    size_t count = diagnostics.items().size();
    std::cerr << count << (count == 1 ? " error" : " errors") << " in " << file << "\n";
    return std::nullopt;
  }
  for (const auto& warning : pipeline->warnings) std::cerr << warning << "\n";
  return pipeline;
}

int Run(const std::string& file, const Overrides& overrides, const std::string& progress_path) {
  ConnectorRegistry registry = ConnectorRegistry::Builtin();
  auto pipeline = Plan(file, overrides, registry);
  if (!pipeline) return kExitUsage;
  static StopToken stop;  // outlives the signal handlers
  InstallStopSignalHandlers(&stop);
  RunOptions options;
  options.progress_path = progress_path;
  options.stop = &stop;
  Status status = RunPipeline(*pipeline, options);
  if (!status.ok()) {
    SLUICE_LOG_ERROR("{}", status.ToString());
    return status.code() == StatusCode::kConfig || status.code() == StatusCode::kPlan
               ? kExitUsage
               : kExitRunFailed;
  }
  return kExitOk;
}

int Check(const std::string& file, const Overrides& overrides) {
  ConnectorRegistry registry = ConnectorRegistry::Builtin();
  auto pipeline = Plan(file, overrides, registry);
  if (!pipeline) return kExitUsage;
  std::cout << pipeline->Explain();
  std::cout << file << ": OK\n";
  return kExitOk;
}

// 0 when every path is consistent, 1 when one is not, 2 when a path is neither kind of folder.
int VerifyPaths(const std::vector<std::string>& paths) {
  int exit_code = kExitOk;
  for (const auto& path : paths) {
    auto report = Verify(path);
    if (!report.ok()) {
      std::cerr << "sluice: " << report.status().message() << "\n";
      exit_code = kExitUsage;
      continue;
    }
    std::cout << path << ": " << report->ToString();
    if (!report->ok() && exit_code == kExitOk) exit_code = kExitRunFailed;
  }
  return exit_code;
}

int Main(int argc, char** argv) {
  CLI::App app{"Sluice: streaming ETL in one binary. A pipeline is a .sql file.", "sluice"};
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str();

  std::string file;
  Overrides overrides;
  std::string progress_path;

  auto* run = app.add_subcommand("run", "Run a pipeline until its sources end or it is stopped");
  run->add_option("FILE", file, "the pipeline file (.sql)")->required();
  run->add_option("--set", overrides.raw,
                  "override a SET of the file: --set trigger=once (repeatable)")
      ->take_all()
      ->allow_extra_args(false);
  run->add_option("--progress", progress_path,
                  "append one JSON progress record per batch to this file");

  auto* check = app.add_subcommand(
      "check", "Parse, bind and validate a pipeline; print the plan or every error (exit 2)");
  check->add_option("FILE", file, "the pipeline file (.sql)")->required();
  check->add_option("--set", overrides.raw, "override a SET of the file (repeatable)")
      ->allow_extra_args(false);

  bool markdown = false;
  auto* connectors = app.add_subcommand("connectors", "List every connector and its options");
  connectors->add_flag("--markdown", markdown,
                       "print the reference as Markdown (docs/connectors.md)");

  std::vector<std::string> verify_paths;
  auto* verify = app.add_subcommand(
      "verify",
      "Check that an output folder's table log and files agree, or that a query checkpoint's "
      "offsets are contiguous; exit 1 on any problem");
  verify->add_option("PATH", verify_paths, "files sink output folders and/or query checkpoints")
      ->required();

  GenOptions gen_options;
  auto* gen = app.add_subcommand(
      "gen",
      "Write the datagen clickstream as NDJSON (with ts_ms, epoch millis): a benchmark input; "
      "or produce the same events as JSON records to Kafka with --to");
  gen->add_option("--rows,--count", gen_options.rows, "events to write")->capture_default_str();
  gen->add_option("--seed", gen_options.seed, "the same seed gives the same bytes")
      ->capture_default_str();
  gen->add_option("-o,--output", gen_options.output, "output file, - for stdout")
      ->capture_default_str();
  gen->add_option("--to", gen_options.to,
                  "kafka://HOST:PORT[,HOST:PORT...]/TOPIC: produce each event as one JSON record "
                  "(its NDJSON line) with an idempotent librdkafka producer; fails (exit 1) if "
                  "any record is not delivered");
  gen->add_option("--rate", gen_options.rate, "events per second (0: as fast as possible)")
      ->capture_default_str();
  gen->add_option("--key", gen_options.key,
                  "Kafka record key: user_id (decimal; one user's events go to one partition, "
                  "in order) or none (unkeyed: librdkafka fills one partition at a time)")
      ->capture_default_str();
  gen->add_option("-X", gen_options.kafka_properties,
                  "librdkafka producer property key=value, e.g. -X compression.type=lz4 "
                  "(repeatable)")
      ->allow_extra_args(false);

  KafkaDevOptions kafka_dev_options;
  auto* kafka_dev = app.add_subcommand(
      "kafka-dev",
      "Run librdkafka's mock Kafka cluster on 127.0.0.1 until Ctrl-C/SIGTERM, for trying "
      "Sluice without Kafka; prints the bootstrap address. In memory, and it keeps only about "
      "5 MB (or 100000 message sets) per partition: older records vanish silently");
  kafka_dev->add_option("--brokers", kafka_dev_options.brokers, "number of brokers")
      ->capture_default_str();
  kafka_dev
      ->add_option("--topic", kafka_dev_options.topics,
                   "NAME:PARTITIONS, created at start (repeatable; default 4 partitions; "
                   "other topics are created with 4 when first used)")
      ->allow_extra_args(false);
  kafka_dev->add_option("--bootstrap-file", kafka_dev_options.bootstrap_file,
                        "also write the bootstrap address to this file (atomically, once the "
                        "brokers listen; removed on stop)");
  kafka_dev->add_option("--port", kafka_dev_options.port,
                        "also accept bootstrap connections on 127.0.0.1:PORT (forwarded to the "
                        "brokers, whose own ports stay ephemeral) and print that address");
  kafka_dev->add_option("--control", kafka_dev_options.control_file,
                        std::string("test aid: follow this file and run the fault commands "
                                    "appended to it; ") +
                            KafkaDevControlHelp());

  std::string inspect_path;
  int64_t inspect_rows = 0;
  auto* inspect = app.add_subcommand(
      "inspect", "Show a Parquet file: schema, row groups, per column codec/encodings/stats");
  inspect->add_option("FILE", inspect_path, "the .parquet file")->required();
  inspect->add_option("--rows", inspect_rows, "also print the first N rows")->capture_default_str();

  auto* version = app.add_subcommand("version", "Print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  InitLogging();
  SetLogLevel(log_level);
  InitFaultPointsFromEnv();

  if (*run) return Run(file, overrides, progress_path);
  if (*check) return Check(file, overrides);
  if (*connectors) {
    ConnectorRegistry registry = ConnectorRegistry::Builtin();
    std::cout << (markdown ? ConnectorsMarkdown(registry) : ConnectorsText(registry));
    return kExitOk;
  }
  if (*verify) return VerifyPaths(verify_paths);
  if (*kafka_dev) {
    static StopToken stop;  // outlives the signal handlers
    InstallStopSignalHandlers(&stop);
    Status status = RunKafkaDev(kafka_dev_options, stop);
    if (!status.ok()) {
      std::cerr << "sluice kafka-dev: " << status.message() << "\n";
      return status.code() == StatusCode::kConfig ? kExitUsage : kExitRunFailed;
    }
    return kExitOk;
  }
  if (*gen) {
    static StopToken stop;
    InstallStopSignalHandlers(&stop);
    Status status = RunGen(gen_options, &stop);
    if (!status.ok()) {
      std::cerr << "sluice gen: " << status.message() << "\n";
      return status.code() == StatusCode::kConfig ? kExitUsage : kExitRunFailed;
    }
    return kExitOk;
  }
  if (*inspect) {
    Status status = InspectParquet(inspect_path, inspect_rows, std::cout);
    if (!status.ok()) {
      std::cerr << "sluice: " << status.message() << "\n";
      return kExitRunFailed;
    }
    return kExitOk;
  }
  if (*version) {
    std::cout << "sluice " << SLUICE_VERSION << "\n";
    return kExitOk;
  }
  return kExitUsage;
}

}  // namespace
}  // namespace sluice

int main(int argc, char** argv) { return sluice::Main(argc, argv); }
