// The catalog read model: listing order, filters, search, cursors, availability, versions.

#include "read_models/catalog_index.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>
#include <msgpack.hpp>

#include "actors/catalog/catalog_data.hpp"

namespace {

using namespace lakoo::catalog;
using namespace lakoo::read_models;
using lakoo::runtime::snapshot;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

template <class T>
std::string pack(const T& x) {
  msgpack::sbuffer buf;
  msgpack::pack(buf, x);
  return {buf.data(), buf.size()};
}

struct product_spec {
  std::string id;
  int64_t version = 1;
  std::string status = "active";
  std::string title = "Kaos Polos";
  std::string description = "";
  std::string category = "fashion";
  std::string seller = "sel_a";
  int64_t created = 1000;
  std::vector<std::pair<std::string, int64_t>> variants{}; ///< sku, price
};

snapshot product(const product_spec& p) {
  product_data d;
  d.seller_id = p.seller;
  d.owner_user_id = "usr_" + p.seller;
  d.title = p.title;
  d.description = p.description;
  d.category = p.category;
  REQUIRE(parse(p.status, d.status));
  d.created_at = p.created;
  for (const auto& [sku, price] : p.variants) {
    d.variants.push_back({sku, price, "IDR", {"size"}, {"M"}});
  }
  return snapshot{"product", p.id, 0, p.version, 1, pack(d)};
}

snapshot sku(const std::string& id, const std::string& product_id, int64_t version, int64_t stock,
             std::vector<reservation> live = {}) {
  sku_data d;
  d.defined = true;
  d.product_id = product_id;
  d.seller_id = "sel_a";
  d.stock = stock;
  d.live = std::move(live);
  return snapshot{"sku", id, 0, version, 1, pack(d)};
}

std::vector<std::string> ids(const listing_page& page) {
  std::vector<std::string> out;
  for (const auto& item : page.items) {
    out.push_back(item.product->id);
  }
  return out;
}

listing_page must_query(const catalog_index& index, listing_query q) {
  auto page = index.query(q);
  REQUIRE(page);
  return *page;
}

} // namespace

TEST_CASE("words are lower-cased and split at anything but letters and digits", "[catalog]") {
  CHECK(words_of("Kaos POLOS, katun-30s!")
        == std::vector<std::string>{"kaos", "polos", "katun", "30s"});
  CHECK(words_of("  ") == std::vector<std::string>{});
  CHECK(words_of("CAFÉ Crème") == std::vector<std::string>{"café", "crème"});
  CHECK(words_of("ŁÓDŹ") == std::vector<std::string>{"łódź"});
  CHECK(words_of("tas\xe2\x80\x94kulit") == std::vector<std::string>{"tas", "kulit"}); // em dash
  CHECK(words_of("a\xff"
                 "b")
        == std::vector<std::string>{"a", "b"}); // invalid UTF-8 splits
}

TEST_CASE("only active products are listed, newest first", "[catalog]") {
  catalog_index index;
  index.apply({product({"prd_1", 1, "active", "A", "", "fashion", "sel_a", 100}),
               product({"prd_2", 1, "draft", "B", "", "fashion", "sel_a", 200}),
               product({"prd_3", 1, "active", "C", "", "beauty", "sel_b", 300}),
               product({"prd_4", 1, "pending", "D", "", "beauty", "sel_b", 400}),
               product({"prd_5", 1, "rejected", "E", "", "beauty", "sel_b", 500})});
  CHECK(ids(must_query(index, {})) == std::vector<std::string>{"prd_3", "prd_1"});
  CHECK(index.size() == 2);
  CHECK(index.active_count("sel_a") == 1);
  CHECK(index.active_count("sel_b") == 1);
  CHECK(index.active_count("sel_c") == 0);
}

TEST_CASE("category (any case) and seller filters combine", "[catalog]") {
  catalog_index index;
  index.apply({product({"prd_1", 1, "active", "A", "", "Fashion", "sel_a", 100}),
               product({"prd_2", 1, "active", "B", "", "fashion", "sel_b", 200}),
               product({"prd_3", 1, "active", "C", "", "beauty", "sel_a", 300})});
  CHECK(ids(must_query(index, {"FASHION", "", "", 20, ""}))
        == std::vector<std::string>{"prd_2", "prd_1"});
  CHECK(ids(must_query(index, {"", "sel_a", "", 20, ""}))
        == std::vector<std::string>{"prd_3", "prd_1"});
  CHECK(ids(must_query(index, {"fashion", "sel_a", "", 20, ""}))
        == std::vector<std::string>{"prd_1"});
  CHECK(must_query(index, {"food", "", "", 20, ""}).items.empty());
  CHECK(must_query(index, {"", "sel_zzz", "", 20, ""}).items.empty());
}

