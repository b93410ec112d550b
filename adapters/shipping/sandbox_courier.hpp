#pragma once

#include <memory>

#include "adapters/shipping/courier_provider.hpp"

namespace lakoo::shipping {

/// The zone of a parcel, from its two cities (reference data): 0 within a city, 1 within a
/// province, 2 within an island group, 3 between neighbouring island groups, 4 farther; nullopt
/// for an unknown city.
std::optional<int> zone_of(const std::string& origin_city_id,
                           const std::string& destination_city_id);

/// The weight a courier charges: whole kilograms, at least one, with 300 g of tolerance
/// (1,300 g is 1 kg, 1,301 g is 2 kg), as JNE and most Indonesian couriers count.
int64_t charged_kg(int64_t weight_g);

/// The sandbox's price list: deterministic fees by zone and charged weight for JNE REG and YES,
/// J&T EZ, SiCepat REG and BEST, and AnterAja REG (next-day services only up to zone 2), with
/// ETDs by zone; cheapest first.
std::vector<rate> sandbox_rates(const parcel& p);

/// The built-in courier that behaves like a real one: quotes `sandbox_rates`, books parcels
/// (tracking numbers in each courier's format, one per shipment id), and delivers tracking
/// events as signed webhooks (`X-Signature` under `courier_webhook_secret`) over real HTTP to
/// `POST /v1/webhooks/shipping` of `host:port`, retried with backoff until a 2xx.
class sandbox_courier final : public courier_provider {
public:
  sandbox_courier(std::string host, uint16_t port, std::string secret);
  ~sandbox_courier() override;
  sandbox_courier(const sandbox_courier&) = delete;
  sandbox_courier& operator=(const sandbox_courier&) = delete;

  std::string name() const override { return "sandbox"; }
  std::vector<rate> rates(const parcel& p) const override;
  void book(const booking& b, std::function<void(std::optional<std::string>)> done) override;
  std::optional<std::string> simulate(const std::string& tracking_no, const std::string& status,
                                      const std::string& location) override;

  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace lakoo::shipping
