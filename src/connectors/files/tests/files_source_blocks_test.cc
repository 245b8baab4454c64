// The files source reads a file in blocks of whole records (so that a file never has to fit in
// memory at once): whatever the block size, the rows and the bad records (their file/line
// coordinates, reasons and raw bytes) are exactly those of decoding the file whole — JSON lines,
// text and CSV (header, quoted newlines, comments, blank lines, CRLF, a BOM), plain, .gz (also
// several members) and .zst, complete or corrupt. Also: big files come out as several batches,
// bytes appended after the listing are ignored, a file that shrank is an error.
#include <zlib.h>
#include <zstd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "columnar/value.h"
#include "connectors/connector.h"
#include "formats/decode.h"
#include "testing/gtest_util.h"

namespace sluice {

// Defined in files_source.cc: the block size of the sources created afterwards (0 = default).
void SetFilesSourceBlockBytesForTesting(size_t bytes);

namespace {

std::string Gzip(const std::string& input) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
                         Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&stream, input.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::string Zstd(const std::string& input) {
  std::string out(ZSTD_compressBound(input.size()), '\0');
  size_t size = ZSTD_compress(out.data(), out.size(), input.data(), input.size(), 3);
  EXPECT_FALSE(ZSTD_isError(size));
  out.resize(size);
  return out;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

constexpr std::string_view kBom = "\xEF\xBB\xBF";

/// JSON lines of every kind: good, malformed, wrong types, blank, CRLF, long, a BOM mid-file.
std::string JsonInput(uint32_t seed, int lines) {
  std::mt19937 random(seed);
  std::string text = seed % 2 == 0 ? std::string(kBom) : "";
  for (int i = 0; i < lines; ++i) {
    const std::string eol = random() % 5 == 0 ? "\r\n" : "\n";
    switch (random() % 12) {
      case 0:
        text += "{\"id\": " + std::to_string(i) + ", \"name\": ";  // cut short
        break;
      case 1:
        text += "{\"id\": \"x" + std::to_string(i) + "\"}";
        break;
      case 2:
        text += "   ";
        break;
      case 3:
        text += "{\"id\": " + std::to_string(i) + ", \"name\": \"" +
                std::string(200 + random() % 300, 'a' + static_cast<char>(i % 26)) + "\"}";
        break;
      case 4:
        text += std::string(kBom) + "{\"id\": " + std::to_string(i) + "}";
        break;
      case 5:
        text += "[1, 2]";
        break;
      default:
        text +=
            "{\"id\": " + std::to_string(i) + ", \"name\": \"r\\u00e9 " + std::to_string(i) + "\"}";
    }
    text += eol;
  }
  if (seed % 3 == 0) text += "{\"id\": -1, \"name\": \"no newline at the end\"}";
  return text;
}

/// CSV with quoted fields holding separators, quotes and newlines, escapes, comments, blank
/// lines, CRLF, text after a closing quote, a record ended by a lone CR, wrong field counts.
std::string CsvInput(uint32_t seed, int records, bool header) {
  std::mt19937 random(seed);
  std::string text = seed % 2 == 0 ? std::string(kBom) : "";
  if (header) text += random() % 2 == 0 ? "# a comment first\n\nid,name\n" : "\"id\",\"na\nme\"\n";
  for (int i = 0; i < records; ++i) {
    const std::string id = std::to_string(i);
    const std::string eol = random() % 5 == 0 ? "\r\n" : "\n";
    switch (random() % 14) {
      case 0:
        text += id + ",\"a, \"\"quoted\"\" name\"";
        break;
      case 1:
        text += id + ",\"two\nlines\r\nthree\"";
        break;
      case 2:
        text += id + ",\"escaped \\\" quote and \\\nnewline\"";
        break;
      case 3:
        text += "# comment " + id;
        break;
      case 4:
        break;  // a blank line
      case 5:
        text += id + ",\"closed\"junk after";
        break;
      case 6:
        text += id + ",\"lone cr\"\r" + id + "0,next";
        break;
      case 7:
        text += "x" + id + ",bad id";
        break;
      case 8:
        text += id + ",too,many";
        break;
      case 9:
        text += id + "," + std::string(100 + random() % 400, 'z');
        break;
      case 10:
        text += std::string(kBom) + id + ",bom";
        break;
      default:
        text += id + ",name " + id;
    }
    text += eol;
  }
  if (seed % 3 == 0) text += "9999,\"unterminated\nat the end";
  return text;
}

std::string TextInput(uint32_t seed, int lines) {
  std::mt19937 random(seed);
  std::string text = seed % 2 == 0 ? std::string(kBom) : "";
  for (int i = 0; i < lines; ++i) {
    switch (random() % 6) {
      case 0:
        break;
      case 1:
        text += std::string(kBom) + "bom " + std::to_string(i);
        break;
      case 2:
        text += std::string(50 + random() % 500, 'q');
        break;
      default:
        text += "line " + std::to_string(i);
    }
    text += random() % 4 == 0 ? "\r\n" : "\n";
  }
  if (seed % 3 == 0) text += "last, no newline";
  return text;
}

struct ReadResult {
  Status status;
  std::string rows;
  std::string bad;  // every bad record, one per line
  size_t batches = 0;
};

class FilesSourceBlocksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::TempDir();
    input_ = root_ + "/in";
    std::filesystem::create_directories(input_);
  }
  void TearDown() override { SetFilesSourceBlockBytesForTesting(0); }