TEST_CASE("cursor pages visit every product exactly once, even while others arrive", "[catalog]") {
  catalog_index index;
  std::vector<snapshot> batch;
  for (int i = 0; i < 57; ++i) {
    // Many share a second: the id breaks the tie.
    batch.push_back(product(
      {"prd_" + std::to_string(100 + i), 1, "active", "Item", "", "home", "sel_a", 1000 + i / 5}));
  }
  index.apply(batch);
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  for (;;) {
    auto page = must_query(index, {"", "", "", 10, cursor});
    for (const auto& id : ids(page)) {
      CHECK(seen.insert(id).second);
    }
    ++pages;
    if (pages == 2) { // a newer product arriving mid-way does not shift the later pages
      index.apply({product({"prd_new", 1, "active", "Item", "", "home", "sel_a", 5000})});
    }
    if (!page.next_cursor) {
      break;
    }
    cursor = *page.next_cursor;
  }
  CHECK(seen.size() == 57);
  CHECK(pages == 6);
}

TEST_CASE("a last full page has no next cursor", "[catalog]") {
  catalog_index index;
  index.apply({product({"prd_1", 1, "active", "A", "", "home", "sel_a", 1}),
               product({"prd_2", 1, "active", "B", "", "home", "sel_a", 2})});
  auto page = must_query(index, {"", "", "", 2, ""});
  CHECK(page.items.size() == 2);
  CHECK_FALSE(page.next_cursor);
}

TEST_CASE("search needs every word in the title or description, title hits first", "[catalog]") {
  catalog_index index;
  index.apply(
    {product({"prd_1", 1, "active", "Kaos Polos Hitam", "bahan katun", "fashion", "sel_a", 100}),
     product(
       {"prd_2", 1, "active", "Kemeja Katun", "warna hitam, kaos dalam", "fashion", "sel_a", 200}),
     product({"prd_3", 1, "active", "Serum Wajah", "untuk kulit kering", "beauty", "sel_b", 300}),
     product({"prd_4", 1, "draft", "Kaos Hitam", "", "fashion", "sel_a", 400})});
  CHECK(ids(must_query(index, {"", "", "kaos", 20, ""}))
        == std::vector<std::string>{"prd_1", "prd_2"});
  CHECK(ids(must_query(index, {"", "", "KATUN hitam", 20, ""}))
        == std::vector<std::string>{"prd_2", "prd_1"}); // both words; prd_2 has one in its title
  CHECK(ids(must_query(index, {"", "", "kulit", 20, ""})) == std::vector<std::string>{"prd_3"});
  CHECK(must_query(index, {"", "", "kaos serum", 20, ""}).items.empty());
  CHECK(must_query(index, {"", "", "sepatu", 20, ""}).items.empty());
  CHECK(ids(must_query(index, {"beauty", "", "kulit", 20, ""}))
        == std::vector<std::string>{"prd_3"});
  CHECK(must_query(index, {"fashion", "", "kulit", 20, ""}).items.empty());
  // Punctuation only is no search at all: the plain listing.
  CHECK(must_query(index, {"", "", "!!", 20, ""}).items.size() == 3);
}

TEST_CASE("search pages visit every hit exactly once in rank order", "[catalog]") {
  catalog_index index;
  std::vector<snapshot> batch;
  for (int i = 0; i < 33; ++i) {
    auto title = i % 3 == 0 ? "Batik Tulis" : "Kain Motif";
    batch.push_back(product({"prd_" + std::to_string(100 + i), 1, "active", title, "batik asli",
                             "fashion", "sel_a", 1000 + i % 4}));
  }
  index.apply(batch);
  std::vector<std::string> order;
  std::string cursor;
  for (;;) {
    auto page = must_query(index, {"", "", "batik", 7, cursor});
    for (const auto& item : page.items) {
      order.push_back(item.product->id);
    }
    if (!page.next_cursor) {
      break;
    }
    cursor = *page.next_cursor;
  }
  REQUIRE(order.size() == 33);
  CHECK(std::set<std::string>(order.begin(), order.end()).size() == 33);
  for (size_t i = 0; i < 11; ++i) { // the 11 title hits come first
    CHECK(std::stoi(order[i].substr(4)) % 3 == 1);
  }
}

