#include "read_models/catalog_index.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <mutex>
#include <queue>
#include <shared_mutex>
#include <tuple>
#include <unordered_map>

#include "actors/catalog/catalog.hpp"
#include "actors/catalog/catalog_data.hpp"
#include "actors/reference/reference.hpp"
#include "actors/runtime/clock.hpp"
#include "actors/runtime/log.hpp"
#include "actors/runtime/metrics.hpp"
#include "read_models/log.hpp"

namespace lakoo::read_models {

// The catalog's own snapshot bodies and rules, which this model reads.
using catalog::product_data;
using catalog::product_kind;
using catalog::reserved_at;
using catalog::sku_data;
using catalog::sku_kind;
using catalog::view_of;

namespace {

using doc_id = uint32_t;
using word_id = uint32_t;
/// Doc ids in newest-first order (created desc, then id desc).
using posting = std::vector<doc_id>;

/// One product as the index knows it. Docs are never removed (ids stay valid); a product that
/// is no longer active is simply not in any posting.
struct doc {
  std::string id;
  int64_t version = 0;
  int64_t created = 0;
  std::string category; ///< lower case
  std::string seller;
  std::vector<word_id> title_words; ///< sorted, unique
  std::vector<word_id> text_words;  ///< title and description: sorted, unique
  std::shared_ptr<const protocol::product_view> view;
  std::shared_ptr<const rendered_product> rendered;
  bool listed = false;
};

/// A decoded product snapshot, ready to be swapped in under the lock.
struct incoming {
  std::string id;
  int64_t version = 0;
  product_data data;
  std::vector<std::string> title_words;
  std::vector<std::string> text_words;
  std::shared_ptr<const protocol::product_view> view;
  std::shared_ptr<const rendered_product> rendered;
};

struct sku_entry {
  int64_t version = 0;
  sku_data data;
};

struct index_metrics {
  runtime::gauge& listed;
  runtime::counter& applied;
  static index_metrics& get() {
    static index_metrics m = [] {
      auto& g = runtime::metrics::global();
      g.describe("lakoo_catalog_index_products", "gauge",
                 "Active products in this node's catalog index.");
      g.describe("lakoo_catalog_index_snapshots_total", "counter",
                 "Product and sku snapshots folded into the catalog index.");
      return index_metrics{g.gauge_of("lakoo_catalog_index_products"),
                           g.counter_of("lakoo_catalog_index_snapshots_total")};
    }();
    return m;
  }
};

std::vector<std::string> unique_words(const std::string& text) {
  auto ws = words_of(text);
  std::sort(ws.begin(), ws.end());
  ws.erase(std::unique(ws.begin(), ws.end()), ws.end());
  return ws;
}

bool has(const std::vector<word_id>& sorted, word_id w) {
  return std::binary_search(sorted.begin(), sorted.end(), w);
}

// -- cursors --------------------------------------------------------------------------------------

/// A position in a result order: `score` (search only), then newest first, then id.
struct position {
  int64_t score = 0;
  int64_t created = 0;
  std::string id;
};

/// `n.<created>.<id>` (listing) or `r.<score>.<created>.<id>` (search). Ids never hold '.'.
std::string cursor_of(const position& p, bool search) {
  auto tail = std::to_string(p.created) + "." + p.id;
  return search ? "r." + std::to_string(p.score) + "." + tail : "n." + tail;
}

bool parse_int(const std::string& s, int64_t& out) {
  if (s.empty() || s.size() > 18) {
    return false;
  }
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

std::optional<position> parse_cursor(const std::string& c, bool search) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t dot = c.find('.'); dot != std::string::npos; dot = c.find('.', start)) {
    parts.push_back(c.substr(start, dot - start));
    start = dot + 1;
  }
  parts.push_back(c.substr(start));
  position out;
  if (search && parts.size() == 4 && parts[0] == "r" && parse_int(parts[1], out.score)
      && parse_int(parts[2], out.created) && !parts[3].empty()) {
    out.id = parts[3];
    return out;
  }
  if (!search && parts.size() == 3 && parts[0] == "n" && parse_int(parts[1], out.created)
      && !parts[2].empty()) {
    out.id = parts[2];
    return out;
  }
  return std::nullopt;
}

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace

struct catalog_index::impl {
  product_renderer render;
  mutable std::shared_mutex mu;
  bool ready = false;
  std::deque<doc> docs;
  std::unordered_map<std::string, doc_id> doc_of;
  std::unordered_map<std::string, word_id> word_of;
  std::unordered_map<std::string, sku_entry> skus;
  posting all;
  std::unordered_map<std::string, posting> by_category;
  std::unordered_map<std::string, posting> by_seller;
  std::deque<posting> in_title; ///< per word: docs with it in the title (a deque: stable refs)
  std::deque<posting> in_text;  ///< per word: docs with it in the title or description
  /// Bulk mode (a large batch): postings are appended to and sorted once at the end.
  bool bulk = false;
  std::vector<posting*> unsorted;

