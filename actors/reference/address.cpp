#include "actors/reference/address.hpp"

namespace lakoo::reference {

place_check settle_place(protocol::address& a) {
  auto place = check_place(a.province_id, a.city_id);
  if (!place.field.empty()) {
    return place;
  }
  a.province_id = place.province_id;
  if (!place.province.empty()) {
    a.province = place.province;
  }
  if (!place.city.empty()) {
    a.city = place.city;
  }
  return place;
}

} // namespace lakoo::reference
