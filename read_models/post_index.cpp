#include "read_models/post_index.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>

#include <msgpack.hpp>

#include "actors/runtime/clock.hpp"
#include "actors/runtime/log.hpp"
#include "actors/social/social.hpp"
#include "actors/social/social_data.hpp"
#include "read_models/log.hpp"

namespace lakoo::read_models {

// The social component's own snapshot bodies and rules, which this model reads.
using social::heat_value;
using social::post_data;
using social::post_kind;
using social::view_of_post;

namespace {

using heat_key = std::pair<double, std::string>;
using time_key = std::pair<int64_t, std::string>;

/// Descending order for the sets (hottest / newest first).
struct desc_heat {
  bool operator()(const heat_key& a, const heat_key& b) const { return a > b; }
};
struct desc_time {
  bool operator()(const time_key& a, const time_key& b) const { return a > b; }
};

} // namespace

struct post_index::impl {
  mutable std::shared_mutex mutex;
  bool ready = false;
  std::unordered_map<std::string, post_ref> posts;
  std::unordered_map<std::string, int64_t> versions; ///< also of deleted posts
  std::set<heat_key, desc_heat> by_heat;             ///< posts with engagement
  std::set<time_key, desc_time> by_time;
  std::map<std::string, std::set<time_key, desc_time>> by_category;
  std::unordered_map<std::string, std::set<time_key, desc_time>> by_author;

  void unlink(const indexed_post& p) {
    by_heat.erase({p.heat, p.id});
    by_time.erase({p.created_ms, p.id});
    if (auto a = by_author.find(p.author_id); a != by_author.end()) {
      a->second.erase({p.created_ms, p.id});
      if (a->second.empty()) {
        by_author.erase(a);
      }
    }
    for (const auto& c : p.categories) {
      auto it = by_category.find(c);
      if (it != by_category.end()) {
        it->second.erase({p.created_ms, p.id});
        if (it->second.empty()) {
          by_category.erase(it);
        }
      }
    }
  }

