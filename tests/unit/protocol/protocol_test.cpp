#include <set>
#include <string>
#include <utility>
#include <vector>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include "actors/protocol/messages.hpp"

namespace {

using namespace lakoo;

caf::actor_system_config& registered(caf::actor_system_config& cfg) {
  protocol::add_message_types(cfg);
  return cfg;
}

/// Serialises `msg` as it crosses nodes and reads it back.
caf::message round_trip(caf::actor_system& sys, const caf::message& msg) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  auto copy = msg;
  REQUIRE_FALSE(sink(copy));
  caf::message out;
  caf::binary_deserializer source{sys, buf};
  REQUIRE_FALSE(source(out));
  return out;
}

protocol::order_line sample_line() {
  return {"KMJ-M", "prd_1", "sel_1", "Kemeja Batik", 350000, 2, 700000, "usr_9"};
}

protocol::order_view sample_order();
protocol::notification_view sample_notification() {
  return {"ntf_1", "order_paid", "", "ord_1", "Pesanan dibayar", false, "2026-11-22T10:00:00Z"};
}
protocol::review_view sample_review() {
  return {"rev_1",
          "prd_1",
          "ord_1",
          "usr_1",
          5,
          "Kainnya adem",
          {"https://i/1.jpg"},
          "2026-11-22T10:00:00Z"};
}
protocol::post_tag sample_tag() {
  return {"prd_1", 0.25, 0.75, "Kemeja Batik", 350000, "IDR", "fashion"};
}
protocol::post_view sample_post() {
  protocol::post_view p;
  p.id = "pst_1";
  p.author_id = "usr_1";
  p.caption = "Batik baru";
  p.media_urls = {"https://i/1.jpg"};
  p.product_tags = {sample_tag()};
  p.hashtags = {"batik"};
  p.like_count = 4;
  p.liked_by_me = true;
  p.created_at = "2026-11-22T10:00:00Z";
  p.created_ms = 1700000000000;
  return p;
}
protocol::comment_view sample_comment() {
  return {"cmt_1", "pst_1", "usr_2", "", "Bagus!", "2026-11-22T10:00:00Z"};
}
protocol::payment_view sample_payment() {
  return {"pay_1",
          "ord_1",
          "usr_1",
          protocol::payment_status::pending,
          700000,
          "IDR",
          "2026-11-22T10:15:00Z",
          "sandbox",
          false};
}

protocol::address sample_address() {
  return {"adr_1",         "Rumah", "Siti",    "+62 812 3456 7890",
          "Jl. Merdeka 1", "RT 02", "Bandung", "Jawa Barat",
          "40111",         "ID",    true};
}

protocol::order_view sample_order() {
  protocol::order_view o;
  o.id = "ord_1";
  o.user_id = "usr_1";
  o.status = protocol::order_status::paid;
  o.items = {sample_line()};
  o.subtotal = o.total = 700000;
  o.currency = "IDR";
  o.shipping_address = sample_address();
  o.payment_id = "pay_1";
  o.history = {{protocol::order_status::awaiting_payment, "2026-11-22T10:00:00Z", ""}};
  o.created_at = "2026-11-22T10:00:00Z";
  o.created_ms = 1795000000123;
  return o;
}

} // namespace

