// Ranked feeds, pulled authors and collections on a real cluster through HTTP.

#include <algorithm>
#include <chrono>

#include "tests/e2e/social_helpers.hpp"
#include "tests/support/checks.hpp"

namespace {
using namespace lakoo::test;
using nlohmann::json;
} // namespace

TEST_CASE("trending follows engagement, for-you and explore rank with reasons", "[e2e][social]") {
  test_cluster cluster{"social-rank"};
  REQUIRE(cluster.wait_all_ready());
  auto a = register_user(cluster.port(0), "Ani");
  auto b = register_user(cluster.port(1), "Budi");
  auto viewer = register_user(cluster.port(2), "Citra");
  std::vector<session> likers;
  for (int i = 0; i < 3; ++i) {
    likers.push_back(register_user(cluster.port(static_cast<size_t>(i)), "L" + std::to_string(i)));
  }
  auto hot = make_post(cluster.port(0), a, "paling rame");
  auto warm = make_post(cluster.port(1), b, "lumayan");
  auto cold = make_post(cluster.port(2), b, "sepi");
  for (int i = 0; i < 3; ++i) {
    REQUIRE_STATUS(http(cluster.port(0), "POST", "/v1/posts/" + hot + "/like", "",
                        likers[static_cast<size_t>(i)].access_token),
                   200);
  }
  REQUIRE_STATUS(
    http(cluster.port(1), "POST", "/v1/posts/" + warm + "/like", "", likers[0].access_token), 200);
  // A comment weighs 3: cold ties with hot's 3 likes...
  REQUIRE_STATUS(http(cluster.port(2), "POST", "/v1/posts/" + cold + "/comments",
                      json{{"body", "hm"}}.dump(), likers[1].access_token),
                 201);
  REQUIRE_STATUS(
    http(cluster.port(2), "POST", "/v1/posts/" + hot + "/save", "", likers[1].access_token),
    200); // +2

  // Other tests' posts may be in the database too (one per ctest run): look at these only.
  std::vector<std::string> mine{hot, warm, cold};
  auto order_of = [&](const json& items) {
    std::vector<std::string> ids;
    for (const auto& item : items) {
      auto id = item["post"]["id"].get<std::string>();
      if (std::find(mine.begin(), mine.end(), id) != mine.end()) {
        ids.push_back(id);
      }
    }
    return ids;
  };
  /// Every page of `target` (limit `limit`), concatenated.
  auto all_pages
    = [&](uint16_t port, const std::string& target, const std::string& token, int limit) {
        json items = json::array();
        std::string cursor;
        for (int guard = 0; guard < 200; ++guard) {
          auto sep = target.find('?') == std::string::npos ? "?" : "&";
          auto r = http(port, "GET",
                        target + sep + "limit=" + std::to_string(limit)
                          + (cursor.empty() ? "" : "&cursor=" + cursor),
                        "", token);
          REQUIRE(r.status == 200);
          auto page = r.json();
          for (auto& item : page["items"]) {
            items.push_back(item);
          }
          if (page["next_cursor"].is_null()) {
            break;
          }
          cursor = page["next_cursor"].get<std::string>();
        }
        return items;
      };
  std::vector<std::string> want{hot, cold, warm};
  auto trending
    = poll([&] { return all_pages(cluster.port(1), "/v1/trending", "", 100); },
           [&](const json& items) { return order_of(items) == want; }, std::chrono::seconds(20));
  CHECK(order_of(trending) == want);
  // Small pages walk the same ranking without repeats or gaps.
  auto paged = all_pages(cluster.port(1), "/v1/trending", "", 3); // the node polled above
  CHECK(paged.size() == trending.size());
  CHECK(order_of(paged) == want);
  for (const auto& item : paged) {
    CHECK(item["reason"] == "trending");
  }
  CHECK(http(cluster.port(0), "GET", "/v1/trending?cursor=zzz").status == 400);

  // The viewer follows Budi: for-you puts Budi's posts as "following", the others carry
  // their reasons; explore leaves Budi out.
  follow(cluster.port(2), viewer, b);
  auto for_you = all_pages(cluster.port(1), "/v1/feed", viewer.access_token, 50);
  INFO(for_you.dump().substr(0, 2000));
  CHECK(order_of(for_you).size() == 3);
  for (const auto& item : for_you) {
    auto reason = item["reason"].get<std::string>();
    if (item["post"]["author_id"] == b.user_id) {
      CHECK(reason == "following");
    } else {
      CHECK(reason != "following");
      CHECK((reason == "trending" || reason == "recommended"));
    }
  }
  // Followed authors weigh more: Budi's warm post ranks above a's hot one... only by the
  // following part; both appear. Explore has a's post and none of Budi's.
  auto explore = all_pages(cluster.port(1), "/v1/feed/explore", viewer.access_token, 50);
  CHECK(order_of(explore) == std::vector<std::string>{hot});
  for (const auto& item : explore) {
    CHECK(item["post"]["author_id"] != b.user_id);
    CHECK(item["reason"] == "recommended");
  }
  CHECK(http(cluster.port(0), "GET", "/v1/feed?cursor=o.x", "", viewer.access_token).status == 400);
  CHECK(http(cluster.port(0), "GET", "/v1/feed").status == 401);
  CHECK_STATUS(http(cluster.port(0), "GET", "/v1/feed/explore"), 401);
  CHECK_STATUS(http(cluster.port(0), "GET", "/v1/feed/explore?limit=500", "", viewer.access_token),
               400);
}