TEST_CASE("cursors of another listing or garbage are refused", "[catalog]") {
  catalog_index index;
  for (const auto* c : {"garbage", "n.abc.prd_1", "n.1", "r.1.2.prd_1", "n..prd_1", "n.1."}) {
    CHECK_FALSE(index.query({"", "", "", 20, c}));
  }
  CHECK_FALSE(index.query({"", "", "kaos", 20, "n.1.prd_1"}));
  CHECK(index.query({"", "", "kaos", 20, "r.1.2.prd_1"}));
}

TEST_CASE("versions only move forward, a change of status, title or price shows at once",
          "[catalog]") {
  catalog_index index;
  index.apply(
    {product({"prd_1", 3, "active", "Tas Rotan", "", "home", "sel_a", 1, {{"TR-1", 150000}}})});
  index.apply({product({"prd_1", 2, "draft", "Old", "", "home", "sel_a", 1, {{"TR-1", 1}}})});
  auto page = must_query(index, {"", "", "rotan", 20, ""});
  REQUIRE(page.items.size() == 1);
  CHECK(page.items[0].product->variants.at(0).price == 150000);

  index.apply(
    {product({"prd_1", 4, "active", "Tas Anyaman", "", "home", "sel_a", 1, {{"TR-1", 99000}}})});
  CHECK(must_query(index, {"", "", "rotan", 20, ""}).items.empty());
  page = must_query(index, {"", "", "anyaman", 20, ""});
  REQUIRE(page.items.size() == 1);
  CHECK(page.items[0].product->variants.at(0).price == 99000);

  index.apply({product({"prd_1", 5, "rejected", "Tas Anyaman", "", "home", "sel_a", 1})});
  CHECK(must_query(index, {}).items.empty());
  CHECK(must_query(index, {"", "", "anyaman", 20, ""}).items.empty());
  CHECK(index.active_count("sel_a") == 0);
}

TEST_CASE("available is stock minus reservations that are still live", "[catalog]") {
  catalog_index index;
  auto now = now_ms();
  index.apply({product({"prd_1",
                        1,
                        "active",
                        "Sambal",
                        "",
                        "food",
                        "sel_a",
                        1,
                        {{"SB-1", 25000}, {"SB-2", 30000}, {"SB-3", 35000}}}),
               sku("SB-1", "prd_1", 4, 10, {{"k1", 3, now + 600000}, {"k2", 4, now - 1}}),
               sku("SB-2", "prd_1", 1, 2, {{"k3", 5, now + 600000}}),
               sku("SB-3", "prd_other", 1, 50)}); // claimed by another product: not ours
  auto page = must_query(index, {});
  REQUIRE(page.items.size() == 1);
  CHECK(page.items[0].available == std::vector<int64_t>{7, 0, 0});
  index.apply({sku("SB-1", "prd_1", 3, 1000)}); // older: ignored
  index.apply({sku("SB-1", "prd_1", 5, 20)});
  CHECK(must_query(index, {}).items[0].available.at(0) == 20);
}

TEST_CASE("unreadable snapshots are skipped, the rest of the batch applies", "[catalog]") {
  catalog_index index;
  index.apply({snapshot{"product", "prd_bad", 0, 1, 1, "\xc1\xc1\xc1"},
               product({"prd_ok", 1, "active", "Ok", "", "home", "sel_a", 1}),
               snapshot{"user", "usr_1", 0, 1, 1, "whatever"}});
  CHECK(ids(must_query(index, {})) == std::vector<std::string>{"prd_ok"});
}