  std::unique_ptr<Source> MakeSource(const std::string& format, const std::string& mode,
                                     std::map<std::string, std::string> extra,
                                     const std::string& state) {
    ConnectorRegistry registry = ConnectorRegistry::Builtin();
    const ConnectorDef* files = registry.Find("files");
    extra["path"] = input_;
    extra["format"] = format;
    extra["mode"] = mode;
    std::vector<RawOption> raw;
    for (const auto& [key, value] : extra) raw.push_back({key, value});
    auto options = ValidateOptions(files->source_options, raw, "files", nullptr);
    EXPECT_TRUE(options.ok()) << options.status().ToString();
    if (!options.ok()) return nullptr;
    SourceContext context;
    context.options = *options;
    if (format == "text") {
      context.schema = std::make_shared<Schema>(std::vector<Field>{{"value", StringType(), true}});
    } else {
      context.schema =
          std::make_shared<Schema>(std::vector<Field>{{"id", Int64Type(), true},
                                                      {"name", StringType(), true},
                                                      {"_corrupt_record", StringType(), true}});
    }
    context.state_dir = root_ + "/" + state;
    context.state_fs = LocalFileSystem();
    auto source = files->create_source(context);
    EXPECT_TRUE(source.ok()) << source.status().ToString();
    return source.ok() ? std::move(*source) : nullptr;
  }

  /// Every file of the input folder in one Read, by a fresh source with blocks of `block` bytes.
  ReadResult ReadAll(size_t block, const std::string& format,
                     const std::string& mode = "PERMISSIVE",
                     const std::map<std::string, std::string>& extra = {}) {
    SetFilesSourceBlockBytesForTesting(block);
    ReadResult result;
    auto source = MakeSource(format, mode, extra, "state-" + std::to_string(++sources_));
    if (source == nullptr) return result;
    auto end = source->PlanBatchEnd({{"0", 0}});
    EXPECT_TRUE(end.ok());
    std::vector<Batch> batches;
    result.status = source->Read("0", 0, end->at("0"), &batches);
    result.batches = batches.size();
    for (const Batch& batch : batches) result.rows += BatchToRowsText(batch);
    for (const BadRecord& bad : source->TakeBadRecords()) {
      result.bad += bad.coordinates + " | " + bad.reason_kind + " | " + bad.reason + " | " +
                    bad.raw + " | " + (bad.dropped ? "dropped" : "kept") + "\n";
    }
    return result;
  }

  /// Reads the input folder whole (one block per file) and in blocks of many sizes, and expects
  /// the same rows, bad records and status each time. Returns the whole read.
  ReadResult ExpectSameInBlocks(const std::string& format, const std::string& mode,
                                const std::map<std::string, std::string>& extra = {}) {
    ReadResult whole = ReadAll(size_t{4} << 20, format, mode, extra);  // every file in one block
    for (size_t block : {1, 2, 3, 5, 16, 61, 200, 1024, 4099, 65536}) {
      SCOPED_TRACE("block of " + std::to_string(block) + " bytes");
      ReadResult blocks = ReadAll(block, format, mode, extra);
      EXPECT_EQ(blocks.status.ToString(), whole.status.ToString());
      EXPECT_EQ(blocks.rows, whole.rows);
      EXPECT_EQ(blocks.bad, whole.bad);
    }
    return whole;
  }

