#include "actors/reference/reference.hpp"

#include <set>

#include <catch2/catch.hpp>

using namespace lakoo::reference;

TEST_CASE("the 38 provinces each have their cities and a capital among them", "[reference]") {
  const auto& ps = provinces();
  REQUIRE(ps.size() == 38);
  std::set<std::string> ids;
  for (const auto& p : ps) {
    INFO(p.id << " " << p.name);
    CHECK(ids.insert(p.id).second);
    CHECK(p.id.size() == 2);
    auto cs = cities_of(p.id);
    CHECK(!cs.empty());
    const auto* capital = find_city(p.capital_city_id);
    REQUIRE(capital != nullptr);
    CHECK(capital->province_id == p.id);
    CHECK(std::set<std::string>{"sumatra", "jawa", "bali_nusa_tenggara", "kalimantan", "sulawesi",
                                "maluku", "papua"}
            .count(p.island)
          == 1);
  }
  CHECK(cities().size() == 514);
  std::set<std::string> city_ids;
  for (const auto& c : cities()) {
    INFO(c.id << " " << c.name);
    CHECK(city_ids.insert(c.id).second);
    CHECK(c.id.rfind(c.province_id, 0) == 0);
    CHECK((c.kind == "kota" || c.kind == "kabupaten"));
  }
  const auto* bandung = find_city("3273");
  REQUIRE(bandung != nullptr);
  CHECK(bandung->name == "Kota Bandung");
  CHECK(find_province("32")->name == "Jawa Barat");
  CHECK(find_province("99") == nullptr);
  CHECK(find_city("") == nullptr);
  CHECK(cities_of("99").empty());
  CHECK(cities_of("31").size() == 6); // DKI Jakarta: five cities and Kepulauan Seribu
}

TEST_CASE("the category tree has parents before children and unique ids", "[reference]") {
  const auto& cs = categories();
  REQUIRE(cs.size() > 16);
  std::set<std::string> seen;
  for (const auto& c : cs) {
    INFO(c.id);
    CHECK(seen.insert(c.id).second);
    CHECK(!c.name.empty());
    CHECK(!c.name_en.empty());
    if (!c.parent_id.empty()) {
      CHECK(seen.count(c.parent_id) == 1); // the parent came first
      CHECK(c.id.rfind(c.parent_id + ".", 0) == 0);
    }
  }
  REQUIRE(find_category("fashion.batik") != nullptr);
  CHECK(find_category("fashion.batik")->parent_id == "fashion");
  CHECK(find_category("food") == nullptr);
  CHECK(in_category("fashion.batik", "fashion"));
  CHECK(in_category("fashion", "fashion"));
  CHECK_FALSE(in_category("fashion_pria.kaos", "fashion")); // a prefix, not a parent
  CHECK_FALSE(in_category("fashion", "fashion.batik"));
}

TEST_CASE("Indonesian phone numbers", "[reference]") {
  for (const char* ok : {"081234567", "0812-3456-7890", "+62 812 3456 789", "+6281234567890",
                         "(0812) 3456 7890", "08123456789012"}) {
    INFO(ok);
    CHECK(is_indonesian_phone(ok));
  }
  for (const char* bad :
       {"", "call me", "12345678901", "+1 415 555 0100", "0812345", "081234567890123",
        "62812345678", "0812+345678", "(0812 3456 7890", "+62 (812) 3456 (789)", "0812_3456_789"}) {
    INFO(bad);
    CHECK_FALSE(is_indonesian_phone(bad));
  }
}

TEST_CASE("a place given by ids is checked and named", "[reference]") {
  auto ok = check_place("32", "3273");
  CHECK(ok.field.empty());
  CHECK(ok.province == "Jawa Barat");
  CHECK(ok.city == "Kota Bandung");
  auto city_only = check_place("", "3578");
  CHECK(city_only.field.empty());
  CHECK(city_only.province_id == "35"); // completed with its province
  CHECK(city_only.city == "Kota Surabaya");
  CHECK(check_place("", "").field.empty());
  CHECK(check_place("32", "").province == "Jawa Barat");
  CHECK(check_place("98", "").field == "province_id");
  CHECK(check_place("32", "9999").field == "city_id");
  auto mismatch = check_place("31", "3273");
  CHECK(mismatch.field == "city_id");
  CHECK(mismatch.message == "the city is not in that province");
}
