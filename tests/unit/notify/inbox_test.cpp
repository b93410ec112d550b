#include <future>
#include <set>

#include <catch2/catch.hpp>
#include <msgpack.hpp>

#include "actors/notify/notify.hpp"
#include "actors/runtime/ids.hpp"
#include "tests/support/actor_fixture.hpp"
#include "tests/support/expected.hpp"

using namespace lakoo;
using lakoo::test::error_of;
using lakoo::test::must;

namespace {

struct inbox_fixture : test::actor_fixture {
  explicit inbox_fixture(std::chrono::seconds idle = std::chrono::seconds(60))
      : actor_fixture(test::kinds_of(notify::register_kinds), idle) {
    env->lists = &store; // the archive is a durable list
  }

  bool add(const std::string& user, const std::string& key, const std::string& text) {
    return must(
      ask<bool>("inbox:" + user, protocol::notify{key, "post_liked", "usr_a", "pst_1", text}));
  }

  caf::expected<protocol::notification_page> page(const std::string& user, int64_t limit,
                                                  const std::string& cursor = "") {
    return ask<protocol::notification_page>("inbox:" + user,
                                            protocol::list_notifications{limit, cursor});
  }

  /// Every notification of `user`, newest first, paging `limit` at a time.
  std::vector<protocol::notification_view> all(const std::string& user, int64_t limit) {
    std::vector<protocol::notification_view> out;
    std::string cursor;
    for (int pages = 0; pages < 1000; ++pages) {
      auto p = must(page(user, limit, cursor));
      REQUIRE(p.items.size() <= static_cast<size_t>(limit));
      out.insert(out.end(), p.items.begin(), p.items.end());
      if (p.next_cursor.empty()) {
        return out;
      }
      cursor = p.next_cursor;
    }
    FAIL("the pages never ended");
    return out;
  }

  int64_t mark(const std::string& user, std::vector<std::string> ids, bool all = false) {
    return must(ask<int64_t>("inbox:" + user, protocol::mark_read{std::move(ids), all}));
  }
};

/// Texts "n<i>" newest first, each id below the one before (one order over window and archive).
void check_order(const std::vector<protocol::notification_view>& items, int newest) {
  REQUIRE(items.size() == static_cast<size_t>(newest + 1));
  for (size_t k = 0; k < items.size(); ++k) {
    CHECK(items[k].text == "n" + std::to_string(newest - static_cast<int>(k)));
    if (k > 0) {
      CHECK(items[k].id < items[k - 1].id);
    }
  }
}

} // namespace

TEST_CASE("an inbox snapshot keeps a small window and the archive keeps the rest in order",
          "[notify]") {
  inbox_fixture f;
  const int n = 150;
  for (int i = 0; i < n; ++i) {
    REQUIRE(f.add("usr_1", "k" + std::to_string(i), "n" + std::to_string(i)));
  }
  // The snapshot stays small however many notifications there are.
  CHECK(f.store.list_items("notifications:usr_1").size() == n - notify::inbox_window);
  CHECK(f.store.body_of("inbox", "usr_1").size() < 16 * 1024);
  for (int limit : {7, 32, 100}) {
    check_order(f.all("usr_1", limit), n - 1);
  }
  CHECK(f.all("usr_1", 100).at(n - 1).read == false);
  // Pages are the same after the inbox passivated and loaded its snapshot again.
  inbox_fixture g{std::chrono::seconds(1)};
  for (int i = 0; i < 40; ++i) {
    REQUIRE(g.add("usr_2", "k" + std::to_string(i), "n" + std::to_string(i)));
  }
  REQUIRE(g.wait_passivated("inbox"));
  check_order(g.all("usr_2", 9), 39);
  CHECK(error_of(f.page("usr_1", 10, "ntf_nope")) == protocol::errc::invalid_request);
}