TEST_CASE("authors with very many followers are pulled into feeds at read time", "[e2e][social]") {
  // Above one follower an author counts as "big" here, so the second follower turns pushes off.
  test_cluster cluster{"social-pull", 3, {"feed_push_max_followers = 1"}};
  REQUIRE(cluster.wait_all_ready());
  auto star = register_user(cluster.port(0), "Bintang");
  auto f1 = register_user(cluster.port(1), "Satu");
  auto f2 = register_user(cluster.port(2), "Dua");
  auto old_post = make_post(cluster.port(0), star, "sebelum");
  follow(cluster.port(1), f1, star);
  follow(cluster.port(2), f2, star);
  // Pulled posts come from the reading node's post index: there within a poll.
  for (auto [port, fan] :
       {std::make_pair(cluster.port(1), &f1), std::make_pair(cluster.port(0), &f2)}) {
    CHECK(
      has_post(poll([&, port = port, fan = fan] { return feed(port, *fan); },
                    [&](const json& p) { return has_post(p, old_post); }, std::chrono::seconds(10)),
               old_post));
  }

  auto post = make_post(cluster.port(1), star, "sesudah");
  for (auto* fan : {&f1, &f2}) {
    auto page = poll([&] { return feed(cluster.port(2), *fan); },
                     [&](const json& p) { return has_post(p, post); }, std::chrono::seconds(10));
    REQUIRE(has_post(page, post));
    CHECK(page.at("items").at(0).at("post").at("id") == post); // newest first, merged
  }
  // Unfollowing drops the pulled author too (the follow answers once the feed took it in).
  follow(cluster.port(0), f1, star, false);
  CHECK(feed(cluster.port(1), f1).at("items").empty());
}

TEST_CASE("collections: private boards, saving into them, and who may see them", "[e2e][social]") {
  test_cluster cluster{"social-boards", 2};
  REQUIRE(cluster.wait_all_ready());
  auto owner = register_user(cluster.port(0), "Dina");
  auto stranger = register_user(cluster.port(1), "Eko");
  auto post = make_post(cluster.port(1), stranger, "inspirasi");
  auto r = http(cluster.port(0), "POST", "/v1/collections",
                json{{"name", "Outfit Lebaran"}, {"is_public", false}}.dump(), owner.access_token);
  REQUIRE(r.status == 201);
  auto board = r.json()["id"].get<std::string>();
  auto pub = http(cluster.port(1), "POST", "/v1/collections", json{{"name", "Publik"}}.dump(),
                  owner.access_token);
  REQUIRE(pub.status == 201);
  CHECK(pub.json()["is_public"] == true);

  REQUIRE(http(cluster.port(1), "POST", "/v1/posts/" + post + "/save",
               json{{"collection_id", board}}.dump(), owner.access_token)
            .status
          == 200);
  auto posts = items_of(
    http(cluster.port(0), "GET", "/v1/collections/" + board + "/posts", "", owner.access_token));
  REQUIRE(posts.size() == 1);
  CHECK(posts.at(0).at("id") == post);
  CHECK(posts.at(0).at("saved_by_me") == true);
  // The board itself: its owner sees it with its count, anyone sees a public one.
  auto mine = json_of(
    http(cluster.port(1), "GET", "/v1/collections/" + board, "", owner.access_token), 200);
  CHECK(mine.at("name") == "Outfit Lebaran");
  CHECK(mine.at("is_public") == false);
  CHECK(mine.at("post_count") == 1);
  auto public_board = pub.json()["id"].get<std::string>();
  CHECK(json_of(http(cluster.port(0), "GET", "/v1/collections/" + public_board, "",
                     stranger.access_token),
                200)
          .at("name")
        == "Publik");
  CHECK(json_of(http(cluster.port(0), "GET", "/v1/collections/" + public_board), 200).at("name")
        == "Publik");
  // The stranger sees only the public board and cannot read or fill the private one.
  CHECK_STATUS(http(cluster.port(0), "GET", "/v1/collections/" + board, "", stranger.access_token),
               404);
  CHECK_STATUS(http(cluster.port(0), "GET", "/v1/collections/" + board), 404);
  auto theirs = items_of(http(cluster.port(1), "GET", "/v1/users/" + owner.user_id + "/collections",
                              "", stranger.access_token));
  REQUIRE(theirs.size() == 1);
  CHECK(theirs.at(0).at("name") == "Publik");
  CHECK(items_of(http(cluster.port(0), "GET", "/v1/users/" + owner.user_id + "/collections", "",
                      owner.access_token))
          .size()
        == 2);
  CHECK_STATUS(http(cluster.port(0), "GET", "/v1/users/" + owner.user_id + "/collections?limit=0"),
               400);
  CHECK(
    http(cluster.port(1), "GET", "/v1/collections/" + board + "/posts", "", stranger.access_token)
      .status
    == 404);
  auto into_public = http(cluster.port(1), "POST", "/v1/posts/" + post + "/save",
                          json{{"collection_id", pub.json()["id"]}}.dump(), stranger.access_token);
  CHECK(into_public.status == 403);
  // Nothing changed by the refused save.
  auto seen
    = json_of(http(cluster.port(0), "GET", "/v1/posts/" + post, "", stranger.access_token), 200);
  CHECK(seen.at("saved_by_me") == false);
  CHECK(seen.at("save_count") == 1); // the owner's save into the private board
}
