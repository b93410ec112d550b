#include "nodes/node_config.hpp"

#include <catch2/catch.hpp>

using namespace lakoo::node;

namespace {

const char* base = "node = n1 127.0.0.1 8081 9081\n"
                   "node = n2 127.0.0.1 8082 9082\n"
                   "database = host=var/pg/run port=5432 dbname=lakoo user=postgres\n"
                   "token_secret = 0123456789abcdef\n"
                   "webhook_secret = whsec\n"
                   "admin_emails = Admin@Lakoo.local, ops@x.id\n"
                   "# a comment\n\n";

int error_line(const std::string& text, const std::map<std::string, std::string>& env = {}) {
  try {
    parse_config(text, "/srv/lakoo", env);
  } catch (const config_error& e) {
    return e.line();
  }
  return -1;
}

} // namespace

TEST_CASE("cluster.conf parses nodes, lists and relative database paths", "[nodes]") {
  auto c = parse_config(base, "/srv/lakoo", {});
  REQUIRE(c.nodes.size() == 2);
  CHECK(c.nodes[1].id == "n2");
  CHECK(c.nodes[1].http_port == 8082);
  CHECK(c.nodes[1].cluster_port == 9082);
  CHECK(c.database == "host=/srv/lakoo/var/pg/run port=5432 dbname=lakoo user=postgres");
  CHECK(c.admin_emails == std::vector<std::string>{"admin@lakoo.local", "ops@x.id"});
  CHECK(c.shards == 256);
  CHECK(c.index_of("n2") == 1);
}

TEST_CASE("environment variables override cluster.conf", "[nodes]") {
  auto c = parse_config(base, "/srv",
                        {{"LAKOO_PAYMENT_TTL_S", "5"},
                         {"LAKOO_SHARDS", "64"},
                         {"LAKOO_NODE", "a 127.0.0.1 1 2; b 127.0.0.1 3 4; c 127.0.0.1 5 6"}});
  CHECK(c.payment_ttl_s == 5);
  CHECK(c.shards == 64);
  CHECK(c.nodes.size() == 3);
  CHECK_THROWS_AS(parse_config(base, "/srv", {{"LAKOO_SHARDS", "many"}}), config_error);
}

TEST_CASE("a malformed cluster.conf names the offending line", "[nodes]") {
  std::string text = base;
  CHECK(error_line(text + "this is not a setting\n") == 9);
  CHECK(error_line(text + "colour = blue\n") == 9);
  CHECK(error_line(text + "shards = -3\n") == 9);
  CHECK(error_line(text + "node = n3 127.0.0.1 80\n") == 9);
  CHECK(error_line(text + "payment_provider = cash\n") == 9);
  CHECK(error_line(text + "shards = 1\nshards = 2\n") == 10);
  CHECK(error_line("database = x\ntoken_secret = 0123456789abcdef\n") == 0); // no nodes
  CHECK(error_line(text + "node = n1 127.0.0.1 8091 9091\n") == 0);          // duplicate id
  auto unsigned_text = text;
  unsigned_text.replace(unsigned_text.find("webhook_secret = whsec"), 22, "# no webhook secret");
  CHECK(error_line(unsigned_text) == 0); // payment webhooks must be signed
}
