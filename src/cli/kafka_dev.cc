#include "cli/kafka_dev.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>

#include "common/logging.h"
#include "common/strings.h"

namespace sluice {

namespace {

constexpr int kDefaultPartitions = 4;

/// librdkafka's own log lines (the mock reports bind failures and the like through its host
/// handle): errors as warnings, the rest at debug level.
void LogFromRdkafka(const rd_kafka_t* /*rk*/, int level, const char* facility, const char* buf) {
  if (level <= 3) {
    SLUICE_LOG_WARN("kafka-dev: librdkafka {}: {}", facility, buf);
  } else {
    SLUICE_LOG_DEBUG("kafka-dev: librdkafka {}: {}", facility, buf);
  }
}

struct TopicSpec {
  std::string name;
  int partitions = kDefaultPartitions;
};

Result<TopicSpec> ParseTopicSpec(std::string_view text) {
  TopicSpec spec;
  size_t colon = text.rfind(':');
  spec.name = std::string(Trim(text.substr(0, colon)));
  if (colon != std::string_view::npos) {
    auto partitions = ParseInt64(Trim(text.substr(colon + 1)));
    if (!partitions || *partitions < 1 || *partitions > 10000) {
      return Status::Config("--topic '{}': expected NAME:PARTITIONS with 1..10000 partitions",
                            text);
    }
    spec.partitions = static_cast<int>(*partitions);
  }
  if (spec.name.empty() || spec.name.size() > 249 ||
      spec.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                  "0123456789._-") != std::string::npos) {
    return Status::Config("--topic '{}': a topic name is 1..249 of [a-zA-Z0-9._-]", text);
  }
  return spec;
}

/// Kafka protocol API keys by name, for the control file's `errors` command.
constexpr std::pair<std::string_view, int16_t> kApiKeys[] = {
    {"Produce", 0},
    {"Fetch", 1},
    {"ListOffsets", 2},
    {"Metadata", 3},
    {"OffsetCommit", 8},
    {"OffsetFetch", 9},
    {"FindCoordinator", 10},
    {"JoinGroup", 11},
    {"Heartbeat", 12},
    {"LeaveGroup", 13},
    {"SyncGroup", 14},
    {"DescribeGroups", 15},
    {"ListGroups", 16},
    {"ApiVersions", 18},
    {"CreateTopics", 19},
    {"InitProducerId", 22},
    {"OffsetForLeaderEpoch", 23},
    {"AddPartitionsToTxn", 24},
    {"AddOffsetsToTxn", 25},
    {"EndTxn", 26},
    {"TxnOffsetCommit", 28},
    {"CreatePartitions", 37},
};

Result<int16_t> ParseApiKey(std::string_view text) {
  for (const auto& [name, key] : kApiKeys) {
    if (EqualsIgnoreCase(name, text)) return key;
  }
  auto number = ParseInt64(text);
  if (number && *number >= 0 && *number < 100) return static_cast<int16_t>(*number);
  return Status::Config(
      "unknown Kafka API '{}' (Produce, Fetch, ListOffsets, Metadata, "
      "OffsetCommit, OffsetFetch, FindCoordinator, ... or a number)",
      text);
}

/// An error code by librdkafka's name (NOT_LEADER_FOR_PARTITION, with or without the
/// RD_KAFKA_RESP_ERR_ prefix) or number.
Result<rd_kafka_resp_err_t> ParseErrorCode(std::string_view text) {
  std::string_view name = text;
  if (StartsWith(ToUpper(name), "RD_KAFKA_RESP_ERR_")) name.remove_prefix(18);
  const rd_kafka_err_desc* descs = nullptr;
  size_t count = 0;
  rd_kafka_get_err_descs(&descs, &count);
  for (size_t desc_idx = 0; desc_idx < count; ++desc_idx) {
    if (descs[desc_idx].name != nullptr && EqualsIgnoreCase(descs[desc_idx].name, name)) {
      return descs[desc_idx].code;
    }
  }
  auto number = ParseInt64(text);
  if (number && *number > -200 && *number < 200) {
    return static_cast<rd_kafka_resp_err_t>(*number);
  }
  return Status::Config(
      "unknown Kafka error '{}' (e.g. NOT_LEADER_FOR_PARTITION, "
      "REQUEST_TIMED_OUT, COORDINATOR_NOT_AVAILABLE, or a number)",
      text);
}

Result<int32_t> ParseInt32Arg(std::string_view text, std::string_view what) {
  auto number = ParseInt64(text);
  if (!number || *number < -1 || *number > 1000000) {
    return Status::Config("expected {} as a number, got '{}'", what, text);
  }
  return static_cast<int32_t>(*number);
}

Status MockError(rd_kafka_resp_err_t err, std::string_view what) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::OK();
  return Status::Config("{}: {}", what, rd_kafka_err2str(err));
}

