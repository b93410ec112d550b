#include "http_edge/json_util.hpp"

#include <caf/error.hpp>
#include <caf/exit_reason.hpp>
#include <caf/sec.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "actors/protocol/errc.hpp"

using namespace lakoo::edge;
using lakoo::protocol::errc;
using nlohmann::json;

namespace {

json body_of(const response& r) {
  return json::parse(r.body);
}

request with_body(std::string body) {
  request r;
  r.body = std::move(body);
  return r;
}

/// The `details.field` of a 400 answer.
std::string field_of(const response& r) {
  REQUIRE(r.status == 400);
  auto b = body_of(r);
  REQUIRE(b["error"]["code"] == "invalid_request");
  return b["error"]["details"]["field"].get<std::string>();
}

} // namespace

TEST_CASE("error bodies have exactly the API shape", "[http_edge]") {
  SECTION("without details") {
    auto r = error_response(404, "not_found", "no such user");
    CHECK(r.status == 404);
    CHECK(r.content_type == "application/json");
    CHECK(body_of(r) == json::parse(R"({"error":{"code":"not_found","message":"no such user"}})"));
  }
  SECTION("with details") {
    json details = {{"field", "email"}};
    auto r = error_response(400, "invalid_request", "bad email", &details);
    CHECK(body_of(r) == json::parse(R"({"error":{"code":"invalid_request","message":"bad email",
                                     "details":{"field":"email"}}})"));
  }
  SECTION("invalid UTF-8 in a message never throws") {
    auto r = error_response(400, "invalid_request", "bad \xff byte");
    CHECK(body_of(r)["error"]["code"] == "invalid_request");
  }
}

TEST_CASE("every errc maps to its HTTP status", "[http_edge]") {
  auto status = [](errc x) { return to_http_status(caf::make_error(x)); };
  CHECK(status(errc::invalid_request) == 400);
  CHECK(status(errc::unauthorized) == 401);
  CHECK(status(errc::forbidden) == 403);
  CHECK(status(errc::not_found) == 404);
  CHECK(status(errc::conflict) == 409);
  CHECK(status(errc::out_of_stock) == 409);
  CHECK(status(errc::unavailable) == 503);
  CHECK(status(errc::internal) == 500);
  CHECK(status(errc::stale_version) == 503);
  CHECK(status(errc::rate_limited) == 429);
  CHECK(to_http_status(caf::error{200, caf::atom("lakoo")}) == 500); // from a newer node
}

TEST_CASE("system errors map to 503 for connectivity and 500 otherwise", "[http_edge]") {
  CHECK(to_http_status(caf::make_error(caf::sec::request_timeout)) == 503);
  CHECK(to_http_status(caf::make_error(caf::sec::request_receiver_down)) == 503);
  CHECK(to_http_status(caf::make_error(caf::sec::no_route_to_receiving_node)) == 503);
  CHECK(to_http_status(caf::make_error(caf::exit_reason::remote_link_unreachable)) == 503);
  CHECK(to_http_status(caf::make_error(caf::sec::unexpected_message)) == 500);
  CHECK(to_http_status(caf::make_error(caf::sec::unexpected_response)) == 500);
  CHECK(to_http_status(caf::error{}) == 500);
}

