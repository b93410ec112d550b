#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <catch2/catch.hpp>
#include <msgpack.hpp>

#include "actors/protocol/messages.hpp"
#include "actors/runtime/fields_msgpack.hpp"

namespace {

using namespace lakoo;

// -- verbs: checked at compile time ---------------------------------------------

template <class Ref, class Msg, class = void>
struct has_verb : std::false_type {};

template <class Ref, class Msg>
struct has_verb<Ref, Msg, std::void_t<protocol::reply_t<Ref, Msg>>> : std::true_type {};

static_assert(std::is_same_v<protocol::reply_t<protocol::cart_ref, protocol::change_cart>,
                             protocol::cart_view>);
static_assert(std::is_same_v<protocol::reply_t<protocol::sku_ref, protocol::forget_key>, bool>);
static_assert(
  std::is_same_v<protocol::reply_t<protocol::earnings_ref, protocol::forget_key>, bool>);
static_assert(has_verb<protocol::user_ref, protocol::list_orders>::value);
static_assert(has_verb<protocol::seller_ref, protocol::list_orders>::value);
// A message sent to a kind that does not answer it has no reply type: asks do not compile.
static_assert(!has_verb<protocol::cart_ref, protocol::get_user>::value);
static_assert(!has_verb<protocol::order_ref, protocol::change_cart>::value);

// -- declared messages ----------------------------------------------------------

/// What a snapshot held before it held protocol::address (its byte layout must not change).
struct legacy_address {
  std::string id, label, recipient, phone, line1, line2, city, province, postal_code, country;
  bool is_default = false;
  MSGPACK_DEFINE_MAP(id, label, recipient, phone, line1, line2, city, province, postal_code,
                     country, is_default)
};

/// A later schema with one field more than the message knows.
struct newer_line {
  std::string sku;
  int64_t quantity = 0;
  std::string coupon;
  MSGPACK_DEFINE_MAP(sku, quantity, coupon)
};

/// A snapshot struct from before the status became an enum.
struct legacy_status {
  std::string status;
  int64_t at = 0;
  MSGPACK_DEFINE_MAP(status, at)
};

/// The same struct with the enum: stored by name.
struct enum_status {
  protocol::order_status status = protocol::order_status::none;
  int64_t at = 0;
  MSGPACK_DEFINE_MAP(status, at)
};

/// Every value of a LAKOO_ENUM reads back from its name, and the names are distinct.
template <class E, size_t N>
void check_names(const std::array<std::string_view, N>& names) {
  for (size_t i = 0; i < N; ++i) {
    auto x = static_cast<E>(i);
    E back{};
    CHECK(to_string(x) == names[i]);
    CHECK(parse(to_string(x), back));
    CHECK(back == x);
  }
  E none{};
  CHECK_FALSE(parse("no_such_value", none));
  CHECK_FALSE(parse("", none));
}

template <class T>
std::string packed(const T& x) {
  msgpack::sbuffer buf;
  msgpack::pack(buf, x);
  return std::string{buf.data(), buf.size()};
}

template <class T>
T unpacked(const std::string& bytes) {
  auto handle = msgpack::unpack(bytes.data(), bytes.size());
  return handle.get().as<T>();
}

} // namespace

TEST_CASE("a declared message has its fields, defaults and names in declaration order",
          "[protocol]") {
  protocol::set_role r;
  CHECK(r.on); // declared default
  CHECK(r.role.empty());
  protocol::start_checkout sc;
  CHECK(sc.payment_ttl_s == 900);
  CHECK(protocol::address::member_names.size() == 13);
  CHECK(protocol::address::member_names.front() == "id");
  CHECK(protocol::address::member_names[10] == "is_default");
  CHECK(protocol::address::member_names.back() == "city_id");
  protocol::change_cart c{"SKU-1", 3, true};
  auto [sku, quantity, replace] = c.tie();
  CHECK(sku == "SKU-1");
  CHECK(quantity == 3);
  CHECK(replace);
  CHECK(protocol::get_cart::member_names.empty());
}

