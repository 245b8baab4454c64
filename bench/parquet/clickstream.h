// A clickstream-shaped batch (the datagen connector's columns), built directly as columns.
#pragma once

#include <cstdint>
#include <string>

#include "columnar/batch.h"
#include "columnar/builder.h"

namespace sluice::bench {

inline Batch ClickstreamBatch(int64_t rows) {
  static const char* const kTypes[] = {"page_view", "page_view",   "page_view", "click",
                                       "click",     "add_to_cart", "search",    "purchase"};
  static const char* const kCountries[] = {"US", "DE", "FR", "GB", "JP", "BR", "IN", "CA"};
  static const char* const kOs[] = {"ios", "android", "windows", "macos", "linux"};
  static const char* const kBrowsers[] = {"safari", "chrome", "firefox", "edge"};
  TypeRef device = StructType({{"os", StringType()}, {"browser", StringType()}});
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"event_id", StringType(), false},
                                                            {"user_id", Int64Type(), false},
                                                            {"event_type", StringType(), false},
                                                            {"url", StringType(), false},
                                                            {"referrer", StringType()},
                                                            {"ts", TimestampType(), false},
                                                            {"price", DoubleType()},
                                                            {"qty", Int32Type(), false},
                                                            {"country", StringType(), false},
                                                            {"device", device},
                                                            {"tags", ListType(StringType())}});
  StringBuilder event_id, event_type, url, referrer, country;
  Int64Builder user_id(Int64Type()), ts(TimestampType());
  DoubleBuilder price(DoubleType());
  Int32Builder qty(Int32Type());
  StructBuilder devices(device);
  ListBuilder tags(ListType(StringType()));
  uint64_t state = 42;
  auto next = [&]() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  char id[40];
  for (int64_t row = 0; row < rows; ++row) {
    const uint64_t r = next();
    std::snprintf(id, sizeof(id), "%08llx-%04llx-4%03llx", static_cast<unsigned long long>(r >> 32),
                  static_cast<unsigned long long>((r >> 16) & 0xFFFF),
                  static_cast<unsigned long long>(r & 0xFFF));
    event_id.Append(id);
    user_id.Append(static_cast<int64_t>(1 + r % 10000));
    const char* type = kTypes[(r >> 8) % 8];
    event_type.Append(type);
    url.Append("https://shop.example.com/p/" + std::to_string((r >> 12) % 1000));
    if ((r >> 20) % 10 < 3) {
      referrer.AppendNull();
    } else {
      referrer.Append("https://ref.example.org/" + std::to_string((r >> 24) % 50));
    }
    ts.Append(1714564800000000LL + row * 1000 + static_cast<int64_t>((r >> 30) % 500));
    const bool sale = type[0] == 'a' || (type[0] == 'p' && type[1] == 'u');
    if (sale) {
      price.Append(static_cast<double>((r >> 34) % 100000) / 100.0);
    } else {
      price.AppendNull();
    }
    qty.Append(sale ? static_cast<int32_t>(1 + (r >> 40) % 5) : 1);
    country.Append(kCountries[(r >> 44) % 8]);
    if ((r >> 48) % 50 == 0) {
      devices.AppendNull();
    } else {
      static_cast<StringBuilder*>(devices.child(0))->Append(kOs[(r >> 50) % 5]);
      static_cast<StringBuilder*>(devices.child(1))->Append(kBrowsers[(r >> 53) % 4]);
      devices.Append();
    }
    if ((r >> 56) % 20 == 0) {
      tags.AppendNull();
    } else {
      for (uint64_t t = 0; t < (r >> 58) % 4; ++t) {
        static_cast<StringBuilder*>(tags.values())->Append("tag" + std::to_string((r >> t) % 12));
      }
      tags.Append();
    }
  }
  auto batch = Batch::Make(schema,
                           {event_id.Finish(), user_id.Finish(), event_type.Finish(), url.Finish(),
                            referrer.Finish(), ts.Finish(), price.Finish(), qty.Finish(),
                            country.Finish(), devices.Finish(), tags.Finish()},
                           rows);
  return std::move(batch).ValueOrDie();
}

}  // namespace sluice::bench
