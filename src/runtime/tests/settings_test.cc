#include "runtime/settings.h"

#include "testing/gtest_util.h"

namespace sluice {
namespace {

TEST(TriggerTest, Parses) {
  ASSERT_OK_AND_ASSIGN(Trigger trigger, ParseTrigger("processingTime=10 seconds"));
  EXPECT_EQ(trigger, (Trigger{TriggerKind::kProcessingTime, 10000000}));
  ASSERT_OK_AND_ASSIGN(trigger, ParseTrigger("PROCESSINGTIME = '500ms'"));
  EXPECT_EQ(trigger, (Trigger{TriggerKind::kProcessingTime, 500000}));
  ASSERT_OK_AND_ASSIGN(trigger, ParseTrigger("processingTime=0"));
  EXPECT_EQ(trigger, (Trigger{TriggerKind::kProcessingTime, 0}));
  ASSERT_OK_AND_ASSIGN(trigger, ParseTrigger("Once"));
  EXPECT_EQ(trigger.kind, TriggerKind::kOnce);
  ASSERT_OK_AND_ASSIGN(trigger, ParseTrigger(" availablenow "));
  EXPECT_EQ(trigger.kind, TriggerKind::kAvailableNow);
}

TEST(TriggerTest, InvalidListsTheForms) {
  ASSERT_RAISES(kConfig,
                "invalid trigger 'sometimes': expected processingTime=<duration> (e.g. "
                "processingTime='10 seconds'), once or availableNow",
                ParseTrigger("sometimes"));
  ASSERT_RAISES(kConfig, "bad duration 'soon'", ParseTrigger("processingTime=soon"));
}

TEST(TriggerTest, ToString) {
  EXPECT_EQ((Trigger{TriggerKind::kProcessingTime, 10000000}).ToString(),
            "processingTime=10 seconds");
  EXPECT_EQ((Trigger{TriggerKind::kProcessingTime, 1500}).ToString(), "processingTime=1500 us");
  EXPECT_EQ((Trigger{TriggerKind::kProcessingTime, 250000}).ToString(), "processingTime=250 ms");
  EXPECT_EQ((Trigger{TriggerKind::kOnce}).ToString(), "once");
  EXPECT_EQ((Trigger{TriggerKind::kAvailableNow}).ToString(), "availableNow");
}

TEST(PipelineSettingsTest, DefaultsAndValues) {
  OptionError error;
  ASSERT_OK_AND_ASSIGN(OptionSet options, ValidateOptions(PipelineSettingSpecs(), {}, "p", &error));
  ASSERT_OK_AND_ASSIGN(PipelineSettings settings, SettingsFromOptions(options));
  EXPECT_EQ(settings.trigger, (Trigger{TriggerKind::kProcessingTime, 0}));
  EXPECT_EQ(settings.checkpoint_location, "");

  ASSERT_OK_AND_ASSIGN(options, ValidateOptions(PipelineSettingSpecs(),
                                                {{"TRIGGER", "once"},
                                                 {"checkpointlocation", "/ck"},
                                                 {"stopMarkerPath", "/stop"},
                                                 {"pipeline.name", "p1"}},
                                                "p", &error));
  ASSERT_OK_AND_ASSIGN(settings, SettingsFromOptions(options));
  EXPECT_EQ(settings.trigger.kind, TriggerKind::kOnce);
  EXPECT_EQ(settings.checkpoint_location, "/ck");
  EXPECT_EQ(settings.stop_marker_path, "/stop");
  EXPECT_EQ(settings.pipeline_name, "p1");
}

}  // namespace
}  // namespace sluice
