// The pre-rendered listing pieces put back together equal a full rendering of the product.

#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http_edge/edge.hpp"

namespace {

std::string join(const lakoo::read_models::rendered_product& r, const std::vector<int64_t>& nums) {
  std::string out = r.pieces.at(0);
  for (size_t i = 0; i < nums.size(); ++i) {
    out += std::to_string(nums[i]) + r.pieces.at(i + 1);
  }
  return out;
}

} // namespace

TEST_CASE("a listed product renders once and takes its availability per page", "[edge]") {
  lakoo::protocol::product_view p;
  p.id = "prd_01";
  p.seller_id = "sel_01";
  p.title = "Tas \"available\":-4242424242420000 rotan"; // a marker in text cannot confuse it
  p.description = "Anyaman Lombok";
  p.category = "home";
  p.status = lakoo::protocol::product_status::active;
  p.images = {"https://img.lakoo.id/1.jpg"};
  p.variants.push_back({"TR-S", 150000, "IDR", 0, {"size"}, {"S"}});
  p.variants.push_back({"TR-L", 250000, "IDR", 0, {"size"}, {"L"}});
  p.created_at = "2026-11-22T00:00:00Z";
  auto r = lakoo::edge::render_listed_product(p);
  REQUIRE(r.pieces.size() == 3);
  auto j = nlohmann::json::parse(join(r, {7, 0}));
  CHECK(j["id"] == "prd_01");
  CHECK(j["title"] == p.title);
  CHECK(j["variants"][0]["available"] == 7);
  CHECK(j["variants"][1]["available"] == 0);
  CHECK(j["variants"][1]["price"] == 250000);

  p.variants.clear();
  auto none = lakoo::edge::render_listed_product(p);
  REQUIRE(none.pieces.size() == 1);
  CHECK(nlohmann::json::parse(none.pieces[0])["variants"].empty());
}
