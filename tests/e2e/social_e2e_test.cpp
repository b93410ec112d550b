// The social graph on a real 3-node cluster through HTTP and WebSocket clients: posts with
// product tags, likes, saves, comments, follows, collections, the feeds and their pushes.

#include <algorithm>
#include <chrono>
#include <thread>

#include "tests/e2e/social_helpers.hpp"
#include "tests/support/checks.hpp"
#include "tests/support/race.hpp"
#include "tests/support/wait.hpp"
#include "tests/support/ws_client.hpp"

namespace {
using namespace lakoo::test;
using nlohmann::json;
} // namespace

TEST_CASE("posts tag products, reach followers' feeds within a second, and leave on unfollow",
          "[e2e][social]") {
  test_cluster cluster{"social-feed"};
  REQUIRE(cluster.wait_all_ready());
  auto admin = admin_token(cluster.port(0));
  auto seller = register_user(cluster.port(0), "Batik");
  auto fan = register_user(cluster.port(1), "Fan");
  auto other = register_user(cluster.port(2), "Lain");
  auto product = shop_product(cluster.port(0), admin, seller, "BTK");

  follow(cluster.port(1), fan, seller);
  CHECK(feed(cluster.port(1), fan).at("items").empty()); // built, empty

  auto started = clock_type::now();
  auto post = make_post(cluster.port(2), seller, "Batik tulis baru #batik", product);
  auto page = poll([&] { return feed(cluster.port(1), fan); },
                   [&](const json& p) { return has_post(p, post); }, std::chrono::seconds(10));
  INFO(page.dump());
  REQUIRE(has_post(page, post));
  // API.md promises "within 1 second": reported here, not asserted (no timing in tests).
  WARN("post -> follower's feed: "
       << std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - started).count()
       << " ms");
  auto item = page.at("items").at(0);
  CHECK(item["reason"] == "following");
  CHECK(item["post"]["author_id"] == seller.user_id);
  CHECK(item["post"]["seller_id"].is_string());
  REQUIRE(item["post"]["product_tags"].size() == 1);
  auto tag = item["post"]["product_tags"][0];
  CHECK(tag["product_id"] == product);
  CHECK(tag["price"] == 125000);
  CHECK(tag["currency"] == "IDR");
  CHECK(tag["x"] == 0.5);
  CHECK(item["post"]["hashtags"].empty());
  // Someone who does not follow sees nothing in their following feed.
  CHECK(feed(cluster.port(0), other).at("items").empty());

  // A price change shows on the tag (the tag shows the product as it is now).
  auto sku = json_of(http(cluster.port(0), "GET", "/v1/products/" + product), 200)
               .at("variants")
               .at(0)
               .at("sku");
  REQUIRE(http(cluster.port(0), "PATCH",
               "/v1/products/" + product + "/variants/" + sku.get<std::string>(),
               json{{"price", 99000}}.dump(), seller.access_token)
            .status
          == 200);
  auto repriced
    = poll([&] { return json_of(http(cluster.port(1), "GET", "/v1/posts/" + post), 200); },
           [](const json& p) { return p.at("product_tags").at(0).at("price") == 99000; },
           std::chrono::seconds(10));
  CHECK(repriced["product_tags"][0]["price"] == 99000);

  // Counts on the profile.
  auto user_of = [&](size_t node, const session& who) {
    return json_of(http(cluster.port(node), "GET", "/v1/users/" + who.user_id), 200);
  };
  auto profile = user_of(2, seller);
  CHECK(profile.at("follower_count") == 1);
  CHECK(profile.at("post_count") == 1);
  CHECK(user_of(2, fan).at("following_count") == 1);
  // Following a seller's owner is following the seller.
  auto shop = json_of(
    http(cluster.port(1), "GET", "/v1/sellers/" + item["post"]["seller_id"].get<std::string>()),
    200);
  CHECK(shop.at("follower_count") == 1);
  auto followers
    = items_of(http(cluster.port(0), "GET", "/v1/users/" + seller.user_id + "/followers"));
  REQUIRE(followers.size() == 1);
  CHECK(followers.at(0).at("id") == fan.user_id);
  auto following
    = items_of(http(cluster.port(0), "GET", "/v1/users/" + fan.user_id + "/following"));
  REQUIRE(following.size() == 1);
  CHECK(following.at(0).at("id") == seller.user_id);
  // A user that does not exist has no followers list: 404, not an empty page.
  CHECK_STATUS(http(cluster.port(0), "GET", "/v1/users/usr_" + std::string(26, '0') + "/followers"),
               404);
  CHECK_STATUS(http(cluster.port(0), "GET", "/v1/users/" + seller.user_id + "/followers?limit=0"),
               400);
  CHECK_STATUS(http(cluster.port(0), "GET", "/v1/users/" + fan.user_id + "/following?cursor=zzz"),
               400);

  // Following twice is a no-op; unfollow takes the author's posts out of the feed.
  follow(cluster.port(2), fan, seller);
  CHECK(user_of(2, seller).at("follower_count") == 1);
  follow(cluster.port(0), fan, seller, false);
  // Feeds are read models: the post leaves (in practice at once; polled, each poll a 200 page).
  auto gone = [&](uint16_t port) {
    return !has_post(poll([&] { return feed(port, fan); },
                          [&](const json& p) { return !has_post(p, post); },
                          std::chrono::seconds(10)),
                     post);
  };
  CHECK(gone(cluster.port(1)));
  CHECK(user_of(2, seller).at("follower_count") == 0);
  follow(cluster.port(0), fan, seller, false); // idempotent
  CHECK_STATUS(
    http(cluster.port(0), "DELETE", "/v1/users/" + fan.user_id + "/follow", "", fan.access_token),
    400); // yourself
  CHECK_STATUS(http(cluster.port(0), "DELETE", "/v1/users/" + seller.user_id + "/follow"), 401);

  // Following again brings the author's recent posts back; deleting removes them everywhere.
  follow(cluster.port(0), fan, seller);
  CHECK(has_post(feed(cluster.port(2), fan), post));
  CHECK(http(cluster.port(0), "DELETE", "/v1/posts/" + post, "", fan.access_token).status == 403);
  CHECK(http(cluster.port(0), "DELETE", "/v1/posts/" + post, "", seller.access_token).status
        == 204);
  CHECK(http(cluster.port(1), "GET", "/v1/posts/" + post).status == 404);
  CHECK(gone(cluster.port(1)));
  CHECK(gone(cluster.port(0)));
  CHECK(http(cluster.port(1), "DELETE", "/v1/posts/" + post, "", seller.access_token).status
        == 404);
  auto after
    = poll([&] { return user_of(2, seller); },
           [](const json& p) { return p.at("post_count") == 0; }, std::chrono::seconds(10));
  CHECK(after.at("post_count") == 0);
}