/// Runs one control-file command against the cluster.
Status RunControlCommand(rd_kafka_mock_cluster_t* cluster, int replication, std::string_view line) {
  std::vector<std::string> words;
  for (const std::string& word : Split(line, ' ')) {
    if (!Trim(word).empty()) words.emplace_back(Trim(word));
  }
  if (words.empty()) return Status::OK();
  const std::string command = ToLower(words[0]);
  auto need = [&](size_t min_words, std::string_view usage) -> Status {
    if (words.size() < min_words) return Status::Config("usage: {}", usage);
    return Status::OK();
  };
  if (command == "down" || command == "up") {
    RETURN_NOT_OK(need(2, "down|up BROKER_ID"));
    ASSIGN_OR_RETURN(int32_t broker, ParseInt32Arg(words[1], "a broker id"));
    return MockError(command == "down" ? rd_kafka_mock_broker_set_down(cluster, broker)
                                       : rd_kafka_mock_broker_set_up(cluster, broker),
                     line);
  }
  if (command == "rtt") {
    RETURN_NOT_OK(need(3, "rtt BROKER_ID MILLISECONDS"));
    ASSIGN_OR_RETURN(int32_t broker, ParseInt32Arg(words[1], "a broker id"));
    ASSIGN_OR_RETURN(int32_t rtt_ms, ParseInt32Arg(words[2], "milliseconds"));
    return MockError(rd_kafka_mock_broker_set_rtt(cluster, broker, rtt_ms), line);
  }
  if (command == "errors") {
    RETURN_NOT_OK(need(4, "errors API COUNT ERROR"));
    ASSIGN_OR_RETURN(int16_t api_key, ParseApiKey(words[1]));
    ASSIGN_OR_RETURN(int32_t count, ParseInt32Arg(words[2], "a count"));
    ASSIGN_OR_RETURN(rd_kafka_resp_err_t err, ParseErrorCode(words[3]));
    if (count < 1) return Status::Config("errors: COUNT must be >= 1");
    std::vector<rd_kafka_resp_err_t> errors(static_cast<size_t>(count), err);
    rd_kafka_mock_push_request_errors_array(cluster, api_key, errors.size(), errors.data());
    return Status::OK();
  }
  if (command == "clear-errors") {
    RETURN_NOT_OK(need(2, "clear-errors API"));
    ASSIGN_OR_RETURN(int16_t api_key, ParseApiKey(words[1]));
    rd_kafka_mock_clear_request_errors(cluster, api_key);
    return Status::OK();
  }
  if (command == "topic") {
    RETURN_NOT_OK(need(2, "topic NAME[:PARTITIONS]"));
    ASSIGN_OR_RETURN(TopicSpec spec, ParseTopicSpec(words[1]));
    return MockError(
        rd_kafka_mock_topic_create(cluster, spec.name.c_str(), spec.partitions, replication), line);
  }
  if (command == "topic-error") {
    RETURN_NOT_OK(need(3, "topic-error TOPIC ERROR"));
    ASSIGN_OR_RETURN(rd_kafka_resp_err_t err, ParseErrorCode(words[2]));
    rd_kafka_mock_topic_set_error(cluster, words[1].c_str(), err);
    return Status::OK();
  }
  if (command == "leader") {
    RETURN_NOT_OK(need(4, "leader TOPIC PARTITION BROKER_ID"));
    ASSIGN_OR_RETURN(int32_t partition, ParseInt32Arg(words[2], "a partition"));
    ASSIGN_OR_RETURN(int32_t broker, ParseInt32Arg(words[3], "a broker id"));
    return MockError(
        rd_kafka_mock_partition_set_leader(cluster, words[1].c_str(), partition, broker), line);
  }
  return Status::Config(
      "unknown command '{}' (down, up, rtt, errors, clear-errors, topic, "
      "topic-error, leader)",
      words[0]);
}

