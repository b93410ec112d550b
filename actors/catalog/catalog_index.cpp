#include "actors/catalog/catalog_index.hpp"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <queue>
#include <set>
#include <shared_mutex>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "actors/catalog/catalog.hpp"
#include "actors/catalog/catalog_data.hpp"
#include "actors/runtime/clock.hpp"
#include "actors/runtime/log.hpp"

namespace lakoo::catalog {

namespace {

// -- words ----------------------------------------------------------------------------------------

/// Decodes one UTF-8 code point at `i` (advancing it); malformed bytes come out as U+FFFD.
uint32_t next_code_point(const std::string& s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  uint32_t c = byte(i);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xfffd;
  }
  if (len == 1) {
    ++i;
    return c;
  }
  c &= (0xff >> (len + 1));
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) {
      ++i;
      return 0xfffd;
    }
    c = (c << 6) | (byte(i + k) & 0x3f);
  }
  i += len;
  return c;
}

void append_utf8(std::string& out, uint32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xc0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xe0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  }
}

/// Letters and digits are word characters: ASCII ones, and everything past Latin-1's
/// punctuation except the general punctuation, CJK punctuation and replacement blocks.
bool is_word_char(uint32_t c) {
  if (c < 0x80) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
  if (c < 0xc0 || c == 0xd7 || c == 0xf7) {
    return false;
  }
  return !(c >= 0x2000 && c <= 0x2bff) && !(c >= 0x3000 && c <= 0x303f) && c != 0xfffd
         && !(c >= 0xfe10 && c <= 0xfe6f) && !(c >= 0xff00 && c <= 0xff0f);
}

/// Lower case for ASCII, Latin-1 and Latin Extended-A (what Indonesian and English use).
uint32_t to_lower(uint32_t c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7)) {
    return c + 0x20;
  }
  if ((c >= 0x100 && c <= 0x137) || (c >= 0x14a && c <= 0x177)) {
    return c | 1;
  }
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e)) {
    return (c & 1) ? c + 1 : c;
  }
  return c == 0x178 ? 0xff : c;
}

std::string lower(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    append_utf8(out, to_lower(next_code_point(s, i)));
  }
  return out;
}

std::vector<std::string> sorted_words(const std::string& text) {
  auto ws = words_of(text);
  std::sort(ws.begin(), ws.end());
  ws.erase(std::unique(ws.begin(), ws.end()), ws.end());
  return ws;
}

bool contains(const std::vector<std::string>& sorted, const std::string& w) {
  return std::binary_search(sorted.begin(), sorted.end(), w);
}

// -- entries --------------------------------------------------------------------------------------

struct product_entry {
  std::string id;
  int64_t version = 0;
  product_data data;
  std::string category; ///< lower case
  std::vector<std::string> title_words;
  std::vector<std::string> text_words; ///< title and description
  bool listed = false;
};

struct sku_entry {
  int64_t version = 0;
  sku_data data;
};

/// Position in the newest-first order (ties broken by id, descending).
struct order_key {
  int64_t created = 0;
  std::string id;
};

struct newest_first {
  bool operator()(const order_key& a, const order_key& b) const {
    return std::tie(b.created, b.id) < std::tie(a.created, a.id);
  }
};

using ordered_set = std::set<order_key, newest_first>;

/// A ranked search hit; "better" sorts first: more title words, then newer, then higher id.
struct ranked {
  int64_t score = 0;
  int64_t created = 0;
  const product_entry* entry = nullptr;
  bool better_than(const ranked& o) const {
    return std::tie(score, created, entry->id) > std::tie(o.score, o.created, o.entry->id);
  }
};

// -- cursors --------------------------------------------------------------------------------------

/// `n.<created>.<id>` (listing) or `r.<score>.<created>.<id>` (search). Ids never hold '.'.
std::string cursor_of(const ranked& r, bool search) {
  auto tail = std::to_string(r.created) + "." + r.entry->id;
  return search ? "r." + std::to_string(r.score) + "." + tail : "n." + tail;
}