TEST_CASE("a declared message reads the snapshot struct it replaced, and that struct reads it",
          "[protocol]") {
  legacy_address old{"adr_1",        "Rumah", "Sari",    "+6281234567890",
                     "Jl. Melati 5", "RT 02", "Bandung", "Jawa Barat",
                     "40115",        "ID",    true};
  // Same names, same order: before the fields added since, the bytes are the legacy struct's.
  protocol::address now{old.id,          old.label,   old.recipient, old.phone,
                        old.line1,       old.line2,   old.city,      old.province,
                        old.postal_code, old.country, old.is_default};
  auto bytes = packed(now);
  auto legacy_bytes = packed(old);
  REQUIRE(bytes.size() > legacy_bytes.size());
  CHECK(bytes.substr(1, legacy_bytes.size() - 1) == legacy_bytes.substr(1)); // past the map header
  auto back = unpacked<protocol::address>(legacy_bytes);                     // an old snapshot
  CHECK(back.city == "Bandung");
  CHECK(back.postal_code == "40115");
  CHECK(back.is_default);
  CHECK(back.city_id.empty()); // added later: the default
  now.province_id = "32";
  now.city_id = "3273";
  auto older_reader = unpacked<legacy_address>(packed(now)); // a node of the previous build
  CHECK(older_reader.city == "Bandung");
  CHECK(older_reader.is_default);
}

TEST_CASE("unpacking a declared message skips unknown keys and keeps defaults for missing ones",
          "[protocol]") {
  auto line = unpacked<protocol::order_line>(packed(newer_line{"SKU-9", 4, "HEMAT10"}));
  CHECK(line.sku == "SKU-9");
  CHECK(line.quantity == 4);
  CHECK(line.unit_price == 0); // absent in the bytes: the default
  CHECK(line.title.empty());
  std::vector<protocol::order_line> lines{line, line};
  auto many = unpacked<std::vector<protocol::order_line>>(packed(lines));
  REQUIRE(many.size() == 2);
  CHECK(many[1].sku == "SKU-9");
  CHECK_THROWS_AS(unpacked<protocol::order_line>(packed(std::string{"not a map"})),
                  msgpack::type_error);
}

TEST_CASE("every order and payment enum value round-trips through its name", "[protocol]") {
  check_names<protocol::order_status>(protocol::order_status_names);
  check_names<protocol::payment_status>(protocol::payment_status_names);
  check_names<protocol::order_verb>(protocol::order_verb_names);
  check_names<protocol::payment_end>(protocol::payment_end_names);
  // The API words of today, at the numbers that travel between nodes (append only).
  CHECK(protocol::order_status_names.size() == 11);
  CHECK(to_string(protocol::order_status::awaiting_payment) == "awaiting_payment");
  CHECK(to_string(protocol::order_status::refused) == "refused");
  CHECK(static_cast<int>(protocol::payment_status::refunded) == 4);
  CHECK(to_string(protocol::payment_status::succeeded) == "succeeded");
  CHECK(to_string(protocol::order_verb::refund) == "refund");
  CHECK(to_string(protocol::payment_end::expire) == "expire");
  auto verb = protocol::order_verb::ship;
  CHECK_FALSE(parse("Ship", verb)); // names are exact
}

TEST_CASE("an enum field reads the string snapshots wrote before it and writes the same bytes",
          "[protocol]") {
  // A snapshot written when the status was a string ("status":"paid") loads into the enum.
  auto paid = unpacked<enum_status>(packed(legacy_status{"paid", 7}));
  CHECK(paid.status == protocol::order_status::paid);
  CHECK(paid.at == 7);
  REQUIRE(packed(enum_status{protocol::order_status::paid, 7}) == packed(legacy_status{"paid", 7}));
  // A status not set yet was "": it reads as `none` and `none` is written as "" again.
  auto unset = unpacked<enum_status>(packed(legacy_status{"", 1}));
  CHECK(unset.status == protocol::order_status::none);
  CHECK(packed(enum_status{protocol::order_status::none, 1}) == packed(legacy_status{"", 1}));
  // Every name of today reads back.
  for (auto name : protocol::order_status_names) {
    auto s = unpacked<enum_status>(packed(legacy_status{std::string{name}, 0}));
    CHECK(to_string(s.status) == name);
  }
  // A name this build does not know fails the load instead of guessing.
  CHECK_THROWS_AS(unpacked<enum_status>(packed(legacy_status{"lost_in_transit", 0})),
                  msgpack::type_error);
  // An enum without a `none` value has nothing to read "" as.
  CHECK_THROWS_AS(unpacked<protocol::payment_status>(packed(std::string{})), msgpack::type_error);
  CHECK(unpacked<protocol::payment_status>(packed(std::string{"refunded"}))
        == protocol::payment_status::refunded);
}