TEST_CASE("a large batch (bulk load) orders and searches like one product at a time", "[catalog]") {
  std::vector<snapshot> batch;
  for (int i = 0; i < 700; ++i) {
    int n = (i * 7919) % 700; // shuffled
    auto title = std::string{n % 2 ? "Kopi Gayo" : "Teh Melati"} + (n % 5 ? "" : " kopi");
    batch.push_back(product(
      {"prd_" + std::to_string(1000 + n), 1, "active", title, "", "food", "sel_a", 100 + n / 3}));
  }
  catalog_index bulk;
  bulk.apply(batch);
  catalog_index one_by_one;
  for (const auto& s : batch) {
    one_by_one.apply({s});
  }
  for (const auto* q : {"", "kopi", "kopi teh", "melati"}) {
    std::vector<std::string> a, b;
    std::string ca, cb;
    do {
      auto pa = must_query(bulk, {"", "", q, 50, ca});
      auto pb = must_query(one_by_one, {"", "", q, 50, cb});
      for (const auto& id : ids(pa)) {
        a.push_back(id);
      }
      for (const auto& id : ids(pb)) {
        b.push_back(id);
      }
      ca = pa.next_cursor.value_or("");
      cb = pb.next_cursor.value_or("");
    } while (!ca.empty() && !cb.empty());
    INFO("q=" << q);
    CHECK(a == b);
    CHECK(ca == cb);
  }
  auto all = must_query(bulk, {"", "", "", 100, ""});
  REQUIRE(all.items.size() == 100);
  for (size_t i = 1; i < all.items.size(); ++i) {
    const auto& x = *all.items[i - 1].product;
    const auto& y = *all.items[i].product;
    CHECK(std::tie(x.created_at, x.id) > std::tie(y.created_at, y.id));
  }
  CHECK(must_query(bulk, {"", "", "kopi", 100, ""}).items.size() == 100);
}

TEST_CASE("a renderer's pieces come with each listed product", "[catalog]") {
  catalog_index index{[](const lakoo::protocol::product_view& p) {
    return rendered_product{std::vector<std::string>(p.variants.size() + 1, p.id)};
  }};
  index.apply({product({"prd_1", 1, "active", "A", "", "home", "sel_a", 1, {{"S1", 5}, {"S2", 6}}}),
               product({"prd_2", 1, "draft", "B", "", "home", "sel_a", 2, {{"S3", 5}}})});
  auto page = must_query(index, {});
  REQUIRE(page.items.size() == 1);
  REQUIRE(page.items[0].rendered);
  CHECK(page.items[0].rendered->pieces == std::vector<std::string>{"prd_1", "prd_1", "prd_1"});
}

TEST_CASE("search pages equal a brute-force ranking, for one to three words and filters",
          "[catalog]") {
  const std::vector<std::string> vocab{"kopi", "teh", "gula", "aren", "susu", "madu", "jahe"};
  std::mt19937 rng{7};
  std::vector<snapshot> batch;
  struct row {
    std::string id, title, text, category;
    int64_t created;
  };
  std::vector<row> rows;
  for (int i = 0; i < 400; ++i) {
    auto pick = [&](int n) {
      std::string s;
      for (int k = 0; k < n; ++k) {
        s += vocab[rng() % vocab.size()] + " ";
      }
      return s;
    };
    row r{"prd_" + std::to_string(10000 + i), pick(1 + static_cast<int>(rng() % 3)),
          pick(static_cast<int>(rng() % 4)), rng() % 3 ? "food" : "home",
          static_cast<int64_t>(rng() % 50)};
    rows.push_back(r);
    batch.push_back(product({r.id, 1, "active", r.title, r.text, r.category, "sel_a", r.created}));
  }
  catalog_index index;
  index.apply(batch);
  for (const std::string q : {"kopi", "kopi susu", "teh jahe madu", "aren gula"}) {
    for (const std::string category : {"", "home"}) {
      auto qw = words_of(q);
      std::vector<std::tuple<int64_t, int64_t, std::string>> expected;
      for (const auto& r : rows) {
        auto tw = words_of(r.title);
        auto all = words_of(r.title + " " + r.text);
        int64_t score = 0;
        bool every = true;
        for (const auto& w : qw) {
          every = every && std::find(all.begin(), all.end(), w) != all.end();
          score += std::find(tw.begin(), tw.end(), w) != tw.end() ? 1 : 0;
        }
        if (every && (category.empty() || r.category == category)) {
          expected.emplace_back(score, r.created, r.id);
        }
      }
      std::sort(expected.rbegin(), expected.rend());
      std::vector<std::string> got;
      std::string cursor;
      do {
        auto page = must_query(index, {category, "", q, 7, cursor});
        for (const auto& id : ids(page)) {
          got.push_back(id);
        }
        cursor = page.next_cursor.value_or("");
      } while (!cursor.empty());
      std::vector<std::string> want;
      for (const auto& e : expected) {
        want.push_back(std::get<2>(e));
      }
      INFO("q=" << q << " category=" << category);
      CHECK(got == want);
    }
  }
}
