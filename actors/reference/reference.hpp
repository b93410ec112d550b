#pragma once

/// Indonesia's reference data, shipped with the project (`data/`) and compiled in: provinces
/// and their cities/regencies (Kemendagri codes), the fixed product category tree, and the
/// rule for Indonesian phone numbers. Pure and read-only: any thread may call these.

#include <string>
#include <string_view>
#include <vector>

namespace lakoo::reference {

struct province {
  std::string id;              ///< two-digit Kemendagri code, e.g. "32"
  std::string name;            ///< e.g. "Jawa Barat"
  std::string island;          ///< sumatra, jawa, bali_nusa_tenggara, kalimantan, sulawesi, ...
  std::string capital_city_id; ///< the city holding the provincial capital
};

struct city {
  std::string id;          ///< four-digit Kemendagri code, starting with its province's
  std::string province_id; ///< e.g. "32"
  std::string name;        ///< e.g. "Kota Bandung"
  std::string kind;        ///< kota or kabupaten
};

struct category {
  std::string id;        ///< e.g. "fashion.batik"; a child's id starts with its parent's and "."
  std::string parent_id; ///< empty at the top level
  std::string name;      ///< Indonesian
  std::string name_en;   ///< English
};

/// All provinces, ordered by id.
const std::vector<province>& provinces();
/// All cities and regencies, ordered by id.
const std::vector<city>& cities();
/// The province or city with this id, or nullptr.
const province* find_province(std::string_view id);
const city* find_city(std::string_view id);
/// The cities and regencies of a province, ordered by id (empty for an unknown province).
std::vector<const city*> cities_of(std::string_view province_id);

/// The category tree, parents before their children.
const std::vector<category>& categories();
/// The category with this id, or nullptr.
const category* find_category(std::string_view id);
/// Whether `id` is `ancestor` or one of its descendants (filtering by a parent includes its
/// children).
bool in_category(std::string_view id, std::string_view ancestor);

/// An Indonesian phone number: `08…` or `+628…` with 9 to 14 digits in all; spaces, hyphens,
/// dots and one pair of parentheses may separate the digits.
bool is_indonesian_phone(std::string_view phone);

/// A place given by ids, checked against the reference data and named by it.
struct place_check {
  std::string field;       ///< empty when the place is valid; else the field at fault
  std::string message;     ///< why
  std::string province_id; ///< given, or the city's province when only `city_id` was given
  std::string province;    ///< the province's name (when known)
  std::string city;        ///< the city's name (when `city_id` is known)
};

/// Checks optional `province_id` and `city_id`: each must exist when given, the city must lie in
/// the province, and a city without its province is completed with it.
place_check check_place(std::string_view province_id, std::string_view city_id);

} // namespace lakoo::reference
