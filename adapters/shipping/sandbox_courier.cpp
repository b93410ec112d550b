#include "adapters/shipping/sandbox_courier.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "actors/reference/reference.hpp"
#include "actors/runtime/clock.hpp"
#include "actors/runtime/ids.hpp"
#include "actors/runtime/log.hpp"
#include "adapters/webhooks/webhook_sender.hpp"

namespace lakoo::shipping {

namespace {

spdlog::logger& log() {
  static auto& instance = runtime::component_log("shipping");
  return instance;
}

/// Rupiah per charged kilogram of the reference service (JNE REG) by zone.
constexpr std::array<int64_t, 5> per_kg = {9000, 11000, 18000, 32000, 55000};
/// Regular ETDs by zone, and the next-day services' (zones 0-2 only).
constexpr std::array<const char*, 5> regular_etd = {"1-2", "1-3", "2-4", "3-6", "5-9"};
constexpr const char* next_day_etd = "1-1";
constexpr int next_day_max_zone = 2;

struct service {
  const char* courier;
  const char* name;
  int64_t percent; ///< of the reference fee
  bool next_day;
};

constexpr std::array<service, 6> services = {{{"jne", "reg", 100, false},
                                              {"jne", "yes", 180, true},
                                              {"jnt", "ez", 104, false},
                                              {"sicepat", "reg", 95, false},
                                              {"sicepat", "best", 170, true},
                                              {"anteraja", "reg", 92, false}}};

/// Island groups a parcel crosses to in one sea or air leg.
bool neighbours(const std::string& a, const std::string& b) {
  static const std::set<std::pair<std::string, std::string>> pairs
    = {{"jawa", "sumatra"},        {"bali_nusa_tenggara", "jawa"},     {"jawa", "kalimantan"},
       {"kalimantan", "sulawesi"}, {"bali_nusa_tenggara", "sulawesi"}, {"maluku", "sulawesi"},
       {"maluku", "papua"}};
  return pairs.count(a < b ? std::make_pair(a, b) : std::make_pair(b, a)) == 1;
}

/// 64-bit FNV-1a.
uint64_t fnv1a(const std::string& s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h = (h ^ c) * 1099511628211ull;
  }
  return h;
}

/// `n` decimal digits derived from `key`.
std::string digits_of(const std::string& key, size_t n) {
  std::string out;
  for (uint64_t round = 0; out.size() < n; ++round) {
    auto h = fnv1a(key + "#" + std::to_string(round));
    for (int i = 0; i < 18 && out.size() < n; ++i, h /= 10) {
      out.push_back(static_cast<char>('0' + h % 10));
    }
  }
  return out;
}

const std::set<std::string>& statuses() {
  static const std::set<std::string> s
    = {"picked_up", "in_transit", "out_for_delivery", "delivered", "failed", "returned"};
  return s;
}

} // namespace

std::optional<int> zone_of(const std::string& origin_city_id,
                           const std::string& destination_city_id) {
  const auto* from = reference::find_city(origin_city_id);
  const auto* to = reference::find_city(destination_city_id);
  if (from == nullptr || to == nullptr) {
    return std::nullopt;
  }
  if (from->id == to->id) {
    return 0;
  }
  if (from->province_id == to->province_id) {
    return 1;
  }
  const auto& a = reference::find_province(from->province_id)->island;
  const auto& b = reference::find_province(to->province_id)->island;
  if (a == b) {
    return 2;
  }
  return neighbours(a, b) ? 3 : 4;
}

int64_t charged_kg(int64_t weight_g) {
  return std::max<int64_t>(1, (weight_g + 699) / 1000);
}

std::vector<rate> sandbox_rates(const parcel& p) {
  auto zone = zone_of(p.origin_city_id, p.destination_city_id);
  if (!zone || p.weight_g <= 0) {
    return {};
  }
  auto z = static_cast<size_t>(*zone);
  auto reference_fee = per_kg[z] * charged_kg(p.weight_g);
  std::vector<rate> out;
  for (const auto& s : services) {
    if (s.next_day && *zone > next_day_max_zone) {
      continue;
    }
    auto fee = (reference_fee * s.percent / 100 + 499) / 500 * 500; // up to the next Rp 500
    out.push_back({s.courier, s.name, fee, s.next_day ? next_day_etd : regular_etd[z]});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const rate& a, const rate& b) { return a.fee < b.fee; });
  return out;
}

struct sandbox_courier::impl {
  explicit impl(webhooks::webhook_sender::settings s) : sender(std::move(s)) {}
  webhooks::webhook_sender sender;
};

sandbox_courier::sandbox_courier(std::string host, uint16_t port, std::string secret)
    : impl_(std::make_unique<impl>(
      webhooks::webhook_sender::settings{std::move(host), port, "/v1/webhooks/shipping",
                                         std::move(secret), "lakoo-sandbox-courier"})) {}

sandbox_courier::~sandbox_courier() {
  stop();
}

void sandbox_courier::stop() {
  impl_->sender.stop();
}

std::vector<rate> sandbox_courier::rates(const parcel& p) const {
  return sandbox_rates(p);
}

void sandbox_courier::book(const booking& b, std::function<void(std::optional<std::string>)> done) {
  auto offered = sandbox_rates(b.what);
  bool known = std::any_of(offered.begin(), offered.end(), [&](const rate& r) {
    return r.courier == b.courier && r.service == b.service;
  });
  std::optional<std::string> tracking;
  if (known) {
    // Each courier's format; the same shipment always gets the same number (a retried booking
    // is the same booking).
    auto key = b.courier + ":" + b.shipment_id;
    if (b.courier == "jne") {
      tracking = "01" + digits_of(key, 14);
    } else if (b.courier == "jnt") {
      tracking = "JP" + digits_of(key, 10);
    } else if (b.courier == "sicepat") {
      tracking = "00" + digits_of(key, 10);
    } else {
      tracking = "10" + digits_of(key, 12);
    }
    log().info("[sandbox] booked {} with {} {}: {}", b.shipment_id, b.courier, b.service,
               *tracking);
  } else {
    log().warn("[sandbox] refused booking {}: {} {} does not carry it", b.shipment_id, b.courier,
               b.service);
  }
  impl_->sender.call([done = std::move(done), tracking] { done(tracking); });
}

std::optional<std::string> sandbox_courier::simulate(const std::string& tracking_no,
                                                     const std::string& status,
                                                     const std::string& location) {
  if (statuses().count(status) == 0 || tracking_no.empty()) {
    return std::nullopt;
  }
  auto event_id = runtime::new_id("trk");
  impl_->sender.send(event_id, nlohmann::json{{"event_id", event_id},
                                              {"tracking_no", tracking_no},
                                              {"status", status},
                                              {"at", runtime::rfc3339_now()},
                                              {"location", location}}
                                 .dump());
  return event_id;
}

} // namespace lakoo::shipping
