#include "http_edge/tokens.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace lakoo::edge;
using nlohmann::json;

namespace {

constexpr int64_t now = 1'800'000'000;

access_claims sample() {
  access_claims c;
  c.sub = "u-42";
  c.roles = {"customer", "seller"};
  c.fam = "f-7";
  c.iat = now - 10;
  c.exp = now + 900;
  return c;
}

std::vector<std::string> split(const std::string& token) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    auto dot = token.find('.', start);
    parts.push_back(token.substr(start, dot - start));
    if (dot == std::string::npos) {
      return parts;
    }
    start = dot + 1;
  }
}

} // namespace

TEST_CASE("access tokens round-trip", "[http_edge]") {
  token_signer signer{"secret"};
  auto token = signer.issue(sample());
  auto parts = split(token);
  REQUIRE(parts.size() == 3);
  CHECK(json::parse(*base64url_decode(parts[0])) == json::parse(R"({"alg":"HS256","typ":"JWT"})"));
  auto claims = signer.verify(token, now);
  REQUIRE(claims.has_value());
  CHECK(claims->sub == "u-42");
  CHECK(claims->roles == std::vector<std::string>{"customer", "seller"});
  CHECK(claims->fam == "f-7");
  CHECK(claims->iat == now - 10);
  CHECK(claims->exp == now + 900);
}

TEST_CASE("a JWT made by another implementation verifies", "[http_edge]") {
  // Made with Python's hmac/base64/json (header keys in another order), secret "secret",
  // payload {"sub":"u-1","roles":["admin"],"fam":"f","iat":1,"exp":4102444800}.
  const std::string foreign
    = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9."
      "eyJzdWIiOiJ1LTEiLCJyb2xlcyI6WyJhZG1pbiJdLCJmYW0iOiJmIiwiaWF0IjoxLCJleHAiOjQxMDI0NDQ4MDB9."
      "xh5Yr6rUyrwH1qgdktOUOrKC7GzXT1ksBM7y8FKmQvM";
  auto claims = token_signer{"secret"}.verify(foreign, now);
  REQUIRE(claims.has_value());
  CHECK(claims->sub == "u-1");
  CHECK(claims->roles == std::vector<std::string>{"admin"});
  CHECK(claims->fam == "f");
  CHECK(claims->exp == 4102444800);
  CHECK_FALSE(token_signer{"secret2"}.verify(foreign, now));
}

TEST_CASE("tampered, foreign, expired and unsigned tokens are rejected", "[http_edge]") {
  token_signer signer{"secret"};
  auto token = signer.issue(sample());
  auto parts = split(token);

  SECTION("tampered payload") {
    auto c = sample();
    c.roles.push_back("admin");
    auto forged = split(signer.issue(c))[1];
    CHECK_FALSE(signer.verify(parts[0] + "." + forged + "." + parts[2], now));
  }
  SECTION("wrong secret") {
    CHECK_FALSE(token_signer{"other"}.verify(token, now));
  }
  SECTION("expired: exp <= now") {
    CHECK(signer.verify(token, now + 899));
    CHECK_FALSE(signer.verify(token, now + 900));
  }
  SECTION("alg none") {
    auto none = base64url_encode(R"({"alg":"none","typ":"JWT"})");
    CHECK_FALSE(signer.verify(none + "." + parts[1] + ".", now));
    CHECK_FALSE(signer.verify(none + "." + parts[1] + "." + parts[2], now));
    auto h256 = base64url_encode(R"({"alg":"HS512","typ":"JWT"})");
    CHECK_FALSE(signer.verify(h256 + "." + parts[1] + "." + parts[2], now));
  }
  SECTION("non-canonical base64 in the signature") {
    auto sig = parts[2];
    // 43 chars: the last one carries 2 unused bits; setting them gives the same bytes.
    auto last = sig.back();
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    auto idx = alphabet.find(last);
    sig.back() = alphabet[idx | 1];
    if (sig != parts[2]) {
      CHECK_FALSE(signer.verify(parts[0] + "." + parts[1] + "." + sig, now));
    }
  }
  SECTION("garbage") {
    for (const std::string& bad : std::vector<std::string>{
           "", ".", "..", "a.b.c", "a.b", "a.b.c.d", token + ".", "." + token,
           std::string(10000, 'a'), parts[0] + "." + parts[1], parts[0] + ".!!!." + parts[2]}) {
      INFO(bad);
      CHECK_FALSE(signer.verify(bad, now));
    }
  }
}

TEST_CASE("refresh tokens carry a family and a 32-byte secret", "[http_edge]") {
  std::string hash;
  auto token = make_refresh_token("f-9", hash);
  REQUIRE(token.size() == 3 + 1 + 43);
  CHECK(token.rfind("f-9.", 0) == 0);
  CHECK(hash.size() == 64);
  auto parts = parse_refresh_token(token);
  REQUIRE(parts.has_value());
  CHECK(parts->family_id == "f-9");
  CHECK(parts->secret_hash == hash);
  CHECK(hash == hex_sha256(token.substr(4)));

  std::string hash2;
  CHECK(make_refresh_token("f-9", hash2) != token);
  auto dotted = parse_refresh_token("f.a.b." + token.substr(4));
  REQUIRE(dotted.has_value());
  CHECK(dotted->family_id == "f.a.b");
  CHECK_FALSE(parse_refresh_token(token.substr(4)));          // no family
  CHECK_FALSE(parse_refresh_token("f-9." + token.substr(5))); // 42 chars
  CHECK_FALSE(parse_refresh_token("f-9.!" + token.substr(5)));
  CHECK_FALSE(parse_refresh_token("f 9." + token.substr(4)));
  CHECK_FALSE(parse_refresh_token(""));
}

TEST_CASE("hashing, comparison and bearer parsing", "[http_edge]") {
  CHECK(hex_sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "ab"));
  CHECK(constant_time_equal("", ""));
  CHECK(bearer_token("Bearer abc.def") == std::optional<std::string>{"abc.def"});
  CHECK(bearer_token("bearer   abc ") == std::optional<std::string>{"abc"});
  CHECK_FALSE(bearer_token("Basic abc"));
  CHECK_FALSE(bearer_token("Bearer"));
  CHECK_FALSE(bearer_token("Bearer "));
  CHECK_FALSE(bearer_token("Bearerabc"));
  CHECK_FALSE(bearer_token("Bearer a b"));
  CHECK_FALSE(bearer_token(""));
  CHECK(base64url_encode("\xfb\xff") == "-_8");
  CHECK(base64url_decode("-_8") == std::optional<std::string>{"\xfb\xff"});
  CHECK_FALSE(base64url_decode("-_9")); // non-canonical trailing bits
  CHECK_FALSE(base64url_decode("abcde"));
  CHECK_FALSE(base64url_decode("ab=="));
}
