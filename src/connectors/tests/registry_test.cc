#include <gtest/gtest.h>

#include "connectors/connector.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

class NullSink final : public Sink {
 public:
  Status Open() override { return Status::OK(); }
  Status Write(int64_t, const Batch&) override { return Status::OK(); }
  Result<SinkBatchStats> Commit(int64_t) override { return SinkBatchStats{}; }
  Status Abort(int64_t) override { return Status::OK(); }
  Result<int64_t> LastCommitted() override { return int64_t{-1}; }
  std::string Describe() const override { return "null"; }
};

ConnectorDef NullConnector(std::string name) {
  ConnectorDef def;
  def.name = std::move(name);
  def.create_sink = [](SinkContext) -> Result<std::unique_ptr<Sink>> {
    return std::unique_ptr<Sink>(std::make_unique<NullSink>());
  };
  return def;
}

TEST(ConnectorRegistryTest, BuiltinHasTheThreeConnectorsSorted) {
  ConnectorRegistry registry = ConnectorRegistry::Builtin();
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"console", "datagen", "files", "kafka"}));
  const ConnectorDef* datagen = registry.Find("DataGen");
  ASSERT_NE(datagen, nullptr);
  EXPECT_EQ(datagen->name, "datagen");
  EXPECT_TRUE(datagen->is_source());
  EXPECT_FALSE(datagen->is_sink());
  const ConnectorDef* files = registry.Find("files");
  ASSERT_NE(files, nullptr);
  EXPECT_TRUE(files->is_sink());
  EXPECT_TRUE(files->is_source());  // the files source (files_source.cc)
  EXPECT_TRUE(files->sink_requires_checkpoint);
  const ConnectorDef* console = registry.Find("CONSOLE");
  ASSERT_NE(console, nullptr);
  EXPECT_TRUE(console->is_sink());
  EXPECT_FALSE(console->sink_requires_checkpoint);
  const ConnectorDef* kafka = registry.Find("Kafka");
  ASSERT_NE(kafka, nullptr);
  EXPECT_TRUE(kafka->is_source());
  EXPECT_TRUE(kafka->is_sink());
  EXPECT_FALSE(kafka->metadata.empty());
}

TEST(ConnectorRegistryTest, RegisterRejectsDuplicatesCaseInsensitively) {
  ConnectorRegistry registry;
  ASSERT_OK(registry.Register(NullConnector("Null")));
  ASSERT_RAISES(kAlreadyExists, "connector 'NULL' is already registered",
                registry.Register(NullConnector("NULL")));
  ASSERT_OK(registry.Register(NullConnector("alpha")));
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"alpha", "Null"}));
  ASSERT_NE(registry.Find("null"), nullptr);
  EXPECT_EQ(registry.Find("null")->name, "Null");
}

TEST(ConnectorRegistryTest, RegisterRejectsNamelessAndEmptyConnectors) {
  ConnectorRegistry registry;
  ASSERT_RAISES(kInternal, "needs a name", registry.Register(NullConnector("")));
  ConnectorDef nothing;
  nothing.name = "nothing";
  ASSERT_RAISES(kInternal, "neither a source nor a sink", registry.Register(nothing));
}

TEST(CommonSinkOptionsTest, CheckpointQueryNameTrigger) {
  const auto& specs = CommonSinkOptions();
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].name, "checkpointLocation");
  EXPECT_EQ(specs[1].name, "queryName");
  EXPECT_EQ(specs[2].name, "trigger");
  for (const auto& spec : specs) {
    EXPECT_EQ(spec.type, OptionType::kString);
    EXPECT_FALSE(spec.required);
    EXPECT_FALSE(spec.description.empty());
  }
  ASSERT_OK_AND_ASSIGN(OptionSet set, ValidateOptions(specs, {{"TRIGGER", "once"}},
                                                      "connector 'console' (sink)", nullptr));
  EXPECT_EQ(set.GetString("trigger"), "once");
}

TEST(ConnectorRegistryTest, EveryBuiltinOptionIsDocumented) {
  ConnectorRegistry registry = ConnectorRegistry::Builtin();
  for (const auto& [key, def] : registry.connectors()) {
    EXPECT_FALSE(def.description.empty()) << key;
    for (const auto* specs : {&def.source_options, &def.sink_options}) {
      for (const auto& spec : *specs) EXPECT_FALSE(spec.description.empty()) << key << spec.name;
    }
  }
}

}  // namespace
}  // namespace sluice
