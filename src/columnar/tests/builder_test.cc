// Builders, Column accessors, slices and MakeNull.
#include <string>
#include <vector>

#include "columnar/builder.h"
#include "columnar/column.h"
#include "columnar/value.h"
#include "testing/gtest_util.h"

namespace sluice {
namespace {

std::string CellsText(const Column& column) {
  std::string out;
  for (int64_t row = 0; row < column.length(); ++row) {
    if (row > 0) out += ',';
    AppendCellText(column, row, out);
  }
  return out;
}

TEST(BufferTest, AlignedAndZeroPadded) {
  auto buffer = Buffer::CopyOf("abc", 3);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(buffer->data()) % 64, 0u);
  EXPECT_EQ(buffer->size(), 3);
  EXPECT_EQ(buffer->capacity(), 64);
  for (int64_t i = 3; i < 64; ++i) EXPECT_EQ(buffer->data()[i], 0) << i;

  BufferBuilder builder;
  for (int i = 0; i < 1000; ++i) builder.AppendValue<int32_t>(i);
  const uint8_t* before = builder.data();
  auto finished = builder.Finish();
  EXPECT_EQ(finished->data(), before);  // handed over, not copied
  EXPECT_EQ(finished->size(), 4000);
  EXPECT_EQ(finished->capacity() % 64, 0);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(finished->data()) % 64, 0u);
  for (int64_t i = 4000; i < finished->capacity(); ++i) ASSERT_EQ(finished->data()[i], 0);
  EXPECT_EQ(finished->data_as<int32_t>()[999], 999);
  EXPECT_EQ(builder.size(), 0);

  builder.Append("xyz", 3);
  builder.Resize(1);
  builder.AppendZeros(2);
  auto shrunk = builder.Finish();
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(shrunk->data()), 3), std::string("x\0\0", 3));
}

TEST(BitUtilTest, CountSetBitsAndCopy) {
  std::vector<uint8_t> bits(40, 0);
  std::vector<bool> ref(320, false);
  uint32_t state = 12345;
  for (int64_t i = 0; i < 320; ++i) {
    state = state * 1103515245u + 12345u;
    bool v = (state >> 16) & 1;
    ref[static_cast<size_t>(i)] = v;
    bit_util::SetBitTo(bits.data(), i, v);
  }
  for (int64_t offset : {0, 1, 7, 8, 13, 64, 65}) {
    for (int64_t length : {0, 1, 7, 8, 9, 63, 64, 65, 200, 320 - 65}) {
      int64_t expected = 0;
      for (int64_t i = offset; i < offset + length; ++i) expected += ref[static_cast<size_t>(i)];
      ASSERT_EQ(bit_util::CountSetBits(bits.data(), offset, length), expected)
          << offset << "+" << length;
      for (int64_t dst_offset : {0, 3, 8}) {
        std::vector<uint8_t> dst(48, 0xAA);
        bit_util::CopyBitmap(bits.data(), offset, length, dst.data(), dst_offset);
        for (int64_t i = 0; i < length; ++i) {
          ASSERT_EQ(bit_util::GetBit(dst.data(), dst_offset + i),
                    ref[static_cast<size_t>(offset + i)]);
        }
        // Bits around the copied range are untouched (0xAA pattern).
        for (int64_t i = 0; i < dst_offset; ++i)
          ASSERT_EQ(bit_util::GetBit(dst.data(), i), (i & 1));
        int64_t after = dst_offset + length;
        ASSERT_EQ(bit_util::GetBit(dst.data(), after), (after & 1) != 0);
      }
    }
  }
}

TEST(BuilderTest, Int64NoNullsHasNoValidity) {
  Int64Builder builder(Int64Type());
  builder.Reserve(3);
  builder.Append(1);
  builder.Append(-2);
  builder.Append(INT64_MAX);
  ColumnRef column = builder.Finish();
  EXPECT_EQ(column->length(), 3);
  EXPECT_EQ(column->null_count(), 0);
  EXPECT_EQ(column->buffers()[0], nullptr);
  EXPECT_EQ(column->validity(), nullptr);
  EXPECT_EQ(column->Values<int64_t>()[2], INT64_MAX);
  EXPECT_EQ(CellsText(*column), "1,-2,9223372036854775807");
  // Reusable after Finish.
  EXPECT_EQ(builder.length(), 0);
  builder.Append(7);
  ColumnRef second = builder.Finish();
  EXPECT_EQ(second->length(), 1);
  EXPECT_EQ(second->Values<int64_t>()[0], 7);
}