TEST_CASE("error_from builds the body from the error's context", "[http_edge]") {
  SECTION("a lakoo error with a message") {
    auto r = error_from(caf::make_error(errc::conflict, "email already registered"));
    CHECK(r.status == 409);
    CHECK(body_of(r) == json::parse(R"({"error":{"code":"conflict",
                                                  "message":"email already registered"}})"));
  }
  SECTION("invalid_request with a field and a message") {
    auto r = error_from(caf::make_error(errc::invalid_request, "quantity", "must be positive"));
    CHECK(field_of(r) == "quantity");
    CHECK(body_of(r)["error"]["message"] == "must be positive");
  }
  SECTION("out_of_stock with skus") {
    auto r = error_from(
      caf::make_error(errc::out_of_stock, "not enough stock", std::vector<std::string>{"a", "b"}));
    CHECK(r.status == 409);
    CHECK(body_of(r)["error"]["code"] == "out_of_stock");
    CHECK(body_of(r)["error"]["details"]["skus"] == json::array({"a", "b"}));
  }
  SECTION("stale_version reads as unavailable") {
    auto r = error_from(caf::make_error(errc::stale_version));
    CHECK(r.status == 503);
    CHECK(body_of(r)["error"]["code"] == "unavailable");
  }
  SECTION("system errors never leak their text") {
    auto r = error_from(caf::make_error(caf::sec::request_timeout, "internal detail"));
    CHECK(r.status == 503);
    CHECK(body_of(r)["error"]["code"] == "unavailable");
    CHECK(r.body.find("internal detail") == std::string::npos);
    auto r2 = error_from(caf::make_error(caf::sec::unexpected_message));
    CHECK(r2.status == 500);
    CHECK(body_of(r2)["error"]["code"] == "internal");
  }
}

TEST_CASE("parse_object accepts objects only", "[http_edge]") {
  response err;
  CHECK(parse_object(with_body(R"({"a":1})"), err).has_value());
  for (const char* bad :
       {"", "{", "[1,2]", "\"s\"", "42", "{\"a\":1} trailing", "{\"a\":\"\xff\"}"}) {
    INFO(bad);
    response e;
    CHECK_FALSE(parse_object(with_body(bad), e).has_value());
    CHECK(field_of(e) == "body");
  }
}

TEST_CASE("the validator reads fields and names the first bad one", "[http_edge]") {
  auto body = json::parse(R"({"email":"A@b.co","name":"Ana","qty":3,"price":1.5,"flag":true,
                              "neg":-1,"big":18446744073709551615,"tags":["x","y"],"n":null,
                              "kind":"bazaar","loc":{"x":0.5}})");
  SECTION("good fields") {
    validator v{body};
    CHECK(v.required_string("email", 254) == "A@b.co");
    CHECK(v.optional_string("name", 200) == std::optional<std::string>{"Ana"});
    CHECK_FALSE(v.optional_string("missing", 200).has_value());
    CHECK_FALSE(v.optional_string("n", 200).has_value()); // null is absent
    CHECK(v.required_positive("qty") == 3);
    CHECK(v.required_bool("flag"));
    CHECK(v.required_string_array("tags", 10, 20) == std::vector<std::string>{"x", "y"});
    CHECK(v.required_enum("kind", {"organic", "bazaar"}) == "bazaar");
    CHECK(v.object("loc", true) != nullptr);
    CHECK(v.ok());
  }
  auto first_failure = [&](auto read) {
    validator v{body};
    read(v);
    CHECK_FALSE(v.ok());
    return field_of(v.error());
  };
  SECTION("missing required fields") {
    CHECK(first_failure([](validator& v) { v.required_string("password", 100); }) == "password");
    CHECK(first_failure([](validator& v) { v.required_int("n"); }) == "n");
  }
  SECTION("wrong types") {
    CHECK(first_failure([](validator& v) { v.required_string("qty", 10); }) == "qty");
    CHECK(first_failure([](validator& v) { v.required_int("price"); }) == "price");
    CHECK(first_failure([](validator& v) { v.required_int("email"); }) == "email");
    CHECK(first_failure([](validator& v) { v.required_int("flag"); }) == "flag");
    CHECK(first_failure([](validator& v) { v.optional_bool("qty"); }) == "qty");
    CHECK(first_failure([](validator& v) { v.optional_string_array("name", 5, 5); }) == "name");
    CHECK(first_failure([](validator& v) { v.object("name", false); }) == "name");
  }
  SECTION("range checks") {
    CHECK(first_failure([](validator& v) { v.required_positive("neg"); }) == "neg");
    CHECK(first_failure([](validator& v) { v.required_int("big"); }) == "big");
    CHECK(first_failure([](validator& v) { v.required_int("qty", 0, 2); }) == "qty");
    CHECK(first_failure([](validator& v) { v.required_enum("kind", {"organic"}); }) == "kind");
    CHECK(first_failure([](validator& v) { v.required_string_array("tags", 1, 5); }) == "tags");
    CHECK(first_failure([](validator& v) { v.required_string_array("tags", 5, 0); }) == "tags[0]");
  }
  SECTION("the first failure wins") {
    validator v{body};
    v.required_string("absent", 10);
    v.required_int("email");
    CHECK(v.error_field() == "absent");
  }
  SECTION("nested objects carry a prefix") {
    validator v{body["loc"], "loc."};
    CHECK(v.required_number("x", 0, 1) == 0.5);
    v.required_number("y", 0, 1);
    CHECK(field_of(v.error()) == "loc.y");
  }
  SECTION("a non-object is refused") {
    validator v{json::array()};
    CHECK(field_of(v.error()) == "body");
  }
}