bool parse_int(const std::string& s, int64_t& out) {
  if (s.empty() || s.size() > 19) {
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

struct parsed_cursor {
  int64_t score = 0;
  int64_t created = 0;
  std::string id;
};

std::optional<parsed_cursor> parse_cursor(const std::string& c, bool search) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t dot = c.find('.'); dot != std::string::npos; dot = c.find('.', start)) {
    parts.push_back(c.substr(start, dot - start));
    start = dot + 1;
  }
  parts.push_back(c.substr(start));
  parsed_cursor out;
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

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> out;
  std::string word;
  for (size_t i = 0; i < text.size();) {
    auto c = next_code_point(text, i);
    if (is_word_char(c)) {
      append_utf8(word, to_lower(c));
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) {
    out.push_back(std::move(word));
  }
  return out;
}

struct catalog_index::impl {
  mutable std::shared_mutex mu;
  bool ready = false;
  std::unordered_map<std::string, product_entry> products; ///< never erased: entries stay put
  std::unordered_map<std::string, sku_entry> skus;
  ordered_set all;
  std::unordered_map<std::string, ordered_set> by_category;
  std::unordered_map<std::string, ordered_set> by_seller;
  std::unordered_map<std::string, std::unordered_set<const product_entry*>> postings;

  void unlist(product_entry& e) {
    if (!e.listed) {
      return;
    }
    order_key k{e.data.created_at, e.id};
    all.erase(k);
    erase_from(by_category, e.category, k);
    erase_from(by_seller, e.data.seller_id, k);
    for (const auto& w : e.text_words) {
      auto it = postings.find(w);
      if (it != postings.end()) {
        it->second.erase(&e);
        if (it->second.empty()) {
          postings.erase(it);
        }
      }
    }
    e.listed = false;
  }

  void list(product_entry& e) {
    order_key k{e.data.created_at, e.id};
    all.insert(k);
    by_category[e.category].insert(k);
    by_seller[e.data.seller_id].insert(k);
    for (const auto& w : e.text_words) {
      postings[w].insert(&e);
    }
    e.listed = true;
  }

  static void erase_from(std::unordered_map<std::string, ordered_set>& m, const std::string& key,
                         const order_key& k) {
    auto it = m.find(key);
    if (it != m.end()) {
      it->second.erase(k);
      if (it->second.empty()) {
        m.erase(it);
      }
    }
  }

  void put(product_entry fresh) {
    auto& e = products[fresh.id];
    if (e.version >= fresh.version) {
      return;
    }
    unlist(e);
    e = std::move(fresh);
    if (e.data.status == "active") {
      list(e);
    }
  }

  listing_page::item render(const product_entry& e, int64_t now) const {
    listing_page::item it;
    auto& v = it.product;
    const auto& d = e.data;
    v.id = e.id;
    v.seller_id = d.seller_id;
    v.owner_user_id = d.owner_user_id;
    v.title = d.title;
    v.description = d.description;
    v.category = d.category;
    v.images = d.images;
    v.status = d.status;
    for (const auto& x : d.variants) {
      v.variants.push_back({x.sku, x.price, x.currency, 0, x.option_names, x.option_values});
      auto s = skus.find(x.sku);
      int64_t available = 0;
      if (s != skus.end() && s->second.data.defined && s->second.data.product_id == e.id) {
        const auto& sd = s->second.data;
        available = std::max<int64_t>(0, sd.stock - reserved_at(sd, now));
      }
      it.available.push_back(available);
    }
    v.rating_sum = d.rating_sum;
    v.rating_count = d.rating_count;
    v.created_at = runtime::rfc3339(d.created_at);
    return it;
  }

  bool passes(const product_entry& e, const listing_query& q, const std::string& category) const {
    return (category.empty() || e.category == category)
           && (q.seller_id.empty() || e.data.seller_id == q.seller_id);
  }

  std::optional<listing_page> newest(const listing_query& q, const std::string& category) const;
  std::optional<listing_page> search(const listing_query& q, const std::string& category) const;
};

catalog_index::catalog_index() : impl_(std::make_unique<impl>()) {}

catalog_index::~catalog_index() = default;

void catalog_index::apply(const std::vector<runtime::snapshot>& batch) {
  // Decode outside the lock; readers only wait for the pointer work.
  std::vector<product_entry> products;
  std::vector<std::pair<std::string, sku_entry>> skus;
  for (const auto& s : batch) {
    try {
      auto unpacked = msgpack::unpack(s.body.data(), s.body.size());
      if (s.kind == product_kind) {
        product_entry e;
        e.id = s.id;
        e.version = s.version;
        unpacked.get().convert(e.data);
        e.category = lower(e.data.category);
        e.title_words = sorted_words(e.data.title);
        auto words = words_of(e.data.title + " " + e.data.description);
        std::sort(words.begin(), words.end());
        words.erase(std::unique(words.begin(), words.end()), words.end());
        e.text_words = std::move(words);
        products.push_back(std::move(e));
      } else if (s.kind == sku_kind) {
        sku_entry e;
        e.version = s.version;
        unpacked.get().convert(e.data);
        e.data.committed.clear(); // only stock and live reservations matter here
        skus.emplace_back(s.id, std::move(e));
      }
    } catch (const std::exception& e) {
      runtime::log().error("[catalog index] {}:{} v{} unreadable: {}", s.kind, s.id, s.version,
                           e.what());
    }
  }
  std::unique_lock<std::shared_mutex> guard{impl_->mu};
  for (auto& e : products) {
    impl_->put(std::move(e));
  }
  for (auto& [id, e] : skus) {
    auto& slot = impl_->skus[id];
    if (slot.version < e.version) {
      slot = std::move(e);
    }
  }
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

int64_t catalog_index::active_count(const std::string& seller_id) const {
  std::shared_lock<std::shared_mutex> guard{impl_->mu};
  auto it = impl_->by_seller.find(seller_id);
  return it == impl_->by_seller.end() ? 0 : static_cast<int64_t>(it->second.size());
}

std::optional<listing_page> catalog_index::query(const listing_query& q) const {
  auto category = lower(q.category);
  std::shared_lock<std::shared_mutex> guard{impl_->mu};
  return words_of(q.q).empty() ? impl_->newest(q, category) : impl_->search(q, category);
}

std::optional<listing_page> catalog_index::impl::newest(const listing_query& q,
                                                        const std::string& category) const {
  std::optional<parsed_cursor> after;
  if (!q.cursor.empty() && !(after = parse_cursor(q.cursor, false))) {
    return std::nullopt;
  }
  // Walk the narrowest ordered set that covers the filters.
  static const ordered_set none;
  const ordered_set* set = &all;
  if (!q.seller_id.empty()) {
    auto it = by_seller.find(q.seller_id);
    set = it == by_seller.end() ? &none : &it->second;
  } else if (!category.empty()) {
    auto it = by_category.find(category);
    set = it == by_category.end() ? &none : &it->second;
  }
  auto it = after ? set->upper_bound(order_key{after->created, after->id}) : set->begin();
  listing_page page;
  auto now = wall_ms();
  const product_entry* last = nullptr;
  for (; it != set->end() && page.items.size() < q.limit; ++it) {
    const auto& e = products.at(it->id);
    if (passes(e, q, category)) {
      page.items.push_back(render(e, now));
      last = &e;
    }
  }
  if (last != nullptr && it != set->end()) {
    page.next_cursor = cursor_of(ranked{0, last->data.created_at, last}, false);
  }
  return page;
}

std::optional<listing_page> catalog_index::impl::search(const listing_query& q,
                                                        const std::string& category) const {
  std::optional<parsed_cursor> after;
  if (!q.cursor.empty() && !(after = parse_cursor(q.cursor, true))) {
    return std::nullopt;
  }
  auto words = sorted_words(q.q);
  // Candidates come from the rarest word's postings; every other word must match too.
  const std::unordered_set<const product_entry*>* rarest = nullptr;
  for (const auto& w : words) {
    auto it = postings.find(w);
    if (it == postings.end()) {
      return listing_page{};
    }
    if (rarest == nullptr || it->second.size() < rarest->size()) {
      rarest = &it->second;
    }
  }
  auto worse = [](const ranked& a, const ranked& b) { return a.better_than(b); };
  // A max-heap of the worst kept hit on top: the best `limit + 1` after the cursor.
  std::priority_queue<ranked, std::vector<ranked>, decltype(worse)> best{worse};
  product_entry cursor_entry;
  ranked cursor_pos;
  if (after) {
    cursor_entry.id = after->id;
    cursor_pos = ranked{after->score, after->created, &cursor_entry};
  }
  for (const auto* e : *rarest) {
    if (!passes(*e, q, category)) {
      continue;
    }
    bool all_words = std::all_of(words.begin(), words.end(),
                                 [&](const std::string& w) { return contains(e->text_words, w); });
    if (!all_words) {
      continue;
    }
    ranked r{0, e->data.created_at, e};
    for (const auto& w : words) {
      r.score += contains(e->title_words, w) ? 1 : 0;
    }
    if (after && !cursor_pos.better_than(r)) {
      continue;
    }
    if (best.size() <= q.limit) {
      best.push(r);
    } else if (r.better_than(best.top())) {
      best.pop();
      best.push(r);
    }
  }
  std::vector<ranked> hits;
  while (!best.empty()) {
    hits.push_back(best.top());
    best.pop();
  }
  std::reverse(hits.begin(), hits.end()); // best first
  listing_page page;
  auto now = wall_ms();
  for (size_t i = 0; i < hits.size() && i < q.limit; ++i) {
    page.items.push_back(render(*hits[i].entry, now));
  }
  if (hits.size() > q.limit) {
    page.next_cursor = cursor_of(hits[q.limit - 1], true);
  }
  return page;
}

} // namespace lakoo::catalog
