// Arrow C Data Interface: export -> import round trips, lifetimes and release semantics.
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "columnar/arrow_c_data.h"
#include "columnar/value.h"
#include "random_columns.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

using testing::AllTestTypes;
using testing::ColumnValues;
using testing::RandomValues;

// Counts release calls of exported arrays, chaining to the exporter's own release.
int g_release_calls = 0;
void (*g_inner_release)(ArrowArray*) = nullptr;
void CountingRelease(ArrowArray* array) {
  ++g_release_calls;
  g_inner_release(array);
  EXPECT_EQ(array->release, nullptr);  // the exporter marked it released
}
void InstallCountingRelease(ArrowArray* array) {
  g_release_calls = 0;
  g_inner_release = array->release;
  array->release = &CountingRelease;
}

TEST(ArrowExportTest, SchemaFormatsNamesAndFlags) {
  TypeRef ua = StructType({{"os", StringType(), true}, {"browser", StringType(), false}});
  Schema schema({{"b", BooleanType(), true},
                 {"i", Int32Type(), true},
                 {"l", Int64Type(), false},
                 {"g", DoubleType(), true},
                 {"u", StringType(), true},
                 {"ts", TimestampType(), true},
                 {"d", DateType(), true},
                 {"ua", ua, true},
                 {"tags", ListType(StringType()), true}});
  ArrowSchema out;
  ASSERT_OK(ExportSchema(schema, &out));
  EXPECT_STREQ(out.format, "+s");
  ASSERT_EQ(out.n_children, 9);
  std::vector<std::string> formats;
  for (int64_t i = 0; i < out.n_children; ++i) formats.push_back(out.children[i]->format);
  EXPECT_EQ(formats,
            (std::vector<std::string>{"b", "i", "l", "g", "u", "tsu:UTC", "tdD", "+s", "+l"}));
  EXPECT_STREQ(out.children[2]->name, "l");
  EXPECT_EQ(out.children[2]->flags, 0);
  EXPECT_EQ(out.children[0]->flags, ARROW_FLAG_NULLABLE);
  const ArrowSchema* ua_schema = out.children[7];
  ASSERT_EQ(ua_schema->n_children, 2);
  EXPECT_STREQ(ua_schema->children[1]->name, "browser");
  EXPECT_EQ(ua_schema->children[1]->flags, 0);
  const ArrowSchema* tags = out.children[8];
  ASSERT_EQ(tags->n_children, 1);
  EXPECT_STREQ(tags->children[0]->name, "item");
  EXPECT_STREQ(tags->children[0]->format, "u");

  ASSERT_OK_AND_ASSIGN(TypeRef imported, ImportType(&out));
  EXPECT_EQ(Schema(imported->fields()).ToString(), schema.ToString());
  EXPECT_TRUE(Schema(imported->fields()).Equals(schema));
  out.release(&out);
  EXPECT_EQ(out.release, nullptr);
}

TEST(ArrowExportTest, ImportTypeRejectsUnknownFormats) {
  ArrowSchema schema{"z",    "col",   nullptr, 0,
                     0,      nullptr, nullptr, [](ArrowSchema* s) { s->release = nullptr; },
                     nullptr};
  ASSERT_RAISES(kDecode, "unsupported Arrow format 'z' for field 'col'", ImportType(&schema));
}

TEST(ArrowRoundTripTest, EveryTypeWholeAndSliced) {
  std::mt19937 rng(4);
  for (const TypeRef& type : AllTestTypes()) {
    SCOPED_TRACE(type->ToString());
    std::vector<Value> values = RandomValues(type, 100, rng);
    for (auto [offset, length] :
         std::vector<std::pair<int64_t, int64_t>>{{0, 100}, {3, 50}, {99, 1}, {10, 0}}) {
      SCOPED_TRACE(offset);
      ColumnRef column = MakeColumn(type, values)->Slice(offset, length);
      ArrowSchema schema;
      ArrowArray array;
      ASSERT_OK(ExportType(*type, "col", true, &schema));
      ASSERT_OK(ExportColumn(column, &array));
      EXPECT_EQ(array.offset, offset);
      EXPECT_EQ(array.length, length);
      EXPECT_EQ(array.null_count, column->null_count());
      if (column->null_count() == 0) {
        EXPECT_EQ(array.buffers[0], nullptr);
      }
      ASSERT_OK_AND_ASSIGN(TypeRef imported_type, ImportType(&schema));
      EXPECT_TRUE(imported_type->Equals(*type));
      schema.release(&schema);

      InstallCountingRelease(&array);
      ASSERT_OK_AND_ASSIGN(ColumnRef imported, ImportColumn(&array, imported_type));
      EXPECT_EQ(array.release, nullptr);  // moved into the import
      column.reset();                     // the original is gone; imported buffers keep it alive
      EXPECT_EQ(g_release_calls, 0);
      std::vector<Value> expected(values.begin() + offset, values.begin() + offset + length);
      EXPECT_EQ(ColumnValues(*imported), expected);
      EXPECT_EQ(imported->offset(), offset);
      if (type->id() != TypeId::kStruct && offset + length > 0) {
        EXPECT_TRUE(imported->buffers()[1]->is_foreign());  // zero-copy
      }
      // Derived columns share the foreign buffers; release waits for the last of them.
      ColumnRef derived = imported->Slice(0, length);
      imported.reset();
      EXPECT_EQ(g_release_calls, 0);
      derived.reset();
      EXPECT_EQ(g_release_calls, 1);
    }
  }
}