TEST_CASE("string limits count code points and require valid UTF-8", "[http_edge]") {
  std::string two_hundred_euros;
  for (int i = 0; i < 200; ++i) {
    two_hundred_euros += "\xe2\x82\xac"; // U+20AC, 3 bytes
  }
  json body = {{"name", two_hundred_euros}, {"longer", two_hundred_euros + "a"}};
  validator v{body};
  CHECK(v.required_string("name", max_name_chars).size() == 600);
  CHECK(v.ok());
  v.required_string("longer", max_name_chars);
  CHECK(field_of(v.error()) == "longer");

  json bad = {{"s", std::string{"ok\xc3"}}}; // truncated sequence, built without the parser
  validator v2{bad};
  v2.required_string("s", 10);
  CHECK(field_of(v2.error()) == "s");

  CHECK(utf8_length("a\xc3\xa9\xf0\x9f\x98\x80") == std::optional<std::size_t>{3});
  CHECK_FALSE(utf8_length("\xc0\xaf"));         // overlong '/'
  CHECK_FALSE(utf8_length("\xed\xa0\x80"));     // surrogate
  CHECK_FALSE(utf8_length("\xf4\x90\x80\x80")); // above U+10FFFF
  CHECK_FALSE(utf8_length("\x80"));
  json empty = {{"s", ""}};
  validator v3{empty};
  v3.required_string("s", 10);
  CHECK(field_of(v3.error()) == "s");
}

TEST_CASE("parse_limit defaults to 20 and accepts 1..100", "[http_edge]") {
  request r;
  response err;
  CHECK(parse_limit(r, err) == std::optional<int>{20});
  r.query["limit"] = "100";
  CHECK(parse_limit(r, err) == std::optional<int>{100});
  for (const char* bad : {"0", "101", "-1", "abc", "", "1.5", "0100"}) {
    INFO(bad);
    r.query["limit"] = bad;
    response e;
    CHECK_FALSE(parse_limit(r, e).has_value());
    CHECK(field_of(e) == "limit");
  }
}

TEST_CASE("emails are checked loosely and lowered in ASCII", "[http_edge]") {
  CHECK(is_valid_email("a@b.co"));
  CHECK(is_valid_email("first.last+tag@sub.example.id"));
  CHECK_FALSE(is_valid_email("ab.co"));
  CHECK_FALSE(is_valid_email("a@@b.co"));
  CHECK_FALSE(is_valid_email("a@b@c.co"));
  CHECK_FALSE(is_valid_email("@b.co"));
  CHECK_FALSE(is_valid_email("a@bco"));
  CHECK_FALSE(is_valid_email("a@.co"));
  CHECK_FALSE(is_valid_email("a@b."));
  CHECK_FALSE(is_valid_email("a b@c.co"));
  CHECK_FALSE(is_valid_email(std::string(250, 'a') + "@b.co"));
  CHECK(lower_ascii("Ana@Example.COM") == "ana@example.com");
}