TEST(BuilderTest, LazyValidityBackfillsOnes) {
  Int32Builder builder(Int32Type());
  for (int i = 0; i < 10; ++i) builder.Append(i);
  builder.AppendNull();
  builder.Append(11);
  ColumnRef column = builder.Finish();
  ASSERT_EQ(column->length(), 12);
  EXPECT_EQ(column->null_count(), 1);
  ASSERT_NE(column->validity(), nullptr);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(column->IsNull(i), i == 10) << i;
  EXPECT_EQ(CellsText(*column), "0,1,2,3,4,5,6,7,8,9,NULL,11");
  // The next column built by the same builder starts without a bitmap.
  builder.Append(1);
  EXPECT_EQ(builder.Finish()->buffers()[0], nullptr);
}

TEST(BuilderTest, AllPrimitiveTypesWithNulls) {
  BooleanBuilder booleans;
  DoubleBuilder doubles(DoubleType());
  StringBuilder strings;
  Int64Builder timestamps(TimestampType());
  Int32Builder dates(DateType());
  for (int i = 0; i < 20; ++i) {
    if (i % 3 == 1) {
      booleans.AppendNull();
      doubles.AppendNull();
      strings.AppendNull();
      timestamps.AppendNull();
      dates.AppendNull();
    } else {
      booleans.Append(i % 2 == 0);
      doubles.Append(i + 0.5);
      strings.Append(std::string(static_cast<size_t>(i % 4), 'x'));
      timestamps.Append(int64_t{1714564800} * 1000000 + i);
      dates.Append(19844 + i);
    }
  }
  ColumnRef b = booleans.Finish();
  ColumnRef d = doubles.Finish();
  ColumnRef s = strings.Finish();
  ColumnRef t = timestamps.Finish();
  ColumnRef dt = dates.Finish();
  for (const ColumnRef& c : {b, d, s, t, dt}) {
    EXPECT_EQ(c->length(), 20);
    EXPECT_EQ(c->null_count(), 7);
  }
  EXPECT_EQ(t->type()->ToString(), "TIMESTAMP");
  EXPECT_EQ(dt->type()->ToString(), "DATE");
  std::string cell;
  AppendCellText(*b, 0, cell);
  cell += ',';
  AppendCellText(*b, 1, cell);
  cell += ',';
  AppendCellText(*b, 3, cell);
  cell += ',';
  AppendCellText(*d, 3, cell);
  cell += ',';
  AppendCellText(*s, 3, cell);
  cell += ',';
  AppendCellText(*s, 0, cell);
  cell += ',';
  AppendCellText(*t, 2, cell);
  cell += ',';
  AppendCellText(*dt, 0, cell);
  EXPECT_EQ(cell, "true,NULL,false,3.5,xxx,,2024-05-01 12:00:00.000002,2024-05-01");
}

TEST(BuilderTest, StringsEmptyAndUtf8) {
  StringBuilder builder;
  builder.Append("");
  builder.Append("héllo wörld");
  builder.Append("日本語");
  builder.AppendNull();
  builder.Append("");
  ColumnRef column = builder.Finish();
  EXPECT_EQ(column->StringValue(0), "");
  EXPECT_EQ(column->StringValue(1), "héllo wörld");
  EXPECT_EQ(column->StringValue(2), "日本語");
  EXPECT_TRUE(column->IsNull(3));
  EXPECT_EQ(column->StringValue(3), "");
  EXPECT_EQ(column->StringValue(4), "");
  EXPECT_EQ(column->Offsets()[5], static_cast<int32_t>(std::string("héllo wörld日本語").size()));
}

TypeRef UserAgentType() {
  return StructType({{"os", StringType(), true}, {"browser", StringType(), true}});
}