/// Follows the control file: executes each complete line appended since the last poll.
class ControlFile {
 public:
  ControlFile(std::string path, int replication)
      : path_(std::move(path)), replication_(replication) {}

  void Poll(rd_kafka_mock_cluster_t* cluster) {
    std::ifstream in(path_, std::ios::binary);
    if (!in) return;  // not created yet
    in.seekg(static_cast<std::streamoff>(offset_));
    std::string chunk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t end = chunk.rfind('\n');
    if (end == std::string::npos) return;  // wait for a complete line
    offset_ += end + 1;
    for (const std::string& raw : Split(std::string_view(chunk).substr(0, end), '\n')) {
      std::string_view line = Trim(raw);
      if (line.empty() || line[0] == '#') continue;
      Status status = RunControlCommand(cluster, replication_, line);
      if (status.ok()) {
        SLUICE_LOG_INFO("kafka-dev: control: '{}' done", line);
      } else {
        SLUICE_LOG_ERROR("kafka-dev: control: '{}' failed: {}", line, status.message());
      }
    }
  }

 private:
  std::string path_;
  int replication_;
  size_t offset_ = 0;
};

/// Parses "127.0.0.1:1234,127.0.0.1:1235" (the mock's bootstrap list).
std::vector<sockaddr_in> ParseBrokerAddresses(std::string_view bootstraps) {
  std::vector<sockaddr_in> addresses;
  for (const std::string& item : Split(bootstraps, ',')) {
    size_t colon = item.rfind(':');
    if (colon == std::string::npos) continue;
    auto port = ParseInt64(item.substr(colon + 1));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    if (!port || inet_pton(AF_INET, item.substr(0, colon).c_str(), &address.sin_addr) != 1) {
      continue;
    }
    address.sin_port = htons(static_cast<uint16_t>(*port));
    addresses.push_back(address);
  }
  return addresses;
}

void SetNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK); }

/// Accepts connections on 127.0.0.1:PORT and relays each to one of the brokers (round robin),
/// so clients can bootstrap from a fixed port. Metadata then points them at the brokers' own
/// (ephemeral) ports.
class BootstrapForwarder {
 public:
  static Result<std::unique_ptr<BootstrapForwarder>> Start(int port,
                                                           std::vector<sockaddr_in> brokers) {
    if (brokers.empty()) return Status::Internal("no broker address to forward to");
    int listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd < 0) return Status::IOError("socket: {}", std::strerror(errno));
    int on = 1;
    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    if (bind(listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        listen(listen_fd, 64) != 0) {
      int error = errno;
      close(listen_fd);
      return Status::IOError("--port {}: cannot listen on 127.0.0.1:{}: {}", port, port,
                             std::strerror(error));
    }
    SetNonBlocking(listen_fd);
    auto forwarder = std::unique_ptr<BootstrapForwarder>(new BootstrapForwarder());
    forwarder->listen_fd_ = listen_fd;
    forwarder->brokers_ = std::move(brokers);
    forwarder->thread_ = std::thread([raw = forwarder.get()] { raw->Loop(); });
    return forwarder;
  }

