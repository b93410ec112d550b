// lakoo-catalog-fill: writes a large, believable catalog of ACTIVE products (with their skus)
// straight into a LAKOO database, for the listing and search benchmarks (bench/run.sh list,
// search). Deterministic (fixed seed, fixed ids), so a second run changes nothing: the store
// refuses the same versions again.
//
//   lakoo-catalog-fill <dsn> [products=100000] [shards=256]
//
// The database named in <dsn> is created when missing and migrated. Products are spread over
// 500 sellers (a few large ones), 8 categories and the last 365 days; titles and descriptions
// mix Indonesian and English words with a skewed (Zipf-like) frequency, 1-3 variants each.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include <msgpack.hpp>
#include <pqxx/pqxx>

#include "actors/catalog/catalog_data.hpp"
#include "actors/runtime/shard_map.hpp"
#include "bench/fill_support.hpp"

namespace {

using namespace lakoo;

// Top-level ids of the category tree (data/categories.tsv).
const std::vector<std::string> categories{
  "fashion",  "kecantikan", "rumah_tangga", "makanan_minuman",
  "ibu_bayi", "elektronik", "hobi",         "olahraga"};

// Weighted towards the start: word k is picked with probability ~ 1/(k+1).
const std::vector<std::string> title_words{
  "kaos",   "kemeja",   "batik",   "hijab",   "tas",      "sepatu",  "dress",    "celana",
  "jaket",  "serum",    "lipstik", "masker",  "sabun",    "parfum",  "sambal",   "kopi",
  "teh",    "keripik",  "madu",    "rendang", "lampu",    "bantal",  "sprei",    "rak",
  "vas",    "piring",   "gelas",   "mainan",  "boneka",   "buku",    "headset",  "charger",
  "casing", "raket",    "matras",  "botol",   "tumbler",  "dompet",  "jam",      "kalung",
  "gelang", "anting",   "topi",    "sandal",  "sneakers", "blazer",  "cardigan", "sweater",
  "scarf",  "pashmina", "tunik",   "gamis",   "koko",     "sarung",  "songket",  "tenun",
  "ikat",   "rotan",    "anyaman", "bambu",   "kayu",     "keramik", "kulit",    "linen"};
const std::vector<std::string> describing_words{
  "polos",   "hitam",    "putih",   "merah",  "biru",     "hijau",   "coklat",     "pastel",
  "premium", "original", "import",  "lokal",  "handmade", "organik", "halal",      "pedas",
  "manis",   "gurih",    "wangi",   "lembut", "tebal",    "tipis",   "oversize",   "slim",
  "motif",   "bunga",    "garis",   "kotak",  "vintage",  "modern",  "minimalis",  "klasik",
  "bali",    "jogja",    "bandung", "garut",  "sumba",    "toraja",  "aceh",       "lombok",
  "cotton",  "combed",   "katun",   "sutra",  "denim",    "rajut",   "waterproof", "wireless",
  "mini",    "jumbo",    "travel",  "set",    "paket",    "hemat",   "promo",      "bestseller"};
const std::vector<std::string> filler_words{
  "untuk",     "dengan",   "bahan",    "nyaman",  "dipakai",  "sehari", "hari",      "cocok",
  "hadiah",    "keluarga", "kualitas", "terbaik", "dibuat",   "oleh",   "pengrajin", "asli",
  "indonesia", "tahan",    "lama",     "mudah",   "dicuci",   "ukuran", "tersedia",  "warna",
  "the",       "perfect",  "gift",     "for",     "everyday", "use",    "made",      "with",
  "love",      "and",      "care",     "ready",   "stock",    "kirim",  "cepat",     "dari"};

struct word_picker {
  std::vector<double> cumulative;
  explicit word_picker(size_t n) {
    double sum = 0;
    for (size_t k = 0; k < n; ++k) {
      sum += 1.0 / static_cast<double>(k + 1);
      cumulative.push_back(sum);
    }
  }
  size_t pick(std::mt19937_64& rng) const {
    std::uniform_real_distribution<double> u(0, cumulative.back());
    auto it = std::lower_bound(cumulative.begin(), cumulative.end(), u(rng));
    return static_cast<size_t>(it - cumulative.begin());
  }
};

std::string capitalized(std::string w) {
  if (!w.empty() && w[0] >= 'a' && w[0] <= 'z') {
    w[0] = static_cast<char>(w[0] - 'a' + 'A');
  }
  return w;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: lakoo-catalog-fill <dsn> [products=100000] [shards=256]\n");
    return 2;
  }
  std::string dsn = argv[1];
  size_t count = argc > 2 ? std::stoul(argv[2]) : 100000;
  int32_t shards = argc > 3 ? std::stoi(argv[3]) : 256;
  try {
    bench::prepare_database(dsn);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lakoo-catalog-fill: %s\n", e.what());
    return 1;
  }
  bench::snapshot_writer writer{dsn, shards};
  std::mt19937_64 rng{20261122};
  word_picker titles{title_words.size()};
  word_picker describing{describing_words.size()};
  word_picker fillers{filler_words.size()};
  std::uniform_real_distribution<double> unit(0, 1);
  const int64_t newest = 1795000000; // fixed, so that reruns write identical snapshots

