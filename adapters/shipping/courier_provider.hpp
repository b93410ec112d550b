#pragma once

/// The courier port: what checkout pricing, fulfilment and tracking need from a courier or an
/// aggregator (Biteship-style) or the built-in sandbox (`sandbox_courier.hpp`). A real provider
/// is one more implementation, chosen by `courier_provider` in cluster.conf.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lakoo::shipping {

/// A parcel to price or book: from the seller's city to the buyer's, by Kemendagri city id.
struct parcel {
  std::string origin_city_id;
  std::string destination_city_id;
  int64_t weight_g = 0;
};

/// One way to send a parcel.
struct rate {
  std::string courier;  ///< jne, jnt, sicepat, anteraja
  std::string service;  ///< reg, yes, ez, best, ...
  int64_t fee = 0;      ///< rupiah
  std::string etd_days; ///< e.g. "2-3"
};

/// A booking of one fulfilment's parcel with a chosen service.
struct booking {
  std::string shipment_id; ///< the fulfilment's id: a repeated booking of it is the same one
  std::string courier;
  std::string service;
  parcel what;
};

/// One tracking event the courier reports (the webhook's body).
struct tracking_event {
  std::string event_id;
  std::string tracking_no;
  std::string status; ///< picked_up, in_transit, out_for_delivery, delivered, failed, returned
  std::string at;     ///< RFC 3339
  std::string location;
};

class courier_provider {
public:
  virtual ~courier_provider() = default;
  virtual std::string name() const = 0;

  /// The services that can carry `p`, cheapest first; an empty list when none can (an unknown
  /// city). Answers at once: a real aggregator's quotes are cached by zone and weight.
  virtual std::vector<rate> rates(const parcel& p) const = 0;

  /// Books the parcel; `done(tracking number)` later on the provider's thread, or nullopt when
  /// the courier refused or could not be reached.
  virtual void book(const booking& b, std::function<void(std::optional<std::string>)> done) = 0;

  /// A test provider only: makes the courier report `status` for the parcel (at `location`) by
  /// its signed webhook and returns the event id; nullopt from real providers or for a status
  /// it does not know.
  virtual std::optional<std::string>
  simulate(const std::string& tracking_no, const std::string& status, const std::string& location) {
    (void)tracking_no;
    (void)status;
    (void)location;
    return std::nullopt;
  }
};

} // namespace lakoo::shipping