  bool newer(doc_id a, doc_id b) const {
    const auto& x = docs[a];
    const auto& y = docs[b];
    return std::tie(y.created, y.id) < std::tie(x.created, x.id);
  }
  /// Whether `d` comes after the position `(created, id)` in newest-first order.
  bool after(const position& p, doc_id d) const {
    const auto& x = docs[d];
    return std::tie(x.created, x.id) < std::tie(p.created, p.id);
  }

  word_id intern(const std::string& w) {
    auto [it, fresh] = word_of.emplace(w, static_cast<word_id>(in_title.size()));
    if (fresh) {
      in_title.emplace_back();
      in_text.emplace_back();
    }
    return it->second;
  }

  void add(posting& p, doc_id d) {
    if (bulk) {
      if (!p.empty() && !newer(p.back(), d)) {
        unsorted.push_back(&p); // out of order: sort at the end of the batch
      }
      p.push_back(d);
      return;
    }
    p.insert(
      std::lower_bound(p.begin(), p.end(), d, [this](doc_id a, doc_id b) { return newer(a, b); }),
      d);
  }

  void remove(posting& p, doc_id d) {
    auto it = bulk ? std::find(p.begin(), p.end(), d)
                   : std::lower_bound(p.begin(), p.end(), d,
                                      [this](doc_id a, doc_id b) { return newer(a, b); });
    if (it != p.end() && *it == d) {
      p.erase(it);
    }
  }

  /// Calls `f(posting)` for every posting list document `d` belongs in.
  template <class F>
  void each_posting_of(doc_id d, F f) {
    auto& x = docs[d];
    f(all);
    // Listed under its category and each ancestor ("fashion.batik" also under "fashion").
    for (auto dot = x.category.find('.'); dot != std::string::npos;
         dot = x.category.find('.', dot + 1)) {
      f(by_category[x.category.substr(0, dot)]);
    }
    f(by_category[x.category]);
    f(by_seller[x.seller]);
    for (auto w : x.title_words) {
      f(in_title[w]);
    }
    for (auto w : x.text_words) {
      f(in_text[w]);
    }
  }

  void list(doc_id d) {
    each_posting_of(d, [&](posting& p) { add(p, d); });
    docs[d].listed = true;
  }

  void unlist(doc_id d) {
    if (!docs[d].listed) {
      return;
    }
    each_posting_of(d, [&](posting& p) { remove(p, d); });
    docs[d].listed = false;
  }

  void put(incoming in) {
    auto [it, fresh] = doc_of.emplace(in.id, static_cast<doc_id>(docs.size()));
    if (fresh) {
      docs.emplace_back();
      docs.back().id = in.id;
    }
    auto d = it->second;
    auto& x = docs[d];
    if (x.version >= in.version) {
      return;
    }
    bool active = in.data.status == protocol::product_status::active;
    auto category = lower_text(in.data.category);
    bool same_place = x.listed && active && x.created == in.data.created_at
                      && x.category == category && x.seller == in.data.seller_id
                      && x.view->title == in.data.title
                      && x.view->description == in.data.description;
    if (!same_place) {
      unlist(d);
      x.created = in.data.created_at;
      x.category = std::move(category);
      x.seller = in.data.seller_id;
      x.title_words.clear();
      for (const auto& w : in.title_words) {
        x.title_words.push_back(intern(w));
      }
      x.text_words.clear();
      for (const auto& w : in.text_words) {
        x.text_words.push_back(intern(w));
      }
      std::sort(x.title_words.begin(), x.title_words.end());
      std::sort(x.text_words.begin(), x.text_words.end());
    }
    x.version = in.version;
    x.view = std::move(in.view);
    x.rendered = std::move(in.rendered);
    if (active && !same_place) {
      list(d);
    }
  }

  void finish_bulk() {
    std::sort(unsorted.begin(), unsorted.end());
    unsorted.erase(std::unique(unsorted.begin(), unsorted.end()), unsorted.end());
    for (auto* p : unsorted) {
      std::sort(p->begin(), p->end(), [this](doc_id a, doc_id b) { return newer(a, b); });
    }
    unsorted.clear();
    bulk = false;
  }

  listing_page::item item_of(doc_id d, int64_t now) const {
    const auto& x = docs[d];
    listing_page::item it{x.view, x.rendered, {}};
    for (const auto& v : x.view->variants) {
      auto s = skus.find(v.sku);
      int64_t available = 0;
      if (s != skus.end() && s->second.data.defined && s->second.data.product_id == x.id) {
        const auto& sd = s->second.data;
        available = std::max<int64_t>(0, sd.stock - reserved_at(sd, now));
      }
      it.available.push_back(available);
    }
    return it;
  }