TEST_CASE("every message type survives a binary round trip", "[protocol]") {
  caf::actor_system_config cfg;
  caf::actor_system sys{registered(cfg)};
  protocol::user_view user{"usr_1",
                           "a@b.id",
                           "Ani",
                           "bio",
                           "https://x/y.png",
                           {"customer", "admin"},
                           "sel_1",
                           "2026-11-21T10:00:00Z",
                           3,
                           4,
                           5};
  protocol::router_stats stats{"n1", {"user"}, {7}, 1, 2, 85, {"n2"}};
  protocol::variant var{"KMJ-M", 150000, "IDR", 4, {"size"}, {"M"}};
  protocol::seller_profile profile{"Batik Sekar", "Tulis dari Solo", "https://img.id/s.png",
                                   "batiksekar", "bazaar"};
  protocol::seller_view seller{"sel_1",
                               "usr_1",
                               "Batik Sekar",
                               "bio",
                               "",
                               "batiksekar",
                               "bazaar",
                               protocol::seller_status::pending,
                               "",
                               0,
                               0,
                               "2026-11-22T00:00:00Z"};
  std::vector<caf::message> samples = {
    caf::make_message(stats),
    caf::make_message(sample_address()),
    caf::make_message(user),
    caf::make_message(protocol::create_user{"a@b.id", "Ani", {"customer"}}),
    caf::make_message(protocol::get_user{}),
    caf::make_message(protocol::update_user{true, "N", false, "", true, "u"}),
    caf::make_message(protocol::list_addresses{}),
    caf::make_message(protocol::address_list{{sample_address(), sample_address()}}),
    caf::make_message(protocol::add_address{sample_address()}),
    caf::make_message(protocol::update_address{"adr_1", {"city"}, sample_address()}),
    caf::make_message(protocol::delete_address{"adr_1"}),
    caf::make_message(protocol::account_view{"usr_1", "$argon2id$..."}),
    caf::make_message(protocol::open_account{"usr_1", "a@b.id", "h", "Ani", {"customer"}}),
    caf::make_message(protocol::get_account{}),
    caf::make_message(protocol::open_family{"usr_1", "abc"}),
    caf::make_message(protocol::rotate_family{"abc", "def"}),
    caf::make_message(protocol::revoke_family{"abc"}),
    caf::make_message(protocol::family_view{"usr_1", true}),
    caf::make_message(std::vector<protocol::router_stats>{stats, stats}),
    caf::make_message(seller),
    caf::make_message(profile),
    caf::make_message(protocol::apply_seller{"sel_1", profile}),
    caf::make_message(protocol::create_seller{"usr_1", profile}),
    caf::make_message(protocol::get_seller{}),
    caf::make_message(protocol::update_seller{"usr_1", {"bio"}, profile}),
    caf::make_message(protocol::review_seller{false, "blurry photos"}),
    caf::make_message(protocol::set_role{"seller", true}),
    caf::make_message(protocol::sku_view{"BTK-M", "prd_1", "sel_1", 10, 3, 7}),
    caf::make_message(protocol::define_sku{"prd_1", "sel_1", 10}),
    caf::make_message(protocol::get_sku{}),
    caf::make_message(protocol::set_stock{12}),
    caf::make_message(protocol::reserve_sku{"chk_1", 2, 900000}),
    caf::make_message(protocol::release_sku{"chk_1"}),
    caf::make_message(protocol::commit_sku{"chk_1"}),
    caf::make_message(protocol::forget_key{"chk_1"}),
    caf::make_message(var),
    caf::make_message(protocol::product_view{"prd_1",
                                             "sel_1",
                                             "usr_1",
                                             "Kemeja",
                                             "d",
                                             "fashion",
                                             {"https://img.id/1.png"},
                                             protocol::product_status::draft,
                                             "",
                                             {var, var},
                                             9,
                                             2,
                                             "2026-11-22T00:00:00Z"}),
    caf::make_message(
      protocol::create_product{"sel_1", "usr_1", "Kemeja", "d", "fashion", {}, {var}}),
    caf::make_message(protocol::get_product{}),
    caf::make_message(
      protocol::moderate_product{protocol::product_action::reject, "usr_1", "blurry"}),
    caf::make_message(protocol::set_variant_price{"usr_1", "KMJ-M", 150000}),
    caf::make_message(protocol::confirm_claim{"KMJ-M"}),
    caf::make_message(protocol::drop_sku{"prd_1"}),
    caf::make_message(protocol::cart_line{"KMJ-M", "prd_1", 2}),
    caf::make_message(protocol::cart_view{{sample_line()}, 700000, "IDR"}),
    caf::make_message(protocol::get_cart{}),
    caf::make_message(protocol::change_cart{"KMJ-M", 2, false}),
    caf::make_message(protocol::clear_cart{"KMJ-M"}),
    caf::make_message(protocol::shipping_option{"jne", "reg", 18000, "2-4"}),
    caf::make_message(protocol::seller_shipping{"sel_1", {{"jne", "yes", 32500, "1-1"}}}),
    caf::make_message(
      protocol::shipping_quote{{{"sel_1", {{"sicepat", "reg", 17500, "2-4"}}}, {"sel_2", {}}}}),
    caf::make_message(protocol::quote_shipping{"", "35", "3578", {{"KMJ-M", "", 2}}}),
    caf::make_message(sample_line()),
    caf::make_message(
      protocol::order_event{protocol::order_status::paid, "2026-11-22T10:00:00Z", "webhook evt_1"}),
    caf::make_message(sample_order()),
    caf::make_message(sample_payment()),
    caf::make_message(protocol::checkout_view{sample_order(), sample_payment()}),
    caf::make_message(protocol::start_checkout{"usr_1", "adr_1", sample_address(), {"HEMAT"}, 900}),
    caf::make_message(protocol::get_order{"usr_2", false}),
    caf::make_message(
      protocol::order_action{protocol::order_verb::ship, "usr_2", false, "JNE", "JP123", "k1"}),
    caf::make_message(protocol::payment_settled{"pay_1", protocol::payment_status::succeeded}),
    caf::make_message(protocol::open_payment{"ord_1", "usr_1", 700000, "IDR", 1795000000}),
    caf::make_message(protocol::get_payment{"usr_1", false}),
    caf::make_message(protocol::simulate_payment{"usr_1", protocol::payment_status::succeeded}),
    caf::make_message(protocol::simulation{"pay_1", "evt_1", protocol::payment_status::succeeded}),
    caf::make_message(protocol::payment_event{"evt_1", "payment.succeeded", 700000}),
    caf::make_message(protocol::end_payment{protocol::payment_end::refund, "buyer cancelled"}),
    caf::make_message(protocol::restock_sku{"ord_1:restock", 2}),
    caf::make_message(protocol::remove_bought{"ord_1", {{"KMJ-M", "prd_1", 2}}}),
    caf::make_message(protocol::post_earning{"ord_1", 700000, 3500}),
    caf::make_message(protocol::get_earnings{}),
    caf::make_message(protocol::earnings_view{700000, 3500, 696500, 1}),
    caf::make_message(protocol::book_order{"ord_1", 1795000000123}),
    caf::make_message(protocol::list_orders{"usr_1", 20, "c1"}),
    caf::make_message(protocol::order_page{{sample_order()}, "c2"}),
    caf::make_message(protocol::seller_earnings{"usr_1"}),
    caf::make_message(protocol::cart_lines{{{"KMJ-M", "prd_1", 2}}}),
    caf::make_message(protocol::take_cart{"ord_1:0"}),
    caf::make_message(protocol::return_to_cart{"ord_1:0:back", {{"KMJ-M", "prd_1", 2}}}),
    caf::make_message(sample_review()),
    caf::make_message(protocol::add_review{"ord_1", "usr_1", 5, "Mantap", {"https://i/1.jpg"}}),
    caf::make_message(protocol::list_reviews{20, "c"}),
    caf::make_message(protocol::review_page{{sample_review()}, "c3"}),
    caf::make_message(protocol::set_rating{14, 3}),
    caf::make_message(sample_notification()),
    caf::make_message(protocol::notify{"ord_1:paid", "order_paid", "", "ord_1", "Paid"}),
    caf::make_message(protocol::list_notifications{20, "c"}),
    caf::make_message(protocol::notification_page{{sample_notification()}, "c4"}),
    caf::make_message(protocol::mark_read{{"ntf_1"}, false}),
    caf::make_message(protocol::watch_inbox{caf::actor{}, 15000, true}),
    caf::make_message(sample_tag()),
    caf::make_message(sample_post()),
    caf::make_message(
      protocol::create_post{"usr_1", "Batik baru", {"https://i/1.jpg"}, {sample_tag()}, {"batik"}}),
    caf::make_message(protocol::get_post{"usr_2"}),
    caf::make_message(protocol::delete_post{"usr_1", false}),
    caf::make_message(protocol::react_post{"usr_2", "like", true}),
    caf::make_message(protocol::set_comment_count{3, "usr_2", "Bagus!"}),
    caf::make_message(sample_comment()),
    caf::make_message(protocol::add_comment{"usr_2", "", "Bagus!"}),
    caf::make_message(protocol::list_comments{20, "c"}),
    caf::make_message(protocol::comment_page{{sample_comment()}, "c5"}),
    caf::make_message(protocol::graph_view{"usr_1", 10, 2, 5}),
    caf::make_message(protocol::get_graph{}),
    caf::make_message(protocol::follow_user{"usr_2", true}),
    caf::make_message(protocol::add_follower{"usr_1", false}),
    caf::make_message(protocol::id_page{{"usr_1", "usr_2"}, "c6"}),
    caf::make_message(protocol::list_graph{"followers", 20, "c"}),
    caf::make_message(protocol::feed_item{"pst_1", "usr_1", 1700000000000}),
    caf::make_message(protocol::authored{{"pst_1", "usr_1", 1700000000000}, true}),
    caf::make_message(protocol::get_recent_posts{}),
    caf::make_message(protocol::author_posts{{{"pst_1", "usr_1", 1700000000000}}, true}),
    caf::make_message(protocol::engaged{"pst_1", {"fashion"}, true}),
    caf::make_message(protocol::get_taste{}),
    caf::make_message(protocol::taste{{"usr_2"}, {"pst_1"}, {"fashion"}, {2.5}}),
    caf::make_message(protocol::add_collection_ref{"col_1"}),
    caf::make_message(protocol::feed_push{{"pst_1", "usr_1", 1700000000000}, false}),
    caf::make_message(protocol::feed_follow{"usr_2", true}),
    caf::make_message(protocol::read_feed{20, "c"}),
    caf::make_message(protocol::feed_page{{{"pst_1", "usr_1", 1700000000000}}, "c7", {"usr_9"}}),
    caf::make_message(
      protocol::collection_view{"col_1", "usr_1", "Outfit", true, 3, "2026-11-22T10:00:00Z"}),
    caf::make_message(protocol::create_collection{"usr_1", "Outfit", false}),
    caf::make_message(protocol::get_collection{"usr_2"}),
    caf::make_message(protocol::collect_post{"usr_1", "pst_1", true}),
    caf::make_message(protocol::save_to_collection{"usr_1", "pst_1"}),
    caf::make_message(protocol::list_collection{"usr_1", 20, "c"}),
    caf::make_message(protocol::get_candidates{}),
    caf::make_message(protocol::candidates{{{"pst_1", "usr_1", 1700000000000}},
                                           {"pst_2"},
                                           {{"usr_2"}, {"pst_1"}, {"fashion"}, {2.5}}}),
  };
  // Every registered type has a sample (compared by name: a count would let a duplicated sample
  // hide a missing one).
  std::set<std::string> sampled;
  for (const auto& msg : samples) {
    for (size_t i = 0; i < msg.size(); ++i) {
      sampled.insert(sys.types().portable_name(msg.type(i)));
    }
  }
  for (const auto& name : protocol::registered_type_names()) {
    INFO(name);
    CHECK(sampled.count(name) == 1);
  }
  for (const auto& msg : samples) {
    INFO(caf::to_string(msg));
    CHECK(caf::to_string(round_trip(sys, msg)) == caf::to_string(msg));
  }
}

