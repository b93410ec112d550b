#include "http_edge/routes.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "actors/runtime/metrics.hpp"

using namespace lakoo::edge;
using nlohmann::json;

namespace {

request make_request(std::string method, std::string path) {
  request r;
  r.method = std::move(method);
  r.path = path;
  r.target = std::move(path);
  r.request_id = "t-1";
  return r;
}

/// Dispatches synchronously (handlers in these tests answer inline) and returns the answer.
response run(const route_table& t, std::string method, std::string path) {
  response out;
  out.status = -1;
  t.dispatch(make_request(std::move(method), std::move(path)), [&](response r) { out = r; });
  return out;
}

route_handler echo_params(std::string tag) {
  return [tag](request&& req, params&& p, responder res) {
    json j = {{"tag", tag}, {"method", req.method}, {"params", p}};
    response r;
    r.body = j.dump();
    res(std::move(r));
  };
}

json body_of(const response& r) {
  return json::parse(r.body);
}

} // namespace

TEST_CASE("routes match literal segments and capture named ones", "[http_edge]") {
  route_table t;
  t.add("GET", "/v1/me", echo_params("me"));
  t.add("GET", "/v1/users/{id}", echo_params("user"));
  t.add("POST", "/v1/users/{id}/follow", echo_params("follow"));
  t.add("DELETE", "/v1/users/{uid}/follow", echo_params("unfollow"));
  t.add("PATCH", "/v1/products/{id}/variants/{sku}", echo_params("variant"));

  SECTION("a literal route") {
    auto r = run(t, "GET", "/v1/me");
    CHECK(r.status == 200);
    CHECK(body_of(r)["tag"] == "me");
  }
  SECTION("one capture") {
    auto b = body_of(run(t, "GET", "/v1/users/u-42"));
    CHECK(b["tag"] == "user");
    CHECK(b["params"]["id"] == "u-42");
  }
  SECTION("captures are url-decoded") {
    auto b = body_of(run(t, "PATCH", "/v1/products/p%2D1/variants/TS%20M%2FL"));
    CHECK(b["params"]["id"] == "p-1");
    CHECK(b["params"]["sku"] == "TS M/L");
  }
  SECTION("methods on the same shape may name captures differently") {
    CHECK(body_of(run(t, "POST", "/v1/users/u-1/follow"))["params"]["id"] == "u-1");
    CHECK(body_of(run(t, "DELETE", "/v1/users/u-1/follow"))["params"]["uid"] == "u-1");
  }
}

TEST_CASE("a literal segment wins over a capture", "[http_edge]") {
  route_table t;
  t.add("GET", "/v1/feed/{kind}", echo_params("capture"));
  t.add("GET", "/v1/feed/explore", echo_params("literal"));
  CHECK(body_of(run(t, "GET", "/v1/feed/explore"))["tag"] == "literal");
  CHECK(body_of(run(t, "GET", "/v1/feed/other"))["tag"] == "capture");
}

TEST_CASE("unknown paths get 404 not_found", "[http_edge]") {
  route_table t;
  t.add("GET", "/v1/users/{id}", echo_params("user"));
  for (const char* path : {"/v1/nope", "/v1/users", "/v1/users/", "/v1/users//", "/v1/users/a/b",
                           "v1/users/a", "", "/v1/users/%zz", "/v1/users/%"}) {
    INFO(path);
    auto r = run(t, "GET", path);
    CHECK(r.status == 404);
    CHECK(body_of(r)["error"]["code"] == "not_found");
    CHECK(r.content_type == "application/json");
  }
}

TEST_CASE("a known path with a wrong method gets 405 with Allow", "[http_edge]") {
  route_table t;
  t.add("GET", "/v1/cart", echo_params("get"));
  t.add("DELETE", "/v1/cart", echo_params("delete"));
  auto r = run(t, "PUT", "/v1/cart");
  CHECK(r.status == 405);
  CHECK(body_of(r)["error"]["code"] == "method_not_allowed");
  REQUIRE(r.headers.size() == 1);
  CHECK(r.headers[0].first == "Allow");
  CHECK(r.headers[0].second == "GET, DELETE");
}

TEST_CASE("bad or duplicate route templates are refused", "[http_edge]") {
  route_table t;
  t.add("GET", "/v1/a/{id}", echo_params("a"));
  CHECK_THROWS_AS(t.add("GET", "/v1/a/{other}", echo_params("b")), std::invalid_argument);
  CHECK_THROWS_AS(t.add("GET", "v1/no-slash", echo_params("b")), std::invalid_argument);
  CHECK_THROWS_AS(t.add("GET", "/v1//x", echo_params("b")), std::invalid_argument);
  CHECK_THROWS_AS(t.add("GET", "/v1/{a-b}", echo_params("b")), std::invalid_argument);
  CHECK_NOTHROW(t.add("POST", "/v1/a/{other}", echo_params("b")));
}

TEST_CASE("a throwing route handler answers 500 internal", "[http_edge]") {
  route_table t;
  t.add("GET", "/boom", [](request&&, params&&, responder) { throw std::runtime_error("x"); });
  auto r = run(t, "GET", "/boom");
  CHECK(r.status == 500);
  CHECK(body_of(r)["error"]["code"] == "internal");
}

TEST_CASE("dispatch records requests per route template and status", "[http_edge]") {
  route_table t;
  t.add("GET", "/metrics-test/{id}", echo_params("m"));
  auto& m = lakoo::runtime::metrics::global();
  auto& ok = m.counter_of("lakoo_http_requests_total",
                          R"(route="/metrics-test/{id}",method="GET",status="200")");
  auto& not_allowed = m.counter_of("lakoo_http_requests_total",
                                   R"(route="/metrics-test/{id}",method="POST",status="405")");
  auto before_ok = ok.value();
  auto before_405 = not_allowed.value();
  run(t, "GET", "/metrics-test/1");
  run(t, "GET", "/metrics-test/2");
  run(t, "POST", "/metrics-test/2");
  CHECK(ok.value() == before_ok + 2);
  CHECK(not_allowed.value() == before_405 + 1);
  auto text = m.render();
  CHECK(text.find(R"(lakoo_http_request_seconds_count{route="/metrics-test/{id}",method="GET"})")
        != std::string::npos);
  auto& unmatched
    = m.counter_of("lakoo_http_requests_total", R"(route="unmatched",method="GET",status="404")");
  auto before_404 = unmatched.value();
  run(t, "GET", "/nowhere");
  CHECK(unmatched.value() == before_404 + 1);
}

TEST_CASE("url_decode handles escapes and plus signs", "[http_edge]") {
  CHECK(url_decode("a%20b") == std::optional<std::string>{"a b"});
  CHECK(url_decode("a+b") == std::optional<std::string>{"a+b"});
  CHECK(url_decode("a+b", true) == std::optional<std::string>{"a b"});
  CHECK(url_decode("%e2%82%AC") == std::optional<std::string>{"\xe2\x82\xac"});
  CHECK_FALSE(url_decode("%2"));
  CHECK_FALSE(url_decode("%g0"));
}