  std::string root_;
  std::string input_;
  int sources_ = 0;
};

TEST_F(FilesSourceBlocksTest, JsonLinesAnyBlockSize) {
  for (uint32_t seed = 0; seed < 3; ++seed) {
    WriteFile(input_ + "/" + std::to_string(seed) + ".json", JsonInput(seed, 300));
  }
  for (const std::string mode : {"PERMISSIVE", "DROPMALFORMED", "FAILFAST"}) {
    SCOPED_TRACE(mode);
    ReadResult whole = ExpectSameInBlocks("json", mode);
    if (mode == "FAILFAST") {
      EXPECT_EQ(whole.status.code(), StatusCode::kDecode);
    } else {
      ASSERT_OK(whole.status);
      // The test can fail: bad records on lines past the first block, rows from every file.
      EXPECT_NE(whole.bad.find("0.json\",\"line\":2"), std::string::npos) << whole.bad;
      EXPECT_NE(whole.bad.find("\"line\":29"), std::string::npos) << whole.bad;
      EXPECT_NE(whole.rows.find("no newline at the end"), std::string::npos);
    }
  }
}

TEST_F(FilesSourceBlocksTest, CsvAnyBlockSize) {
  for (bool header : {false, true}) {
    SCOPED_TRACE(header ? "header" : "no header");
    std::filesystem::remove_all(input_);
    std::filesystem::create_directories(input_);
    for (uint32_t seed = 0; seed < 4; ++seed) {
      WriteFile(input_ + "/" + std::to_string(seed) + ".csv", CsvInput(seed, 200, header));
    }
    const std::map<std::string, std::string> options = {{"header", header ? "true" : "false"},
                                                        {"comment", "#"}};
    ReadResult whole = ExpectSameInBlocks("csv", "PERMISSIVE", options);
    ASSERT_OK(whole.status);
    EXPECT_NE(whole.rows.find("two\nlines"), std::string::npos);
    EXPECT_NE(whole.bad.find("field_count"), std::string::npos) << whole.bad;
    EXPECT_EQ(whole.rows.find("id,name"), std::string::npos) << "a header decoded as a row";
    EXPECT_EQ(whole.rows.find("na\nme"), std::string::npos) << "a header decoded as a row";
    ExpectSameInBlocks("csv", "DROPMALFORMED", options);
  }
}

TEST_F(FilesSourceBlocksTest, TextAnyBlockSize) {
  for (uint32_t seed = 0; seed < 3; ++seed) {
    WriteFile(input_ + "/" + std::to_string(seed) + ".txt", TextInput(seed, 300));
  }
  ReadResult whole = ExpectSameInBlocks("text", "PERMISSIVE");
  ASSERT_OK(whole.status);
  EXPECT_NE(whole.rows.find("last, no newline"), std::string::npos);
}

TEST_F(FilesSourceBlocksTest, CompressedAnyBlockSize) {
  const std::string a = JsonInput(7, 400);
  const std::string b = JsonInput(8, 300);
  WriteFile(input_ + "/a.json", a);
  WriteFile(input_ + "/b.json", b);
  const ReadResult plain = ReadAll(size_t{4} << 20, "json");
  ASSERT_OK(plain.status);
  std::filesystem::remove_all(input_);
  std::filesystem::create_directories(input_);
  // Same names once decompressed: a.json.gz is two gzip members (concatenated files).
  WriteFile(input_ + "/a.json.gz", Gzip(a.substr(0, 5000)) + Gzip(a.substr(5000)));
  WriteFile(input_ + "/b.json.zst", Zstd(b));
  ReadResult compressed = ExpectSameInBlocks("json", "PERMISSIVE");
  ASSERT_OK(compressed.status);
  EXPECT_EQ(compressed.rows, plain.rows);
  // The same bad records, but in files with other names.
  std::string renamed = compressed.bad;
  for (const auto& [from, to] :
       {std::pair<std::string, std::string>{"a.json.gz", "a.json"}, {"b.json.zst", "b.json"}}) {
    for (size_t at = renamed.find(from); at != std::string::npos; at = renamed.find(from, at)) {
      renamed.replace(at, from.size(), to);
    }
  }
  EXPECT_EQ(renamed, plain.bad);
}

TEST_F(FilesSourceBlocksTest, CorruptCompressedAnyBlockSize) {
  const std::string gz = Gzip(JsonInput(11, 3000));
  WriteFile(input_ + "/a.json.gz", gz.substr(0, gz.size() / 2));
  const std::string zst = Zstd(JsonInput(12, 3000));
  WriteFile(input_ + "/b.json.zst", zst.substr(0, zst.size() * 2 / 3));
  std::string garbage = Gzip(JsonInput(13, 500));
  garbage[garbage.size() / 2] ^= 0x5a;  // a damaged deflate stream (or a CRC mismatch)
  WriteFile(input_ + "/c.json.gz", garbage);
  WriteFile(input_ + "/d.json.gz", "");
  WriteFile(input_ + "/e.json.zst", "");
  ReadResult whole = ExpectSameInBlocks("json", "PERMISSIVE");
  ASSERT_OK(whole.status);
  EXPECT_NE(whole.bad.find("a.json.gz\",\"line\":"), std::string::npos) << whole.bad;
  EXPECT_NE(whole.bad.find("not a complete gzip stream"), std::string::npos) << whole.bad;
  EXPECT_NE(whole.bad.find("b.json.zst\",\"line\":"), std::string::npos) << whole.bad;
  EXPECT_NE(whole.bad.find("c.json.gz\",\"line\":"), std::string::npos) << whole.bad;
  EXPECT_NE(whole.bad.find("d.json.gz\",\"line\":1 | corrupt_file"), std::string::npos)
      << whole.bad;
  EXPECT_EQ(whole.bad.find("e.json.zst"), std::string::npos) << whole.bad;
  ExpectSameInBlocks("json", "FAILFAST");
}

TEST_F(FilesSourceBlocksTest, BigFilesComeOutInSeveralBatches) {
  std::string text;
  for (int i = 0; i < 150000; ++i) text += "{\"id\":" + std::to_string(i) + "}\n";
  WriteFile(input_ + "/big.json", text);
  WriteFile(input_ + "/small.json", "{\"id\":-1}\n");
  ReadResult result = ReadAll(size_t{256} << 10, "json");
  ASSERT_OK(result.status);
  EXPECT_EQ(std::count(result.rows.begin(), result.rows.end(), '\n'), 150001);
  EXPECT_GE(result.batches, 3u);  // batches of ~65536 rows, then the small file
  EXPECT_EQ(result.bad, "");
}

TEST_F(FilesSourceBlocksTest, ReadsTheSizeListedAndNoticesAShrink) {
  WriteFile(input_ + "/a.json", "{\"id\":1}\n{\"id\":2}\n");
  SetFilesSourceBlockBytesForTesting(4);
  auto source = MakeSource("json", "PERMISSIVE", {}, "state");
  ASSERT_NE(source, nullptr);
  ASSERT_OK_AND_ASSIGN(OffsetMap end, source->PlanBatchEnd({{"0", 0}}));
  ASSERT_EQ(end.at("0"), 1);
  // Bytes appended after the listing belong to nobody (files should appear complete).
  {
    std::ofstream out(input_ + "/a.json", std::ios::app);
    out << "{\"id\":3}\n";
  }
  std::vector<Batch> batches;
  ASSERT_OK(source->Read("0", 0, 1, &batches));
  std::string rows;
  for (const Batch& batch : batches) rows += BatchToRowsText(batch);
  EXPECT_EQ(rows, "1|NULL|NULL\n2|NULL|NULL\n");
  // A file cut after its listing: an error naming it, nothing read.
  std::filesystem::resize_file(input_ + "/a.json", 12);
  batches.clear();
  ASSERT_RAISES(kIO, "shrank from 18 to 12 bytes", source->Read("0", 0, 1, &batches));
  EXPECT_TRUE(batches.empty());
}

}  // namespace
}  // namespace sluice