TEST_CASE("a routed envelope carries its payload across nodes", "[protocol]") {
  caf::actor_system_config cfg;
  caf::actor_system sys{registered(cfg)};
  auto inner = caf::make_message(protocol::open_family{"usr_1", "abc"});
  auto envelope = caf::make_message(protocol::route_atom::value, std::string{"rtf:x"}, inner);
  auto back = round_trip(sys, envelope);
  REQUIRE(back.match_elements<caf::atom_value, std::string, caf::message>());
  CHECK(back.get_as<std::string>(1) == "rtf:x");
  CHECK(caf::to_string(back.get_as<caf::message>(2)) == caf::to_string(inner));
}

TEST_CASE("every registered name is known to the actor system", "[protocol]") {
  caf::actor_system_config cfg;
  caf::actor_system sys{registered(cfg)};
  for (const auto& name : protocol::registered_type_names()) {
    INFO(name);
    CHECK(sys.types().make_value(name) != nullptr);
  }
}

TEST_CASE("every error code has its API code", "[protocol]") {
  using protocol::errc;
  // Every code, numbered 1.. without gaps (append only): a new one without an entry fails here.
  const std::vector<std::pair<errc, std::string>> expected{
    {errc::invalid_request, "invalid_request"},
    {errc::unauthorized, "unauthorized"},
    {errc::forbidden, "forbidden"},
    {errc::not_found, "not_found"},
    {errc::conflict, "conflict"},
    {errc::out_of_stock, "out_of_stock"},
    {errc::unavailable, "unavailable"},
    {errc::internal, "internal"},
    {errc::stale_version, "unavailable"},
    {errc::rate_limited, "rate_limited"},
  };
  for (size_t i = 0; i < expected.size(); ++i) {
    const auto& [code, api] = expected[i];
    INFO("errc " << static_cast<int>(code));
    CHECK(static_cast<size_t>(code) == i + 1);
    CHECK(std::string{protocol::to_code(code)} == api);
  }
  // The next number has no name yet (to_code falls back to "internal").
  CHECK(std::string{protocol::to_code(static_cast<errc>(expected.size() + 1))} == "internal");
}
