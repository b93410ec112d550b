#include <chrono>
#include <functional>
#include <thread>

#include <catch2/catch.hpp>

#include "actors/identity/identity.hpp"
#include "actors/social/social.hpp"
#include "tests/support/actor_fixture.hpp"
#include "tests/support/expected.hpp"

using namespace lakoo;
using lakoo::test::error_of;
using lakoo::test::must;

namespace {

protocol::create_post post_by(const std::string& author) {
  return {author, "Kain tenun", {"https://img.id/1.jpg"}, {}, {"tenun"}};
}

/// Social and identity kinds: a post reads its author (the author's seller account).
auto social_kinds() {
  return test::kinds_of(social::register_kinds, identity::register_kinds);
}

/// Creates `id` as a user (posts need an existing author).
void user(test::actor_fixture& f, const std::string& id) {
  REQUIRE(f.ask<protocol::user_view>("user:" + id, protocol::create_user{id + "@x.id", id, {}}));
}

/// Polls `check` (bounded) until it holds.
bool eventually(const std::function<bool()>& check) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!check()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::vector<std::string> feed_ids(test::actor_fixture& f, const std::string& user) {
  std::vector<std::string> out;
  auto page = f.ask<protocol::feed_page>("feed:" + user, protocol::read_feed{50, ""});
  if (page) {
    for (const auto& i : page->items) {
      out.push_back(i.post_id);
    }
  }
  return out;
}

} // namespace

TEST_CASE("likes are a set: concurrent and repeated likes count once each", "[social]") {
  test::actor_fixture f{social_kinds(), std::chrono::seconds(1)};
  for (const char* u : {"usr_a", "usr_star"}) {
    user(f, u);
  }
  REQUIRE(f.ask<protocol::post_view>("post:pst_1", post_by("usr_a")));
  REQUIRE(f.wait_passivated("post"));
  // Users 0..19, each liking four times; all 80 likes arrive while the post activates again.
  std::vector<protocol::react_post> likes;
  for (int client = 0; client < 4; ++client) {
    for (int i = 0; i < 20; ++i) {
      likes.push_back({"usr_" + std::to_string(i), "like", true});
    }
  }
  auto [replies, overlapped] = f.ask_at_activation<protocol::post_view>("post:pst_1", likes);
  CHECK(overlapped);
  for (auto& r : replies) {
    CHECK(r); // a repeated like is answered like the first, never refused
  }
  auto p = f.ask<protocol::post_view>("post:pst_1", protocol::get_post{"usr_3"});
  REQUIRE(p);
  CHECK(p->like_count == 20);
  CHECK(p->liked_by_me);
  auto unliked
    = f.ask<protocol::post_view>("post:pst_1", protocol::react_post{"usr_3", "like", false});
  REQUIRE(unliked);
  CHECK(unliked->like_count == 19);
  CHECK_FALSE(unliked->liked_by_me);
  auto bad = f.ask<protocol::post_view>("post:pst_1", protocol::react_post{"usr_3", "love", true});
  CHECK(error_of(std::move(bad)) == protocol::errc::invalid_request);
  // Deleted: only by the author (or an admin), then gone.
  CHECK(error_of(f.ask<bool>("post:pst_1", protocol::delete_post{"usr_3", false}))
        == protocol::errc::forbidden);
  CHECK(f.ask<bool>("post:pst_1", protocol::delete_post{"usr_x", true}));
  CHECK(error_of(f.ask<protocol::post_view>("post:pst_1", protocol::get_post{""}))
        == protocol::errc::not_found);
}

TEST_CASE("a follow is mirrored on both graphs and feeds follow the author's posts", "[social]") {
  test::actor_fixture f{social_kinds()};
  for (const char* u : {"usr_a", "usr_star"}) {
    user(f, u);
  }
  CHECK(error_of(f.ask<protocol::graph_view>("graph:usr_a", protocol::follow_user{"usr_a", true}))
        == protocol::errc::invalid_request);
  auto g = f.ask<protocol::graph_view>("graph:usr_fan", protocol::follow_user{"usr_star", true});
  REQUIRE(g);
  CHECK(g->user_id == "usr_star");
  CHECK(g->follower_count == 1);
  // Idempotent.
  CHECK(must(f.ask<protocol::graph_view>("graph:usr_fan", protocol::follow_user{"usr_star", true}))
          .follower_count
        == 1);
  CHECK(must(f.ask<protocol::graph_view>("graph:usr_fan", protocol::get_graph{})).following_count
        == 1);
  CHECK(feed_ids(f, "usr_fan").empty());

  REQUIRE(f.ask<protocol::post_view>("post:pst_1", post_by("usr_star")));
  CHECK(eventually([&] { return feed_ids(f, "usr_fan") == std::vector<std::string>{"pst_1"}; }));
  CHECK(eventually([&] {
    return must(f.ask<protocol::graph_view>("graph:usr_star", protocol::get_graph{})).post_count
           == 1;
  }));
  // A feed is rebuilt from the graphs after it passivated (it is never stored).
  REQUIRE(f.ask<protocol::post_view>("post:pst_2", post_by("usr_star")));
  CHECK(eventually([&] { return feed_ids(f, "usr_fan").size() == 2; }));
  auto followers
    = f.ask<protocol::id_page>("graph:usr_star", protocol::list_graph{"followers", 10, ""});
  REQUIRE(followers);
  CHECK(followers->items == std::vector<std::string>{"usr_fan"});

  // Unfollow: both sides, and the feed drops the author.
  auto off = f.ask<protocol::graph_view>("graph:usr_fan", protocol::follow_user{"usr_star", false});
  REQUIRE(off);
  CHECK(off->follower_count == 0);
  CHECK(eventually([&] { return feed_ids(f, "usr_fan").empty(); }));
  // Deleting a post takes it out of the followers' feeds and the author's count.
  REQUIRE(f.ask<protocol::graph_view>("graph:usr_fan", protocol::follow_user{"usr_star", true}));
  CHECK(eventually([&] { return feed_ids(f, "usr_fan").size() == 2; }));
  REQUIRE(f.ask<bool>("post:pst_1", protocol::delete_post{"usr_star", false}));
  CHECK(eventually([&] { return feed_ids(f, "usr_fan") == std::vector<std::string>{"pst_2"}; }));
  CHECK(eventually([&] {
    return must(f.ask<protocol::graph_view>("graph:usr_star", protocol::get_graph{})).post_count
           == 1;
  }));
}