TEST_CASE("likes, follows and comments notify the author's sockets on every node",
          "[e2e][social][push]") {
  test_cluster cluster{"social-push"};
  REQUIRE(cluster.wait_all_ready());
  auto author = register_user(cluster.port(0), "Penulis");
  auto reader = register_user(cluster.port(1), "Pembaca");
  auto third = register_user(cluster.port(2), "Ketiga");
  // One socket on every node: at least two of them are on nodes other than the inbox's.
  std::vector<std::unique_ptr<ws_client>> sockets;
  for (size_t i = 0; i < cluster.size(); ++i) {
    sockets.push_back(std::make_unique<ws_client>(cluster.port(i), "/v1/ws", author.access_token));
  }
  for (auto& s : sockets) {
    REQUIRE(s->wait_ready()); // the inbox pushes to this socket's node from now on
  }
  auto post = make_post(cluster.port(0), author, "Ootd hari ini");

  follow(cluster.port(2), reader, author);
  REQUIRE(
    http(cluster.port(1), "POST", "/v1/posts/" + post + "/like", "", reader.access_token).status
    == 200);
  auto c = http(cluster.port(2), "POST", "/v1/posts/" + post + "/comments",
                json{{"body", "Cakep banget!"}}.dump(), reader.access_token);
  REQUIRE(c.status == 201);
  for (auto& s : sockets) {
    for (const char* kind : {"new_follower", "post_liked", "post_commented"}) {
      auto frame = s->wait_for(kind_is(kind));
      INFO(kind);
      REQUIRE(frame.is_object());
      CHECK(frame["notification"]["actor_id"] == reader.user_id);
    }
  }
  CHECK(sockets[0]->wait_for(kind_is("post_liked"))["notification"]["subject_id"] == post);
  // A second like is a no-op: no second notification. Proven with a marker: a like by someone
  // else after it goes through the same post and inbox, so once its frame is here a duplicate
  // would have arrived before it.
  REQUIRE_STATUS(
    http(cluster.port(0), "POST", "/v1/posts/" + post + "/like", "", reader.access_token), 200);
  REQUIRE_STATUS(
    http(cluster.port(1), "POST", "/v1/posts/" + post + "/like", "", third.access_token), 200);
  auto likes_by = [&](const std::string& user) {
    int n = 0;
    for (const auto& f : sockets[1]->frames()) {
      n += kind_is("post_liked")(f) && f["notification"]["actor_id"] == user ? 1 : 0;
    }
    return n;
  };
  CHECK(absent_until([&] { return likes_by(third.user_id) == 1; },
                     [&] { return likes_by(reader.user_id) > 1; })
        == absence::proven);
  auto inbox = items_of(http(cluster.port(2), "GET", "/v1/notifications", "", author.access_token));
  CHECK(inbox.size() == 4); // follower, like, comment, the marker's like
  for (const auto& n : inbox) {
    CHECK(n.at("read") == false);
  }

  // Reading: by ids, then all; a bad body changes nothing.
  auto read_body = json{{"ids", {inbox.at(0).at("id")}}}.dump();
  auto marked
    = http(cluster.port(0), "POST", "/v1/notifications/read", read_body, author.access_token);
  CHECK(json_of(marked, 200).at("marked") == 1);
  auto bad_read = http(cluster.port(0), "POST", "/v1/notifications/read", json{{"ids", 5}}.dump(),
                       author.access_token);
  CHECK_STATUS(bad_read, 400);
  CHECK(bad_read.error_field() == "ids");
  CHECK_STATUS(http(cluster.port(0), "POST", "/v1/notifications/read", read_body), 401);
  auto after_one
    = items_of(http(cluster.port(1), "GET", "/v1/notifications", "", author.access_token));
  REQUIRE(after_one.size() == 4);
  CHECK(after_one.at(0).at("read") == true);
  CHECK(after_one.at(1).at("read") == false);
  CHECK(json_of(http(cluster.port(2), "POST", "/v1/notifications/read", json{{"all", true}}.dump(),
                     author.access_token),
                200)
          .at("marked")
        == 3);
  for (const auto& n :
       items_of(http(cluster.port(0), "GET", "/v1/notifications", "", author.access_token))) {
    CHECK(n.at("read") == true);
  }
  CHECK_STATUS(http(cluster.port(0), "GET", "/v1/notifications?limit=0", "", author.access_token),
               400);

  // Comments: oldest first, replies name their parent, an unknown parent is refused.
  auto first = c.json()["id"].get<std::string>();
  auto reply = http(cluster.port(0), "POST", "/v1/posts/" + post + "/comments",
                    json{{"body", "Makasih!"}, {"parent_id", first}}.dump(), author.access_token);
  REQUIRE(reply.status == 201);
  CHECK(reply.json()["parent_id"] == first);
  auto bad_parent = http(cluster.port(0), "POST", "/v1/posts/" + post + "/comments",
                         json{{"body", "?"}, {"parent_id", "cmt_x"}}.dump(), author.access_token);
  CHECK(bad_parent.status == 400);
  CHECK(bad_parent.error_field() == "parent_id");
  auto comments = http(cluster.port(1), "GET", "/v1/posts/" + post + "/comments?limit=1").json();
  REQUIRE(comments["items"].size() == 1);
  CHECK(comments["items"][0]["id"] == first);
  auto rest = http(cluster.port(1), "GET",
                   "/v1/posts/" + post
                     + "/comments?limit=1&cursor=" + comments["next_cursor"].get<std::string>())
                .json();
  CHECK(rest["items"][0]["body"] == "Makasih!");
  CHECK(rest["next_cursor"].is_null());
  auto counted
    = poll([&] { return http(cluster.port(2), "GET", "/v1/posts/" + post).json(); },
           [](const json& p) { return p["comment_count"] == 2; }, std::chrono::seconds(5));
  CHECK(counted["comment_count"] == 2);
}