  auto save = [&writer](const std::string& kind, const std::string& id, std::string body) {
    writer.save(kind, id, std::move(body));
  };

  auto t0 = std::chrono::steady_clock::now();
  size_t skus = 0;
  for (size_t i = 0; i < count; ++i) {
    catalog::product_data p;
    auto seller = static_cast<size_t>(500 * std::pow(unit(rng), 2.0)); // a few large sellers
    p.seller_id = bench::fixed_id("sel", seller);
    p.owner_user_id = bench::fixed_id("usr", seller);
    p.category = categories[static_cast<size_t>(8 * std::pow(unit(rng), 1.5))];
    std::string title = capitalized(title_words[titles.pick(rng)]);
    for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n; ++k) {
      title += " " + capitalized(describing_words[describing.pick(rng)]);
    }
    p.title = title;
    std::string description;
    for (int k = 0, n = 8 + static_cast<int>(rng() % 16); k < n; ++k) {
      auto r = rng() % 4;
      const auto& w = r == 0   ? title_words[titles.pick(rng)]
                      : r == 1 ? describing_words[describing.pick(rng)]
                               : filler_words[fillers.pick(rng)];
      description += (k == 0 ? "" : " ") + w;
    }
    p.description = description + ".";
    p.images = {"https://img.lakoo.id/bench/" + std::to_string(i) + ".jpg"};
    p.status = protocol::product_status::active;
    p.created_at = newest - static_cast<int64_t>(rng() % (365 * 86400));
    auto id = bench::fixed_id("prd", i);
    for (size_t v = 0, n = 1 + rng() % 3; v < n; ++v) {
      catalog::variant_data x;
      x.sku = "BENCH-" + std::to_string(i) + "-" + std::to_string(v);
      x.price = static_cast<int64_t>(10000 + (rng() % 4000) * 500);
      x.currency = "IDR";
      x.option_names = {"varian"};
      x.option_values = {std::to_string(v + 1)};
      catalog::sku_data s;
      s.defined = true;
      s.product_id = id;
      s.seller_id = p.seller_id;
      s.stock = static_cast<int64_t>(rng() % 500);
      save("sku", x.sku, bench::pack(s));
      p.variants.push_back(std::move(x));
      ++skus;
    }
    save("product", id, bench::pack(p));
  }
  writer.drain();
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%zu products, %zu skus: %zu written, %zu already there, %zu failed in %.1f s\n",
              count, skus, writer.ok.load(), writer.stale.load(), writer.failed.load(), secs);
  return writer.failed.load() == 0 ? 0 : 1;
}