TEST(ArrowRoundTripTest, StructSliceExportsChildrenWhole) {
  TypeRef type = StructType({{"a", Int64Type(), true}, {"b", StringType(), true}});
  std::vector<Value> values;
  for (int i = 0; i < 10; ++i) {
    values.push_back(Value::Nested(type, {Value::Int64(i), Value::String(std::string(i, 'x'))}));
  }
  ColumnRef column = MakeColumn(type, values)->Slice(4, 3);
  ArrowArray array;
  ASSERT_OK(ExportColumn(column, &array));
  EXPECT_EQ(array.offset, 4);
  EXPECT_EQ(array.n_buffers, 1);
  ASSERT_EQ(array.n_children, 2);
  EXPECT_EQ(array.children[0]->length, 10);  // unsliced child; the parent's offset applies
  EXPECT_EQ(array.children[0]->offset, 0);
  EXPECT_EQ(static_cast<const int64_t*>(array.children[0]->buffers[1])[4], 4);
  ASSERT_OK_AND_ASSIGN(ColumnRef imported, ImportColumn(&array, type));
  EXPECT_EQ(imported->StructField(1)->StringValue(2), "xxxxxx");
}

TEST(ArrowRoundTripTest, BatchRoundTrip) {
  auto schema = std::make_shared<Schema>(
      std::vector<Field>{{"id", Int64Type(), false}, {"tags", ListType(StringType()), true}});
  std::mt19937 rng(5);
  std::vector<Value> ids;
  for (int i = 0; i < 30; ++i) ids.push_back(Value::Int64(i));
  ASSERT_OK_AND_ASSIGN(Batch batch,
                       Batch::Make(schema,
                                   {MakeColumn(Int64Type(), ids),
                                    MakeColumn(ListType(StringType()),
                                               RandomValues(ListType(StringType()), 30, rng))},
                                   30));
  Batch slice = batch.Slice(5, 20);
  std::string expected = BatchToRowsText(slice);
  ArrowSchema out_schema;
  ArrowArray out_array;
  ASSERT_OK(ExportBatch(slice, &out_schema, &out_array));
  EXPECT_STREQ(out_schema.format, "+s");
  EXPECT_EQ(out_array.length, 20);
  EXPECT_EQ(out_array.n_children, 2);
  batch = Batch();
  slice = Batch();
  InstallCountingRelease(&out_array);
  {
    ASSERT_OK_AND_ASSIGN(Batch imported, ImportBatch(&out_array, &out_schema));
    EXPECT_TRUE(imported.schema()->Equals(*schema));
    EXPECT_EQ(BatchToRowsText(imported), expected);
    EXPECT_EQ(g_release_calls, 0);
  }
  EXPECT_EQ(g_release_calls, 1);
  out_schema.release(&out_schema);
}

// A producer that is not us: plain malloc'd buffers, no validity bitmap, a non-zero offset.
struct ForeignInts {
  static int releases;
  static void Release(ArrowArray* array) {
    std::free(const_cast<void*>(array->buffers[1]));
    std::free(array->buffers);
    array->release = nullptr;
    ++releases;
  }
};
int ForeignInts::releases = 0;

TEST(ArrowImportTest, ForeignArrayWithOffsetAndNoValidity) {
  ForeignInts::releases = 0;
  auto* values = static_cast<int32_t*>(std::malloc(5 * sizeof(int32_t)));
  for (int i = 0; i < 5; ++i) values[i] = i * 10;
  auto** buffers = static_cast<const void**>(std::malloc(2 * sizeof(void*)));
  buffers[0] = nullptr;
  buffers[1] = values;
  ArrowArray array{3, 0, 2, 2, 0, buffers, nullptr, nullptr, &ForeignInts::Release, nullptr};
  ASSERT_OK_AND_ASSIGN(ColumnRef column, ImportColumn(&array, Int32Type()));
  EXPECT_EQ(array.release, nullptr);
  EXPECT_EQ(column->null_count(), 0);
  EXPECT_EQ(column->Values<int32_t>()[0], 20);
  EXPECT_EQ(column->Values<int32_t>()[2], 40);
  column.reset();
  EXPECT_EQ(ForeignInts::releases, 1);
}

TEST(ArrowImportTest, InvalidArrayIsReleasedOnce) {
  ForeignInts::releases = 0;
  auto* values = static_cast<int32_t*>(std::malloc(2 * sizeof(int32_t)));
  auto** buffers = static_cast<const void**>(std::malloc(2 * sizeof(void*)));
  buffers[0] = nullptr;
  buffers[1] = values;
  // Imported as STRING, which needs three buffers.
  ArrowArray array{2, 0, 0, 2, 0, buffers, nullptr, nullptr, &ForeignInts::Release, nullptr};
  ASSERT_RAISES(kDecode, "Arrow array for STRING has 2 buffers, 3 expected",
                ImportColumn(&array, StringType()));
  EXPECT_EQ(array.release, nullptr);
  EXPECT_EQ(ForeignInts::releases, 1);
  ASSERT_RAISES(kDecode, "released", ImportColumn(&array, Int32Type()));
}

}  // namespace
}  // namespace sluice