TEST_CASE("concurrent likes through all nodes give exact counts that survive a restart",
          "[e2e][social]") {
  test_cluster cluster{"social-likes"};
  REQUIRE(cluster.wait_all_ready());
  auto author = register_user(cluster.port(0), "Viral");
  auto post = make_post(cluster.port(0), author, "Giveaway!");
  const size_t n = 24;
  std::vector<session> fans;
  for (size_t i = 0; i < n; ++i) {
    fans.push_back(register_user(cluster.port(i % 3), "Fan" + std::to_string(i)));
  }
  // Every fan likes twice at once through two different nodes; a third of them also save. The
  // connections are open before the gate opens, so the requests really run at once.
  struct call {
    size_t node;
    std::string what;
    const session* who;
  };
  std::vector<call> calls;
  for (size_t i = 0; i < n; ++i) {
    calls.push_back({i % 3, "/like", &fans[i]});
    calls.push_back({(i + 1) % 3, "/like", &fans[i]});
    if (i % 3 == 0) {
      calls.push_back({i % 3, "/save", &fans[i]});
    }
  }
  auto run = race(
    calls.size(), [&](size_t i) { return http_connection{cluster.port(calls[i].node)}; },
    [&](size_t i, http_connection& conn) {
      return conn
        .request("POST", "/v1/posts/" + post + calls[i].what, "", calls[i].who->access_token)
        .status;
    });
  for (auto status : run.results) {
    CHECK(status == 200);
  }
  INFO("peak requests in flight: " << run.timing.peak_in_flight());
  CHECK(run.timing.peak_in_flight() >= 8);
  auto p
    = json_of(http(cluster.port(1), "GET", "/v1/posts/" + post, "", fans[0].access_token), 200);
  CHECK(p.at("like_count") == n);
  CHECK(p.at("save_count") == n / 3);
  CHECK(p.at("liked_by_me") == true);
  CHECK(p.at("saved_by_me") == true);
  CHECK(json_of(http(cluster.port(1), "GET", "/v1/posts/" + post, "", fans[1].access_token), 200)
          .at("saved_by_me")
        == false);
  // Unlike twice, unsave twice: one less each.
  for (size_t k = 0; k < 2; ++k) {
    auto unliked
      = http(cluster.port(k), "DELETE", "/v1/posts/" + post + "/like", "", fans[5].access_token);
    CHECK(json_of(unliked, 200).at("like_count") == n - 1);
    auto unsaved
      = http(cluster.port(k), "DELETE", "/v1/posts/" + post + "/save", "", fans[6].access_token);
    auto after = json_of(unsaved, 200);
    CHECK(after.at("save_count") == n / 3 - 1);
    CHECK(after.at("saved_by_me") == false);
  }
  CHECK_STATUS(http(cluster.port(0), "DELETE", "/v1/posts/" + post + "/save"), 401);
  CHECK_STATUS(http(cluster.port(0), "DELETE", "/v1/posts/pst_00000000000000000000000000/like", "",
                    fans[5].access_token),
               404);
  CHECK_STATUS(http(cluster.port(0), "DELETE", "/v1/posts/pst_00000000000000000000000000/save", "",
                    fans[6].access_token),
               404);
  // Every node killed and restarted: the counts were durable before they were acknowledged.
  for (size_t i = 0; i < cluster.size(); ++i) {
    cluster.kill9(i);
  }
  for (size_t i = 0; i < cluster.size(); ++i) {
    cluster.start(i);
  }
  REQUIRE(cluster.wait_all_ready());
  p = json_of(http(cluster.port(2), "GET", "/v1/posts/" + post, "", fans[5].access_token), 200);
  CHECK(p.at("like_count") == n - 1);
  CHECK(p.at("save_count") == n / 3 - 1);
  CHECK(p.at("liked_by_me") == false);
}