TEST_CASE("feeds are rebuilt from the graphs after passivation", "[social]") {
  test::actor_fixture f{social_kinds(), std::chrono::seconds(1)};
  for (const char* u : {"usr_a", "usr_star"}) {
    user(f, u);
  }
  REQUIRE(f.ask<protocol::graph_view>("graph:usr_fan", protocol::follow_user{"usr_star", true}));
  REQUIRE(f.ask<protocol::post_view>("post:pst_1", post_by("usr_star")));
  CHECK(eventually([&] { return feed_ids(f, "usr_fan").size() == 1; }));
  REQUIRE(f.wait_passivated(social::feed_kind));
  CHECK(feed_ids(f, "usr_fan") == std::vector<std::string>{"pst_1"});
}

TEST_CASE("comments keep their order and hand the count to the post", "[social]") {
  test::actor_fixture f{social_kinds()};
  for (const char* u : {"usr_a", "usr_star"}) {
    user(f, u);
  }
  REQUIRE(f.ask<protocol::post_view>("post:pst_1", post_by("usr_a")));
  auto first
    = f.ask<protocol::comment_view>("thread:pst_1", protocol::add_comment{"usr_b", "", "1"});
  REQUIRE(first);
  REQUIRE(
    f.ask<protocol::comment_view>("thread:pst_1", protocol::add_comment{"usr_a", first->id, "2"}));
  CHECK(error_of(f.ask<protocol::comment_view>("thread:pst_1",
                                               protocol::add_comment{"usr_b", "cmt_x", "3"}))
        == protocol::errc::invalid_request);
  auto page = f.ask<protocol::comment_page>("thread:pst_1", protocol::list_comments{1, ""});
  REQUIRE(page);
  CHECK(page->items[0].body == "1");
  auto rest
    = f.ask<protocol::comment_page>("thread:pst_1", protocol::list_comments{5, page->next_cursor});
  REQUIRE(rest);
  CHECK(rest->items.size() == 1);
  CHECK(rest->items[0].parent_id == first->id);
  CHECK(eventually([&] {
    return must(f.ask<protocol::post_view>("post:pst_1", protocol::get_post{""})).comment_count
           == 2;
  }));
}

TEST_CASE("a private collection is its owner's alone", "[social]") {
  test::actor_fixture f{social_kinds()};
  for (const char* u : {"usr_a", "usr_star"}) {
    user(f, u);
  }
  auto c = f.ask<protocol::collection_view>("collection:col_1",
                                            protocol::create_collection{"usr_a", "Rahasia", false});
  REQUIRE(c);
  CHECK(
    must(f.ask<protocol::id_page>("graph:usr_a", protocol::list_graph{"collections", 10, ""})).items
    == std::vector<std::string>{"col_1"});
  CHECK(error_of(
          f.ask<protocol::collection_view>("collection:col_1", protocol::get_collection{"usr_b"}))
        == protocol::errc::not_found);
  CHECK(error_of(f.ask<protocol::collection_view>("collection:col_1",
                                                  protocol::collect_post{"usr_b", "pst_1", true}))
        == protocol::errc::not_found);
  auto filed = f.ask<protocol::collection_view>("collection:col_1",
                                                protocol::collect_post{"usr_a", "pst_1", true});
  REQUIRE(filed);
  CHECK(filed->post_count == 1);
  CHECK(must(f.ask<protocol::collection_view>("collection:col_1",
                                              protocol::collect_post{"usr_a", "pst_1", true}))
          .post_count
        == 1);
  CHECK(error_of(f.ask<protocol::collection_view>(
          "collection:col_1", protocol::create_collection{"usr_a", "again", true}))
        == protocol::errc::conflict);
}

TEST_CASE("follows of an unknown user are not_found, of a user nobody follows an empty page",
          "[social]") {
  test::actor_fixture f{social_kinds()};
  user(f, "usr_alone");
  auto list = [&](const std::string& who) {
    return f.ask<protocol::id_page>("graph:" + who, protocol::list_graph{"followers", 10, ""});
  };
  CHECK(must(list("usr_alone")).items.empty());
  CHECK(error_of(list("usr_none")) == protocol::errc::not_found);
}