  void link(const post_ref& p) {
    if (!std::isinf(p->heat)) {
      by_heat.insert({p->heat, p->id});
    }
    by_time.insert({p->created_ms, p->id});
    by_author[p->author_id].insert({p->created_ms, p->id});
    for (const auto& c : p->categories) {
      by_category[c].insert({p->created_ms, p->id});
    }
  }
};

protocol::post_view indexed_post::seen_by(const std::string& viewer) const {
  auto v = view;
  v.liked_by_me = !viewer.empty() && std::binary_search(likers.begin(), likers.end(), viewer);
  v.saved_by_me = !viewer.empty() && std::binary_search(savers.begin(), savers.end(), viewer);
  return v;
}

post_index::post_index() : impl_(std::make_unique<impl>()) {}
post_index::~post_index() = default;

void post_index::apply(const std::vector<runtime::snapshot>& batch) {
  // Decode outside the lock.
  std::vector<std::pair<post_ref, bool>> decoded; // post, deleted
  for (const auto& s : batch) {
    if (s.kind != post_kind) {
      continue;
    }
    post_data d;
    try {
      auto unpacked = msgpack::unpack(s.body.data(), s.body.size());
      unpacked.get().convert(d);
    } catch (const std::exception& e) {
      log().error("[post_index] post {} v{} unreadable: {}", s.id, s.version, e.what());
      continue;
    }
    auto p = std::make_shared<indexed_post>();
    p->id = s.id;
    p->author_id = d.author_id;
    p->created_ms = d.created_ms;
    for (const auto& t : d.tags) {
      if (!t.category.empty()
          && std::find(p->categories.begin(), p->categories.end(), t.category)
               == p->categories.end()) {
        p->categories.push_back(t.category);
      }
    }
    p->likes = static_cast<int64_t>(d.likers.size());
    p->saves = static_cast<int64_t>(d.savers.size());
    p->comments = d.comment_count;
    p->heat = d.heat;
    p->version = s.version;
    p->view = view_of_post(s.id, d);
    p->likers = std::move(d.likers);
    p->savers = std::move(d.savers);
    decoded.emplace_back(std::move(p), d.deleted);
  }
  std::unique_lock<std::shared_mutex> lock{impl_->mutex};
  for (auto& [p, deleted] : decoded) {
    auto& known = impl_->versions[p->id];
    if (p->version <= known) {
      continue;
    }
    known = p->version;
    auto it = impl_->posts.find(p->id);
    if (it != impl_->posts.end()) {
      impl_->unlink(*it->second);
      impl_->posts.erase(it);
    }
    if (!deleted) {
      impl_->link(p);
      impl_->posts.emplace(p->id, p);
    }
  }
}

void post_index::mark_ready() {
  std::unique_lock<std::shared_mutex> lock{impl_->mutex};
  impl_->ready = true;
}

bool post_index::ready() const {
  std::shared_lock<std::shared_mutex> lock{impl_->mutex};
  return impl_->ready;
}

post_ref post_index::find(const std::string& id) const {
  std::shared_lock<std::shared_mutex> lock{impl_->mutex};
  auto it = impl_->posts.find(id);
  return it == impl_->posts.end() ? nullptr : it->second;
}

std::vector<post_ref>
post_index::hottest(size_t n, const std::optional<std::pair<double, std::string>>& after) const {
  std::shared_lock<std::shared_mutex> lock{impl_->mutex};
  std::vector<post_ref> out;
  auto it = after ? impl_->by_heat.upper_bound(*after) : impl_->by_heat.begin();
  for (; it != impl_->by_heat.end() && out.size() < n; ++it) {
    out.push_back(impl_->posts.at(it->second));
  }
  return out;
}

std::vector<post_ref> post_index::newest(size_t n) const {
  std::shared_lock<std::shared_mutex> lock{impl_->mutex};
  std::vector<post_ref> out;
  for (auto it = impl_->by_time.begin(); it != impl_->by_time.end() && out.size() < n; ++it) {
    out.push_back(impl_->posts.at(it->second));
  }
  return out;
}

std::vector<post_ref> post_index::newest_in(const std::string& category, size_t n) const {
  std::shared_lock<std::shared_mutex> lock{impl_->mutex};
  std::vector<post_ref> out;
  auto c = impl_->by_category.find(category);
  if (c == impl_->by_category.end()) {
    return out;
  }
  for (auto it = c->second.begin(); it != c->second.end() && out.size() < n; ++it) {
    out.push_back(impl_->posts.at(it->second));
  }
  return out;
}

std::vector<post_ref>
post_index::newest_by(const std::string& author, size_t n,
                      const std::optional<std::pair<int64_t, std::string>>& before) const {
  std::shared_lock<std::shared_mutex> lock{impl_->mutex};
  std::vector<post_ref> out;
  auto a = impl_->by_author.find(author);
  if (a == impl_->by_author.end()) {
    return out;
  }
  auto it = before ? a->second.upper_bound(*before) : a->second.begin();
  for (; it != a->second.end() && out.size() < n; ++it) {
    out.push_back(impl_->posts.at(it->second));
  }
  return out;
}

size_t post_index::size() const {
  std::shared_lock<std::shared_mutex> lock{impl_->mutex};
  return impl_->posts.size();
}

// -- ranking
// ----------------------------------------------------------------------------------------

namespace {

constexpr double recency_half_life_h = 24;

struct candidate {
  std::string id;
  std::string author_id;
  int64_t created_ms = 0;
  std::vector<std::string> categories;
  double heat = -INFINITY;
  bool trending = false;
};

double recency(int64_t created_ms, int64_t now_ms) {
  double age_h = std::max<double>(0, static_cast<double>(now_ms - created_ms) / 3600000.0);
  return std::exp2(-age_h / recency_half_life_h);
}

/// The viewer's category weights, normalised by the strongest.
std::unordered_map<std::string, double> affinity_of(const protocol::taste& t) {
  std::unordered_map<std::string, double> out;
  double top = 0;
  for (size_t i = 0; i < t.categories.size() && i < t.weights.size(); ++i) {
    top = std::max(top, t.weights[i]);
  }
  for (size_t i = 0; i < t.categories.size() && i < t.weights.size(); ++i) {
    out[t.categories[i]] = top > 0 ? t.weights[i] / top : 0;
  }
  return out;
}

double relevance(const candidate& c, const std::unordered_map<std::string, double>& affinity) {
  double best = 0;
  for (const auto& cat : c.categories) {
    auto it = affinity.find(cat);
    if (it != affinity.end()) {
      best = std::max(best, it->second);
    }
  }
  return best;
}

class candidate_set {
public:
  explicit candidate_set(const post_index& index) : index_(index) {}

  candidate* add(const post_ref& p) {
    if (!p) {
      return nullptr;
    }
    auto [it, fresh] = items_.try_emplace(p->id);
    if (fresh) {
      it->second = candidate{p->id, p->author_id, p->created_ms, p->categories, p->heat, false};
    }
    return &it->second;
  }

  candidate* add(const std::string& id) { return add(index_.find(id)); }

  /// A following-feed entry the index may not have yet (it lags commits by a poll).
  candidate* add(const protocol::feed_item& item) {
    if (auto* c = add(item.post_id)) {
      return c;
    }
    auto [it, fresh] = items_.try_emplace(item.post_id);
    if (fresh) {
      it->second.id = item.post_id;
      it->second.author_id = item.author_id;
      it->second.created_ms = item.created_ms;
    }
    return &it->second;
  }