TEST_CASE("bad social input gets 400 naming the field and changes nothing", "[e2e][social]") {
  test_cluster cluster{"social-bad", 1};
  REQUIRE(cluster.wait_all_ready());
  auto p = cluster.port(0);
  auto admin = admin_token(p);
  auto seller = register_user(p, "Sari");
  auto product = shop_product(p, admin, seller, "BAD");
  // A product that is not active (a draft) cannot be tagged.
  auto draft = http(
    p, "POST",
    "/v1/sellers/"
      + json_of(http(p, "GET", "/v1/me", "", seller.access_token), 200)
          .at("seller_id")
          .get<std::string>()
      + "/products",
    json{{"title", "Draf"},
         {"category", "makanan_minuman"},
         {"variants", {{{"sku", "DRAFT-" + unique_suffix()}, {"price", 1000}, {"stock", 1}}}}}
      .dump(),
    seller.access_token);
  REQUIRE(draft.status == 201);
  auto draft_id = draft.json()["id"].get<std::string>();

  auto media = json::array({"https://cdn.lakoo.id/x.jpg"});
  struct bad_case {
    json body;
    std::string field;
  };
  std::vector<bad_case> cases{
    {{{"caption", std::string(5001, 'a')}, {"media_urls", media}}, "caption"},
    {{{"caption", "x"}}, "media_urls"},
    {{{"caption", "x"}, {"media_urls", json::array()}}, "media_urls"},
    {{{"caption", "x"}, {"media_urls", {"ftp://x"}}}, "media_urls[0]"},
    {{{"caption", 5}, {"media_urls", media}}, "caption"},
    {{{"media_urls", media}, {"product_tags", {{{"product_id", product}, {"x", 1.5}, {"y", 0}}}}},
     "product_tags[0].x"},
    {{{"media_urls", media}, {"product_tags", {{{"product_id", product}, {"x", 0}, {"y", -0.1}}}}},
     "product_tags[0].y"},
    {{{"media_urls", media}, {"product_tags", {{{"product_id", draft_id}, {"x", 0}, {"y", 0}}}}},
     "product_tags[0].product_id"},
    {{{"media_urls", media}, {"product_tags", {{{"product_id", "prd_nope"}, {"x", 0}, {"y", 0}}}}},
     "product_tags[0].product_id"},
    {{{"media_urls", media}, {"product_tags", {{{"x", 0}, {"y", 0}}}}},
     "product_tags[0].product_id"},
    {{{"media_urls", media}, {"hashtags", "batik"}}, "hashtags"},
  };
  for (const auto& c : cases) {
    auto r = http(p, "POST", "/v1/posts", c.body.dump(), seller.access_token);
    INFO(c.body.dump().substr(0, 200));
    CHECK(r.status == 400);
    CHECK(r.error_code() == "invalid_request");
    CHECK(r.error_field() == c.field);
  }
  CHECK(http(p, "POST", "/v1/posts", "{not json", seller.access_token).status == 400);
  CHECK(http(p, "POST", "/v1/posts", json{{"media_urls", media}}.dump()).status == 401);
  CHECK(json_of(http(p, "GET", "/v1/users/" + seller.user_id), 200).at("post_count") == 0);

  auto post = make_post(p, seller, "ok", product);
  auto me = seller;
  auto self_follow = http(p, "POST", "/v1/users/" + me.user_id + "/follow", "", me.access_token);
  CHECK(self_follow.status == 400);
  CHECK(self_follow.error_field() == "id");
  CHECK(http(p, "POST", "/v1/users/usr_nobody/follow", "", me.access_token).status == 404);
  auto empty_comment = http(p, "POST", "/v1/posts/" + post + "/comments", json{{"body", ""}}.dump(),
                            me.access_token);
  CHECK(empty_comment.status == 400);
  CHECK(empty_comment.error_field() == "body");
  CHECK(http(p, "POST", "/v1/posts/" + post + "/comments",
             json{{"body", std::string(5001, 'x')}}.dump(), me.access_token)
          .error_field()
        == "body");
  CHECK(http(p, "POST", "/v1/posts/pst_missing/like", "", me.access_token).status == 404);
  CHECK(http(p, "GET", "/v1/posts/" + post + "/comments?limit=0").error_field() == "limit");
  CHECK(http(p, "GET", "/v1/posts/" + post + "/comments?cursor=zzz").error_field() == "cursor");
  CHECK(http(p, "GET", "/v1/feed/following?cursor=abc", "", me.access_token).error_field()
        == "cursor");
  CHECK(http(p, "POST", "/v1/collections", json{{"name", std::string(201, 'n')}}.dump(),
             me.access_token)
          .error_field()
        == "name");
  CHECK(http(p, "POST", "/v1/collections", json{{"name", "x"}, {"is_public", "yes"}}.dump(),
             me.access_token)
          .error_field()
        == "is_public");
  CHECK(http(p, "POST", "/v1/posts/" + post + "/save", json{{"collection_id", 7}}.dump(),
             me.access_token)
          .error_field()
        == "collection_id");
  auto after = json_of(http(p, "GET", "/v1/posts/" + post), 200);
  CHECK(after.at("comment_count") == 0);
  CHECK(after.at("save_count") == 0);
  CHECK(http(p, "GET", "/health").status == 200);
}