  ~BootstrapForwarder() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    for (Link& link : links_) CloseLink(link);
    if (listen_fd_ >= 0) close(listen_fd_);
  }

 private:
  struct Link {
    int client = -1;
    int upstream = -1;
    std::string to_client;
    std::string to_upstream;
    bool closed = false;
  };
  static constexpr size_t kMaxPending = 4 << 20;

  BootstrapForwarder() = default;

  static void CloseLink(Link& link) {
    if (link.client >= 0) close(link.client);
    if (link.upstream >= 0) close(link.upstream);
    link.client = link.upstream = -1;
    link.closed = true;
  }

  void Accept() {
    while (true) {
      int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (client < 0) return;
      int upstream = -1;
      for (size_t attempt = 0; attempt < brokers_.size() && upstream < 0; ++attempt) {
        const sockaddr_in& broker = brokers_[next_broker_++ % brokers_.size()];
        upstream = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (connect(upstream, reinterpret_cast<const sockaddr*>(&broker), sizeof(broker)) != 0) {
          close(upstream);
          upstream = -1;
        }
      }
      if (upstream < 0) {
        SLUICE_LOG_WARN("kafka-dev: --port: no broker accepted a forwarded connection");
        close(client);
        continue;
      }
      SetNonBlocking(upstream);
      Link link;
      link.client = client;
      link.upstream = upstream;
      links_.push_back(std::move(link));
    }
  }

  // Reads what `from` has into `buffer`; false on EOF or error.
  static bool Pump(int from, std::string& buffer) {
    char chunk[65536];
    while (buffer.size() < kMaxPending) {
      ssize_t got = read(from, chunk, sizeof(chunk));
      if (got > 0) {
        buffer.append(chunk, static_cast<size_t>(got));
        continue;
      }
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return true;
      return false;
    }
    return true;
  }

  // Writes as much of `buffer` to `to` as it takes; false on error.
  static bool Drain(int to, std::string& buffer) {
    while (!buffer.empty()) {
      ssize_t put = send(to, buffer.data(), buffer.size(), MSG_NOSIGNAL);
      if (put > 0) {
        buffer.erase(0, static_cast<size_t>(put));
        continue;
      }
      return put < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
    }
    return true;
  }

  void Loop() {
    std::vector<pollfd> fds;
    while (!stop_.load()) {
      fds.clear();
      fds.push_back({listen_fd_, POLLIN, 0});
      for (const Link& link : links_) {
        short client_events =
            static_cast<short>((link.to_upstream.size() < kMaxPending ? POLLIN : 0) |
                               (link.to_client.empty() ? 0 : POLLOUT));
        short upstream_events =
            static_cast<short>((link.to_client.size() < kMaxPending ? POLLIN : 0) |
                               (link.to_upstream.empty() ? 0 : POLLOUT));
        fds.push_back({link.client, client_events, 0});
        fds.push_back({link.upstream, upstream_events, 0});
      }
      if (poll(fds.data(), fds.size(), 200) <= 0) continue;
      for (size_t link_idx = 0; link_idx < links_.size(); ++link_idx) {
        Link& link = links_[link_idx];
        const pollfd& client = fds[1 + 2 * link_idx];
        const pollfd& upstream = fds[2 + 2 * link_idx];
        bool ok = true;
        if (client.revents & (POLLIN | POLLHUP | POLLERR))
          ok &= Pump(link.client, link.to_upstream);
        if (upstream.revents & (POLLIN | POLLHUP | POLLERR)) {
          ok &= Pump(link.upstream, link.to_client);
        }
        ok &= Drain(link.upstream, link.to_upstream);
        ok &= Drain(link.client, link.to_client);
        if (!ok) CloseLink(link);
      }
      std::erase_if(links_, [](const Link& link) { return link.closed; });
      if (fds[0].revents & POLLIN) Accept();
    }
  }

  int listen_fd_ = -1;
  std::vector<sockaddr_in> brokers_;
  size_t next_broker_ = 0;
  std::vector<Link> links_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

Status WriteFileAtomically(const std::string& path, const std::string& contents) {
  std::string temp = path + ".tmp." + std::to_string(getpid());
  FILE* file = std::fopen(temp.c_str(), "wb");
  if (file == nullptr) {
    return Status::IOError("--bootstrap-file: cannot write '{}': {}", temp, std::strerror(errno));
  }
  bool ok = std::fwrite(contents.data(), 1, contents.size(), file) == contents.size();
  ok &= std::fflush(file) == 0 && fsync(fileno(file)) == 0;
  ok &= std::fclose(file) == 0;
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
    int error = errno;
    std::remove(temp.c_str());
    return Status::IOError("--bootstrap-file: cannot write '{}': {}", path, std::strerror(error));
  }
  return Status::OK();
}

/// Owns the host handle and the cluster; destroys them in the order librdkafka requires.
struct MockCluster {
  rd_kafka_t* host = nullptr;
  rd_kafka_mock_cluster_t* cluster = nullptr;
  ~MockCluster() {
    if (cluster != nullptr) rd_kafka_mock_cluster_destroy(cluster);
    if (host != nullptr) rd_kafka_destroy(host);
  }
};

}  // namespace