  std::unordered_map<std::string, candidate>& items() { return items_; }

private:
  const post_index& index_;
  std::unordered_map<std::string, candidate> items_;
};

std::vector<ranked> sorted(std::vector<ranked> out) {
  std::sort(out.begin(), out.end(), [](const ranked& a, const ranked& b) {
    return a.score != b.score ? a.score > b.score : a.post_id > b.post_id;
  });
  return out;
}

void drop_own(std::unordered_map<std::string, candidate>& items, const std::string& viewer) {
  for (auto it = items.begin(); it != items.end();) {
    it = it->second.author_id == viewer ? items.erase(it) : std::next(it);
  }
}

double top_engagement(const std::unordered_map<std::string, candidate>& items, int64_t now_ms,
                      int64_t half_life_s) {
  double top = 0;
  for (const auto& [id, c] : items) {
    top = std::max(top, heat_value(c.heat, now_ms, half_life_s));
  }
  return top;
}

} // namespace

std::vector<ranked> rank_for_you(const post_index& index, const std::string& viewer,
                                 const protocol::candidates& c, int64_t now_ms, int64_t half_life_s,
                                 const for_you_weights& w) {
  candidate_set set{index};
  for (const auto& item : c.following) {
    set.add(item);
  }
  for (const auto& id : c.followee_liked) {
    set.add(id);
  }
  // Authors pulled rather than pushed are not in the following feed: their newest from here.
  for (size_t i = 0; i < c.mine.following.size() && i < 200; ++i) {
    for (const auto& p : index.newest_by(c.mine.following[i], 5)) {
      set.add(p);
    }
  }
  for (const auto& p : index.hottest(100)) {
    if (auto* cand = set.add(p)) {
      cand->trending = true;
    }
  }
  auto affinity = affinity_of(c.mine);
  std::vector<std::pair<double, std::string>> favourite;
  for (const auto& [cat, weight] : affinity) {
    favourite.emplace_back(weight, cat);
  }
  std::sort(favourite.rbegin(), favourite.rend());
  for (size_t i = 0; i < favourite.size() && i < 3; ++i) {
    for (const auto& p : index.newest_in(favourite[i].second, 30)) {
      set.add(p);
    }
  }
  std::unordered_set<std::string> following(c.mine.following.begin(), c.mine.following.end());
  drop_own(set.items(), viewer);
  double top = top_engagement(set.items(), now_ms, half_life_s);
  std::vector<ranked> out;
  for (const auto& [id, cand] : set.items()) {
    bool followed = following.count(cand.author_id) > 0;
    double e = top > 0 ? heat_value(cand.heat, now_ms, half_life_s) / top : 0;
    double score = w.recency * recency(cand.created_ms, now_ms) + w.engagement * e
                   + w.relevance * relevance(cand, affinity) + w.following * (followed ? 1 : 0);
    out.push_back({id, followed ? "following" : cand.trending ? "trending" : "recommended", score});
  }
  return sorted(std::move(out));
}

std::vector<ranked> rank_explore(const post_index& index, const std::string& viewer,
                                 const protocol::candidates& c, int64_t now_ms,
                                 int64_t half_life_s) {
  candidate_set set{index};
  for (const auto& p : index.hottest(200)) {
    set.add(p);
  }
  for (const auto& p : index.newest(200)) {
    set.add(p);
  }
  std::unordered_set<std::string> following(c.mine.following.begin(), c.mine.following.end());
  std::unordered_set<std::string> seen(c.mine.engaged.begin(), c.mine.engaged.end());
  for (const auto& item : c.following) {
    seen.insert(item.post_id);
  }
  auto affinity = affinity_of(c.mine);
  for (auto it = set.items().begin(); it != set.items().end();) {
    const auto& cand = it->second;
    bool skip
      = cand.author_id == viewer || following.count(cand.author_id) || seen.count(it->first);
    it = skip ? set.items().erase(it) : std::next(it);
  }
  double top = top_engagement(set.items(), now_ms, half_life_s);
  std::vector<ranked> out;
  for (const auto& [id, cand] : set.items()) {
    double e = top > 0 ? heat_value(cand.heat, now_ms, half_life_s) / top : 0;
    double score
      = 0.5 * e + 0.3 * recency(cand.created_ms, now_ms) + 0.2 * relevance(cand, affinity);
    out.push_back({id, "recommended", score});
  }
  return sorted(std::move(out));
}

std::vector<ranked> with_sponsored(std::vector<ranked> organic, const std::string& viewer,
                                   const sponsor_source& source) {
  if (!source) {
    return organic;
  }
  for (auto position : sponsored_positions) {
    if (position - 1 > organic.size()) {
      break;
    }
    if (auto id = source(viewer, position)) {
      organic.insert(organic.begin() + static_cast<std::ptrdiff_t>(position - 1),
                     ranked{*id, "sponsored", 0});
    }
  }
  return organic;
}

} // namespace lakoo::read_models