TEST(BuilderTest, NestedWithNullsAtEveryLevel) {
  // ARRAY<STRUCT<os: STRING, browser: STRING>>
  TypeRef type = ListType(UserAgentType());
  auto builder = ColumnBuilder::Make(type);
  auto* list = static_cast<ListBuilder*>(builder.get());
  auto* structs = static_cast<StructBuilder*>(list->values());
  auto* os = static_cast<StringBuilder*>(structs->child(0));
  auto* browser = static_cast<StringBuilder*>(structs->child(1));
  // Row 0: [{ios, chrome}, NULL, {NULL, x}]
  os->Append("ios");
  browser->Append("chrome");
  structs->Append();
  structs->AppendNull();
  os->AppendNull();
  browser->Append("x");
  structs->Append();
  list->Append();
  // Row 1: NULL
  list->AppendNull();
  // Row 2: []
  list->Append();
  ColumnRef column = list->Finish();
  ASSERT_EQ(column->length(), 3);
  EXPECT_EQ(column->null_count(), 1);
  EXPECT_EQ(column->ListValues()->length(), 3);
  EXPECT_EQ(column->ListValues()->null_count(), 1);
  EXPECT_EQ(column->ListValues()->children()[0]->null_count(), 2);
  EXPECT_EQ(CellsText(*column),
            "[{os: ios, browser: chrome}, NULL, {os: NULL, browser: x}],NULL,[]");
  EXPECT_EQ(column->type()->ToString(), "ARRAY<STRUCT<os: STRING, browser: STRING>>");

  // AppendFrom copies every row (nested) into a new builder.
  auto copy = ColumnBuilder::Make(type);
  for (int64_t row = 2; row >= 0; --row) copy->AppendFrom(*column, row);
  ColumnRef copied = copy->Finish();
  EXPECT_EQ(CellsText(*copied),
            "[],NULL,[{os: ios, browser: chrome}, NULL, {os: NULL, browser: x}]");
}

TEST(BuilderTest, AppendFromSlicedStruct) {
  auto builder = ColumnBuilder::Make(UserAgentType());
  auto* s = static_cast<StructBuilder*>(builder.get());
  for (int i = 0; i < 5; ++i) {
    static_cast<StringBuilder*>(s->child(0))->Append("os" + std::to_string(i));
    static_cast<StringBuilder*>(s->child(1))->Append("b" + std::to_string(i));
    s->Append();
  }
  ColumnRef column = s->Finish();
  ColumnRef slice = column->Slice(2, 2);
  auto copy = ColumnBuilder::Make(UserAgentType());
  copy->AppendFrom(*slice, 1);
  EXPECT_EQ(CellsText(*copy->Finish()), "{os: os3, browser: b3}");
  EXPECT_EQ(CellsText(*slice->StructField(1)), "b2,b3");
}

TEST(ColumnTest, SliceOfSlice) {
  Int64Builder builder(Int64Type());
  for (int i = 0; i < 100; ++i) {
    if (i % 10 == 0) {
      builder.AppendNull();
    } else {
      builder.Append(i);
    }
  }
  ColumnRef column = builder.Finish();
  EXPECT_EQ(column->null_count(), 10);
  ColumnRef a = column->Slice(5, 50);  // rows 5..54: nulls at 10,20,30,40,50
  EXPECT_EQ(a->null_count(), 5);
  ColumnRef b = a->Slice(6, 4);  // rows 11..14: none
  EXPECT_EQ(b->offset(), 11);
  EXPECT_EQ(b->null_count(), 0);
  EXPECT_EQ(b->validity(), nullptr);
  EXPECT_EQ(CellsText(*b), "11,12,13,14");
  ColumnRef c = a->Slice(14, 3);  // rows 19..21
  EXPECT_EQ(CellsText(*c), "19,NULL,21");
  EXPECT_EQ(c->null_count(), 1);
  EXPECT_EQ(c->buffers()[1], column->buffers()[1]);  // zero-copy
}

TEST(ColumnTest, SliceOfListAndStrings) {
  auto builder = ColumnBuilder::Make(ListType(StringType()));
  auto* list = static_cast<ListBuilder*>(builder.get());
  auto* values = static_cast<StringBuilder*>(list->values());
  for (int i = 0; i < 6; ++i) {
    if (i == 3) {
      list->AppendNull();
      continue;
    }
    for (int e = 0; e < i; ++e) values->Append(std::to_string(i) + std::to_string(e));
    list->Append();
  }
  ColumnRef column = list->Finish();
  EXPECT_EQ(CellsText(*column), "[],[10],[20, 21],NULL,[40, 41, 42, 43],[50, 51, 52, 53, 54]");
  ColumnRef slice = column->Slice(2, 3)->Slice(1, 2);
  EXPECT_EQ(CellsText(*slice), "NULL,[40, 41, 42, 43]");
  EXPECT_EQ(slice->null_count(), 1);
  EXPECT_EQ(CellsText(*column->ListValues()->Slice(2, 2)), "21,40");
}