const char* KafkaDevControlHelp() {
  return "one command per line, appended while kafka-dev runs; each logs \"kafka-dev: control: "
         "'<line>' done\" (or failed) on stderr:\n"
         "  down BROKER_ID | up BROKER_ID       take a broker down (connections closed and "
         "refused) or back up\n"
         "  rtt BROKER_ID MS                    delay every response of a broker\n"
         "  errors API COUNT ERROR              the next COUNT requests of API (Fetch, "
         "ListOffsets, OffsetCommit, Produce, Metadata, ...) fail with ERROR "
         "(NOT_LEADER_FOR_PARTITION, REQUEST_TIMED_OUT, ... or a number)\n"
         "  clear-errors API                    drop the errors still queued for API\n"
         "  topic NAME[:PARTITIONS]             create a topic\n"
         "  topic-error TOPIC ERROR             metadata reports ERROR for TOPIC (NO_ERROR "
         "clears)\n"
         "  leader TOPIC PARTITION BROKER_ID    move a partition's leader (-1: none)\n";
}

Status RunKafkaDev(const KafkaDevOptions& options, const StopToken& stop) {
  if (options.brokers < 1 || options.brokers > 64) {
    return Status::Config("--brokers must be 1..64, got {}", options.brokers);
  }
  if (options.port < 0 || options.port > 65535) {
    return Status::Config("--port must be 1..65535, got {}", options.port);
  }
  std::vector<TopicSpec> topics;
  for (const std::string& text : options.topics) {
    ASSIGN_OR_RETURN(TopicSpec spec, ParseTopicSpec(text));
    topics.push_back(std::move(spec));
  }

  MockCluster mock;
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_log_cb(conf, LogFromRdkafka);
  // The host handle only carries the cluster; it never talks to a broker itself.
  rd_kafka_conf_set(conf, "client.id", "sluice-kafka-dev", errstr, sizeof(errstr));
  mock.host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (mock.host == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::Internal("kafka-dev: cannot create the librdkafka handle: {}", errstr);
  }
  mock.cluster = rd_kafka_mock_cluster_new(mock.host, options.brokers);
  if (mock.cluster == nullptr) {
    return Status::IOError(
        "kafka-dev: librdkafka could not start the mock cluster (see the "
        "librdkafka log lines above)");
  }
  const int replication = std::min(options.brokers, 3);
  for (const TopicSpec& topic : topics) {
    rd_kafka_resp_err_t err =
        rd_kafka_mock_topic_create(mock.cluster, topic.name.c_str(), topic.partitions, replication);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::Config("kafka-dev: cannot create topic '{}': {}", topic.name,
                            rd_kafka_err2str(err));
    }
  }
  const std::string brokers = rd_kafka_mock_cluster_bootstraps(mock.cluster);
  std::unique_ptr<BootstrapForwarder> forwarder;
  std::string bootstrap = brokers;
  if (options.port > 0) {
    ASSIGN_OR_RETURN(forwarder,
                     BootstrapForwarder::Start(options.port, ParseBrokerAddresses(brokers)));
    bootstrap = "127.0.0.1:" + std::to_string(options.port);
  }

  std::vector<std::string> topic_names;
  topic_names.reserve(topics.size());
  for (const TopicSpec& topic : topics) {
    topic_names.push_back(fmt::format("{} ({} partitions)", topic.name, topic.partitions));
  }
  SLUICE_LOG_INFO(
      "kafka-dev: librdkafka {} mock cluster, {} broker(s) at {}{}; topics: {}. Other topics are "
      "created with {} partitions when first used. The log lives in memory and keeps only about "
      "5 MB or 100000 message sets per partition (older records vanish silently). Ctrl-C stops.",
      rd_kafka_version_str(), options.brokers, brokers,
      forwarder ? fmt::format(", bootstrap forwarded from {}", bootstrap) : std::string(),
      topic_names.empty() ? std::string("none") : Join(topic_names, ", "), kDefaultPartitions);

  if (!options.bootstrap_file.empty()) {
    RETURN_NOT_OK(WriteFileAtomically(options.bootstrap_file, bootstrap + "\n"));
  }
  std::fprintf(stdout, "%s\n", bootstrap.c_str());
  std::fflush(stdout);

  std::optional<ControlFile> control;
  if (!options.control_file.empty()) control.emplace(options.control_file, replication);
  while (!stop.stop_requested()) {
    if (control) control->Poll(mock.cluster);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  SLUICE_LOG_INFO("kafka-dev: stopping");
  forwarder.reset();
  if (!options.bootstrap_file.empty()) std::remove(options.bootstrap_file.c_str());
  return Status::OK();
}

}  // namespace sluice