TEST_CASE("a socket that stops reading is dropped, its inbox keeps everything",
          "[e2e][social][push]") {
  test_cluster cluster{"social-slow", 1, {"ws_queue_limit = 8", "ws_send_buffer = 4096"}};
  REQUIRE(cluster.wait_all_ready());
  auto p = cluster.port(0);
  auto author = register_user(p, "Lambat");
  auto chatty = register_user(p, "Cerewet");
  auto post = make_post(p, author, "komen dong");
  ws_client slow{p, "/v1/ws", author.access_token, true};
  ws_client fine{p, "/v1/ws", author.access_token};
  REQUIRE(slow.wait_ready());
  REQUIRE(fine.wait_ready());
  slow.stall();
  // Each comment notifies the author with an excerpt: ~300 frames of ~300 bytes overflow the
  // stalled socket's kernel buffers, then its 8-frame queue.
  const int n = 300;
  for (int i = 0; i < n; ++i) {
    REQUIRE(http(p, "POST", "/v1/posts/" + post + "/comments",
                 json{{"body", std::to_string(i) + " " + std::string(200, 'k')}}.dump(),
                 chatty.access_token)
              .status
            == 201);
  }
  auto count_comments = [&] {
    int count = 0;
    for (const auto& f : fine.frames()) {
      count += kind_is("post_commented")(f) ? 1 : 0;
    }
    return count;
  };
  auto deadline = clock_type::now() + std::chrono::seconds(20);
  while (count_comments() < n && clock_type::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(count_comments() == n); // the reading client got every one
  CHECK(slow.wait_closed(std::chrono::seconds(10)));
  auto metrics = http(p, "GET", "/metrics").body;
  CHECK(metrics.find("lakoo_ws_dropped_total{reason=\"slow_client\"} ") != std::string::npos);
  // The inbox kept all of them: page through it.
  size_t kept = 0;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    auto r = json_of(
      http(p, "GET", "/v1/notifications?limit=100" + (cursor.empty() ? "" : "&cursor=" + cursor),
           "", author.access_token),
      200);
    for (const auto& item : r.at("items")) {
      kept += item.at("kind") == "post_commented" ? 1 : 0;
    }
    if (r.at("next_cursor").is_null()) {
      break;
    }
    cursor = r.at("next_cursor").get<std::string>();
  }
  CHECK(kept == static_cast<size_t>(n));
  CHECK(http(p, "GET", "/health").status == 200);
}