TEST(ColumnTest, MakeNullEveryType) {
  std::vector<TypeRef> types = {BooleanType(), Int32Type(),     Int64Type(),
                                DoubleType(),  StringType(),    TimestampType(),
                                DateType(),    UserAgentType(), ListType(ListType(Int64Type()))};
  for (const TypeRef& type : types) {
    ColumnRef column = Column::MakeNull(type, 3);
    EXPECT_EQ(column->length(), 3);
    EXPECT_EQ(column->null_count(), 3) << type->ToString();
    EXPECT_EQ(CellsText(*column), "NULL,NULL,NULL");
    // The null column passes validation.
    ASSERT_OK(Column::Make(type, 3, column->buffers(), column->children()));
    EXPECT_EQ(Value::FromColumn(*column, 1), Value(type));
  }
  ColumnRef s = Column::MakeNull(UserAgentType(), 2);
  EXPECT_EQ(s->StructField(0)->null_count(), 2);
  ColumnRef l = Column::MakeNull(ListType(Int64Type()), 2);
  EXPECT_EQ(l->Offsets()[2], 0);
  EXPECT_EQ(l->ListValues()->length(), 0);
}

TEST(ColumnTest, MakeValidates) {
  auto values = Buffer::AllocateZeroed(16);
  ASSERT_OK_AND_ASSIGN(ColumnRef ok, Column::Make(Int64Type(), 2, {nullptr, values}, {}));
  EXPECT_EQ(ok->null_count(), 0);
  ASSERT_RAISES(kInternal, "values buffer has 16 bytes, 24 needed",
                Column::Make(Int64Type(), 3, {nullptr, values}, {}));
  ASSERT_RAISES(kInternal, "values buffer has 16 bytes, 24 needed",
                Column::Make(Int64Type(), 2, {nullptr, values}, {}, -1, 1));
  ASSERT_RAISES(kInternal, "1 buffers given, 2 expected",
                Column::Make(Int64Type(), 2, {values}, {}));
  ASSERT_RAISES(kInternal, "nulls but no validity",
                Column::Make(Int64Type(), 2, {nullptr, values}, {}, 1));

  // Null count computed from the bitmap.
  auto validity = Buffer::CopyOf("\x05", 1);  // rows 0 and 2 valid
  ASSERT_OK_AND_ASSIGN(ColumnRef with_nulls,
                       Column::Make(Int32Type(), 3, {validity, Buffer::AllocateZeroed(12)}, {}));
  EXPECT_EQ(with_nulls->null_count(), 1);
  EXPECT_TRUE(with_nulls->IsNull(1));

  // Offsets must be monotonic and fit the data.
  int32_t bad_offsets[] = {0, 3, 2};
  ASSERT_RAISES(
      kInternal, "not monotonic",
      Column::Make(StringType(), 2,
                   {nullptr, Buffer::CopyOf(bad_offsets, 12), Buffer::CopyOf("abc", 3)}, {}));
  int32_t long_offsets[] = {0, 3, 5};
  ASSERT_RAISES(
      kInternal, "data buffer has 3 bytes, 5 needed",
      Column::Make(StringType(), 2,
                   {nullptr, Buffer::CopyOf(long_offsets, 12), Buffer::CopyOf("abc", 3)}, {}));
  // Children: count, type, length.
  ColumnRef strings = Value::String("a").ToColumn(2);
  ASSERT_RAISES(kInternal, "1 children given, 2 expected",
                Column::Make(UserAgentType(), 2, {nullptr}, {strings}));
  ASSERT_RAISES(kInternal, "child 1 has type BIGINT, expected STRING",
                Column::Make(UserAgentType(), 2, {nullptr}, {strings, ok}));
  ASSERT_RAISES(
      kInternal, "child 1 ('browser') has 2 rows, 3 needed",
      Column::Make(UserAgentType(), 3, {nullptr}, {Value::String("a").ToColumn(3), strings}));
  int32_t list_offsets[] = {0, 1, 3};
  ASSERT_RAISES(kInternal, "values child has 2 rows, offsets need 3",
                Column::Make(ListType(StringType()), 2, {nullptr, Buffer::CopyOf(list_offsets, 12)},
                             {strings}));
}

}  // namespace
}  // namespace sluice