  bool passes(doc_id d, const std::string& category, const std::string& seller) const {
    const auto& x = docs[d];
    return (category.empty() || reference::in_category(x.category, category))
           && (seller.empty() || x.seller == seller);
  }

  const posting* find(const std::unordered_map<std::string, posting>& m,
                      const std::string& key) const {
    auto it = m.find(key);
    return it == m.end() ? nullptr : &it->second;
  }

  std::optional<listing_page> newest(const listing_query& q, const std::string& category) const;
  std::optional<listing_page> search(const listing_query& q, const std::string& category) const;
  void walk_tier(const posting& p, int64_t score, const std::optional<position>& from,
                 const std::string& category, const listing_query& q,
                 const std::function<bool(doc_id)>& accept, std::vector<position>& hits,
                 std::vector<doc_id>& out) const;
};

catalog_index::catalog_index(product_renderer render) : impl_(std::make_unique<impl>()) {
  impl_->render = std::move(render);
}

catalog_index::~catalog_index() = default;

void catalog_index::apply(const std::vector<runtime::snapshot>& batch) {
  // Decode and render outside the lock; readers only wait for the pointer work.
  std::vector<incoming> products;
  std::vector<std::pair<std::string, sku_entry>> skus;
  for (const auto& s : batch) {
    try {
      auto unpacked = msgpack::unpack(s.body.data(), s.body.size());
      if (s.kind == product_kind) {
        incoming in;
        in.id = s.id;
        in.version = s.version;
        unpacked.get().convert(in.data);
        in.title_words = unique_words(in.data.title);
        in.text_words = unique_words(in.data.title + " " + in.data.description);
        auto view = std::make_shared<const protocol::product_view>(view_of(s.id, in.data));
        if (impl_->render && in.data.status == protocol::product_status::active) {
          in.rendered = std::make_shared<const rendered_product>(impl_->render(*view));
        }
        in.view = std::move(view);
        products.push_back(std::move(in));
      } else if (s.kind == sku_kind) {
        sku_entry e;
        e.version = s.version;
        unpacked.get().convert(e.data);
        e.data.committed.clear(); // only stock and live reservations matter here
        skus.emplace_back(s.id, std::move(e));
      }
    } catch (const std::exception& e) {
      log().error("[catalog index] {}:{} v{} unreadable: {}", s.kind, s.id, s.version, e.what());
    }
  }
  std::unique_lock<std::shared_mutex> guard{impl_->mu};
  impl_->bulk = products.size() > 256;
  for (auto& in : products) {
    impl_->put(std::move(in));
  }
  if (impl_->bulk) {
    impl_->finish_bulk();
  }
  for (auto& [id, e] : skus) {
    auto& slot = impl_->skus[id];
    if (slot.version < e.version) {
      slot = std::move(e);
    }
  }
  auto& m = index_metrics::get();
  m.listed.set(static_cast<int64_t>(impl_->all.size()));
  m.applied.add(batch.size());
}

void catalog_index::mark_ready() {
  std::unique_lock<std::shared_mutex> guard{impl_->mu};
  impl_->ready = true;
}

bool catalog_index::ready() const {
  std::shared_lock<std::shared_mutex> guard{impl_->mu};
  return impl_->ready;
}

size_t catalog_index::size() const {
  std::shared_lock<std::shared_mutex> guard{impl_->mu};
  return impl_->all.size();
}

std::shared_ptr<const protocol::product_view> catalog_index::find(const std::string& id) const {
  std::shared_lock<std::shared_mutex> guard{impl_->mu};
  auto it = impl_->doc_of.find(id);
  if (it == impl_->doc_of.end()) {
    return nullptr;
  }
  const auto& d = impl_->docs[it->second];
  return d.listed ? d.view : nullptr;
}

int64_t catalog_index::active_count(const std::string& seller_id) const {
  std::shared_lock<std::shared_mutex> guard{impl_->mu};
  const auto* p = impl_->find(impl_->by_seller, seller_id);
  return p == nullptr ? 0 : static_cast<int64_t>(p->size());
}

std::optional<listing_page> catalog_index::query(const listing_query& q) const {
  auto category = lower_text(q.category);
  bool search = !words_of(q.q).empty();
  std::shared_lock<std::shared_mutex> guard{impl_->mu};
  return search ? impl_->search(q, category) : impl_->newest(q, category);
}

std::optional<listing_page> catalog_index::impl::newest(const listing_query& q,
                                                        const std::string& category) const {
  std::optional<position> from;
  if (!q.cursor.empty() && !(from = parse_cursor(q.cursor, false))) {
    return std::nullopt;
  }
  // Walk the narrowest posting that covers the filters.
  const posting* p = &all;
  if (!q.seller_id.empty()) {
    p = find(by_seller, q.seller_id);
  } else if (!category.empty()) {
    p = find(by_category, category);
  }
  listing_page page;
  if (p == nullptr) {
    return page;
  }
  auto it = p->begin();
  if (from) {
    it = std::partition_point(p->begin(), p->end(), [&](doc_id d) { return !after(*from, d); });
  }
  auto now = wall_ms();
  doc_id last = 0;
  for (; it != p->end() && page.items.size() < q.limit; ++it) {
    if (passes(*it, category, q.seller_id)) {
      page.items.push_back(item_of(*it, now));
      last = *it;
    }
  }
  while (it != p->end() && !passes(*it, category, q.seller_id)) {
    ++it;
  }
  if (!page.items.empty() && it != p->end()) {
    page.next_cursor = cursor_of({0, docs[last].created, docs[last].id}, false);
  }
  return page;
}

/// Appends to `out` (up to `q.limit + 1` in all) the docs of `p` that pass the filters and
/// `accept`, and come after `from` (when `from` is in this tier).
void catalog_index::impl::walk_tier(const posting& p, int64_t score,
                                    const std::optional<position>& from,
                                    const std::string& category, const listing_query& q,
                                    const std::function<bool(doc_id)>& accept,
                                    std::vector<position>& hits, std::vector<doc_id>& out) const {
  auto it = p.begin();
  if (from && from->score == score) {
    it = std::partition_point(p.begin(), p.end(), [&](doc_id d) { return !after(*from, d); });
  }
  for (; it != p.end() && out.size() <= q.limit; ++it) {
    if (passes(*it, category, q.seller_id) && accept(*it)) {
      out.push_back(*it);
      hits.push_back({score, docs[*it].created, docs[*it].id});
    }
  }
}

std::optional<listing_page> catalog_index::impl::search(const listing_query& q,
                                                        const std::string& category) const {
  std::optional<position> from;
  if (!q.cursor.empty() && !(from = parse_cursor(q.cursor, true))) {
    return std::nullopt;
  }
  std::vector<word_id> words;
  for (const auto& w : unique_words(q.q)) {
    auto it = word_of.find(w);
    if (it == word_of.end()) {
      return listing_page{};
    }
    words.push_back(it->second);
  }
  // Rank tiers: all n words in the title first, then n-1, ... down to none (description only),
  // newest first within a tier. Tier n is a walk over the rarest title posting; the lower tiers
  // come from one walk over the rarest text posting, bucketed by tier, which stops as soon as
  // the best bucket still needed holds the rest of the page. So a common word costs about as
  // much as a rare one, and a sparse query reads its postings twice at most.
  auto smallest = [&](const std::deque<posting>& postings) -> const posting& {
    return postings[*std::min_element(words.begin(), words.end(), [&](word_id a, word_id b) {
      return postings[a].size() < postings[b].size();
    })];
  };
  auto n = static_cast<int64_t>(words.size());
  auto score_of = [&](doc_id d) -> int64_t { // -1: not every word is there
    const auto& x = docs[d];
    int64_t in_title_words = 0;
    for (auto w : words) {
      if (!has(x.text_words, w)) {
        return -1;
      }
      in_title_words += has(x.title_words, w) ? 1 : 0;
    }
    return in_title_words;
  };
  std::vector<doc_id> out;
  std::vector<position> hits;
  if (!from || from->score >= n) {
    walk_tier(
      smallest(in_title), n, from, category, q, [&](doc_id d) { return score_of(d) == n; }, hits,
      out);
  }
  auto top = std::min(n - 1, from ? from->score : n - 1);
  if (out.size() <= q.limit && top >= 0) {
    auto need = q.limit + 1 - out.size();
    std::vector<std::vector<doc_id>> bucket(static_cast<size_t>(top) + 1);
    for (auto d : smallest(in_text)) {
      if (!passes(d, category, q.seller_id)) {
        continue;
      }
      auto score = score_of(d);
      if (score < 0 || score > top || (from && score == from->score && !after(*from, d))) {
        continue;
      }
      auto& b = bucket[static_cast<size_t>(score)];
      if (b.size() < need) {
        b.push_back(d);
      }
      if (bucket.back().size() >= need) {
        break;
      }
    }
    for (auto score = top; score >= 0; --score) {
      for (auto d : bucket[static_cast<size_t>(score)]) {
        if (out.size() > q.limit) {
          break;
        }
        out.push_back(d);
        hits.push_back({score, docs[d].created, docs[d].id});
      }
    }
  }
  listing_page page;
  auto now = wall_ms();
  for (size_t i = 0; i < out.size() && i < q.limit; ++i) {
    page.items.push_back(item_of(out[i], now));
  }
  if (out.size() > q.limit) {
    page.next_cursor = cursor_of(hits[q.limit - 1], true);
  }
  return page;
}

} // namespace lakoo::read_models
