#include "adapters/shipping/sandbox_courier.hpp"

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "adapters/webhooks/webhook_signature.hpp"
#include "http_edge/server.hpp"
#include "nodes/io_pool.hpp"

using namespace lakoo::shipping;
using nlohmann::json;

namespace {

// Bandung (Jawa Barat), Kabupaten Bandung, Surabaya (Jawa Timur), Medan (Sumatera Utara),
// Jayapura (Papua).
const std::string bandung = "3273", kab_bandung = "3204", surabaya = "3578", medan = "1271",
                  jayapura = "9171";

const rate* find(const std::vector<rate>& rs, const std::string& courier,
                 const std::string& service) {
  for (const auto& r : rs) {
    if (r.courier == courier && r.service == service) {
      return &r;
    }
  }
  return nullptr;
}

} // namespace

TEST_CASE("sandbox rates grow with the zone and the charged weight, cheapest first",
          "[adapters][shipping]") {
  CHECK(zone_of(bandung, bandung) == 0);
  CHECK(zone_of(bandung, kab_bandung) == 1);
  CHECK(zone_of(bandung, surabaya) == 2);
  CHECK(zone_of(bandung, medan) == 3);
  CHECK(zone_of(medan, jayapura) == 4);
  CHECK_FALSE(zone_of(bandung, "9999").has_value());

  CHECK(charged_kg(1) == 1);
  CHECK(charged_kg(1300) == 1); // 300 g of tolerance
  CHECK(charged_kg(1301) == 2);
  CHECK(charged_kg(12000) == 12);

  auto near = sandbox_rates({bandung, surabaya, 500});
  REQUIRE(near.size() == 6);
  CHECK(std::is_sorted(near.begin(), near.end(),
                       [](const rate& a, const rate& b) { return a.fee < b.fee; }));
  REQUIRE(find(near, "jne", "reg") != nullptr);
  CHECK(find(near, "jne", "reg")->fee == 18000);
  CHECK(find(near, "jne", "reg")->etd_days == "2-4");
  CHECK(find(near, "jne", "yes")->etd_days == "1-1");
  for (const auto& r : near) {
    CHECK(r.fee % 500 == 0);
  }
  auto heavy = sandbox_rates({bandung, surabaya, 2500});
  CHECK(find(heavy, "jne", "reg")->fee == 3 * 18000);
  // Far away: no next-day service, and dearer than near.
  auto far = sandbox_rates({medan, jayapura, 500});
  REQUIRE(far.size() == 4);
  CHECK(find(far, "jne", "yes") == nullptr);
  CHECK(find(far, "jne", "reg")->fee > find(near, "jne", "reg")->fee);
  // The same parcel is always priced the same.
  CHECK(sandbox_rates({medan, jayapura, 500}).front().fee == far.front().fee);
  CHECK(sandbox_rates({bandung, "nowhere", 500}).empty());
  CHECK(sandbox_rates({bandung, surabaya, 0}).empty());
}

TEST_CASE("the sandbox courier books in each courier's format and reports by signed webhook",
          "[adapters][shipping]") {
  // A receiver that refuses the first delivery (503) and takes the second.
  std::mutex mu;
  std::condition_variable cv;
  std::vector<lakoo::edge::request> seen;
  lakoo::node::io_pool io{1};
  io.start();
  lakoo::edge::edge_settings es;
  es.http_port = 0;
  es.io = &io.context();
  lakoo::edge::server receiver{es, [&](lakoo::edge::request&& req, lakoo::edge::responder res) {
                                 lakoo::edge::response r;
                                 {
                                   std::lock_guard<std::mutex> g{mu};
                                   seen.push_back(req);
                                   r.status = seen.size() == 1 ? 503 : 200;
                                 }
                                 cv.notify_all();
                                 res(std::move(r));
                               }};
  receiver.start();
  sandbox_courier courier{"127.0.0.1", receiver.port(), "courier-secret"};

  auto booked
    = [&](const std::string& shipment, const std::string& name, const std::string& service) {
        std::promise<std::optional<std::string>> p;
        courier.book({shipment, name, service, {bandung, surabaya, 800}},
                     [&p](std::optional<std::string> t) { p.set_value(std::move(t)); });
        auto f = p.get_future();
        REQUIRE(f.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
        return f.get();
      };
  auto jne = booked("ful_1", "jne", "reg");
  REQUIRE(jne);
  CHECK(jne->size() == 16);
  CHECK(jne->rfind("01", 0) == 0);
  CHECK(booked("ful_1", "jne", "reg") == jne); // a retried booking is the same booking
  CHECK(booked("ful_2", "jne", "reg") != jne);
  CHECK(booked("ful_3", "jnt", "ez")->rfind("JP", 0) == 0);
  CHECK_FALSE(booked("ful_4", "jne", "teleport").has_value());

  CHECK_FALSE(courier.simulate(*jne, "lost_in_space", "Bandung").has_value());
  auto event = courier.simulate(*jne, "picked_up", "Kota Bandung");
  REQUIRE(event);
  std::unique_lock<std::mutex> lock{mu};
  REQUIRE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return seen.size() >= 2; }));
  const auto& last = seen.back(); // the retry after the 503
  CHECK(last.path == "/v1/webhooks/shipping");
  CHECK(last.body == seen.front().body); // the same event again
  CHECK(lakoo::webhooks::webhook_signature_ok("courier-secret", last.body, last.signature));
  auto body = json::parse(last.body);
  CHECK(body.at("event_id") == *event);
  CHECK(body.at("tracking_no") == *jne);
  CHECK(body.at("status") == "picked_up");
  CHECK(body.at("location") == "Kota Bandung");
  CHECK(body.at("at").get<std::string>().size() == 20);
  lock.unlock();
  courier.stop();
  receiver.stop();
  io.stop();
}