TEST_CASE("a repeated sender key adds nothing, also once its notification is archived",
          "[notify]") {
  inbox_fixture f;
  for (int i = 0; i < 60; ++i) {
    REQUIRE(f.add("usr_1", "k" + std::to_string(i), "n" + std::to_string(i)));
  }
  auto writes = f.store.writes();
  CHECK(f.add("usr_1", "k0", "again"));  // archived long ago
  CHECK(f.add("usr_1", "k59", "again")); // in the window
  CHECK(f.store.writes() == writes);
  check_order(f.all("usr_1", 25), 59);
}

TEST_CASE("marking read reaches archived notifications, once each", "[notify]") {
  inbox_fixture f;
  const int n = 80;
  for (int i = 0; i < n; ++i) {
    REQUIRE(f.add("usr_1", "k" + std::to_string(i), "n" + std::to_string(i)));
  }
  auto items = f.all("usr_1", 50);
  REQUIRE(items.size() == n);
  const auto archived = items.at(n - 3).id; // n2: in the archive
  const auto recent = items.at(1).id;       // n78: in the window
  CHECK(f.mark("usr_1", {archived, recent, "ntf_00000000000000000000000000", "junk"}) == 2);
  CHECK(f.mark("usr_1", {archived, recent}) == 0); // already read
  items = f.all("usr_1", 50);
  int unread = 0;
  for (const auto& i : items) {
    CHECK(i.read == (i.id == archived || i.id == recent));
    unread += i.read ? 0 : 1;
  }
  CHECK(f.mark("usr_1", {}, true) == unread);
  CHECK(f.mark("usr_1", {}, true) == 0);
  for (const auto& i : f.all("usr_1", 50)) {
    CHECK(i.read);
  }
  // Newer ones arrive unread.
  REQUIRE(f.add("usr_1", "k-new", "n80"));
  auto first = must(f.page("usr_1", 2));
  CHECK(first.items.at(0).read == false);
  CHECK(first.items.at(1).read == true);
}

namespace {

struct v1_item {
  std::string id, key, kind, actor_id, subject_id, text;
  bool read = false;
  int64_t created = 0;
  MSGPACK_DEFINE_MAP(id, key, kind, actor_id, subject_id, text, read, created)
};

struct v1_inbox {
  uint16_t v = 1;
  std::vector<v1_item> items;
  MSGPACK_DEFINE_MAP(v, items)
};

} // namespace

TEST_CASE("an inbox written before the archive loads, keeps its keys and archives as it grows",
          "[notify]") {
  inbox_fixture f;
  v1_inbox old;
  // 500 notifications, newest first, ids of one millisecond apart as the old inbox made them.
  for (int i = 499; i >= 0; --i) {
    old.items.push_back({runtime::new_id("ntf"), "k" + std::to_string(i), "post_liked", "usr_a",
                         "pst_1", "n" + std::to_string(i), i % 2 == 0, 1700000000});
  }
  std::sort(old.items.begin(), old.items.end(),
            [](const v1_item& a, const v1_item& b) { return a.id > b.id; });
  for (size_t k = 0; k < old.items.size(); ++k) {
    old.items[k].text = "n" + std::to_string(499 - static_cast<int>(k));
    old.items[k].read = (499 - k) % 2 == 0;
  }
  msgpack::sbuffer buf;
  msgpack::pack(buf, old);
  runtime::snapshot s{"inbox", "usr_1", 0, 1, 0, std::string{buf.data(), buf.size()}};
  std::promise<runtime::store_status> saved;
  f.store.save(s, [&](runtime::store_status st) { saved.set_value(st); });
  REQUIRE(saved.get_future().get() == runtime::store_status::ok);

  check_order(f.all("usr_1", 100), 499);
  CHECK(f.add("usr_1", "k3", "dup")); // an old key still de-duplicates
  REQUIRE(f.add("usr_1", "k500", "n500"));
  CHECK(f.store.body_of("inbox", "usr_1").size() < 16 * 1024);
  auto items = f.all("usr_1", 64);
  check_order(items, 500);
  for (size_t k = 1; k < items.size(); ++k) { // read flags survive the move to the archive
    CHECK(items[k].read == ((500 - k) % 2 == 0));
  }
}
