#include "actors/reference/reference.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

namespace lakoo::reference {

namespace data {
extern const std::string_view provinces_tsv;
extern const std::string_view cities_tsv;
extern const std::string_view categories_tsv;
} // namespace data

namespace {

/// The rows of a TSV text without its header line, each split at tabs.
std::vector<std::vector<std::string>> rows_of(std::string_view tsv, size_t columns) {
  std::vector<std::vector<std::string>> out;
  bool header = true;
  while (!tsv.empty()) {
    auto nl = tsv.find('\n');
    auto line = tsv.substr(0, nl);
    tsv = nl == std::string_view::npos ? std::string_view{} : tsv.substr(nl + 1);
    if (header) {
      header = false;
      continue;
    }
    if (line.empty()) {
      continue;
    }
    std::vector<std::string> cells;
    size_t start = 0;
    for (;;) {
      auto tab = line.find('\t', start);
      cells.emplace_back(line.substr(start, tab - start));
      if (tab == std::string_view::npos) {
        break;
      }
      start = tab + 1;
    }
    if (cells.size() != columns) { // the data ships with the build: a bad row is a bug
      throw std::logic_error("reference data: bad row '" + std::string{line} + "'");
    }
    out.push_back(std::move(cells));
  }
  return out;
}

struct tables {
  std::vector<province> provinces;
  std::vector<city> cities;
  std::vector<category> categories;
  std::unordered_map<std::string_view, size_t> province_at;
  std::unordered_map<std::string_view, size_t> city_at;
  std::unordered_map<std::string_view, size_t> category_at;

  tables() {
    for (auto& r : rows_of(data::provinces_tsv, 4)) {
      provinces.push_back({r[0], r[1], r[2], r[3]});
    }
    for (auto& r : rows_of(data::cities_tsv, 4)) {
      cities.push_back({r[0], r[1], r[2], r[3]});
    }
    for (auto& r : rows_of(data::categories_tsv, 4)) {
      categories.push_back({r[0], r[1], r[2], r[3]});
    }
    auto by_id = [](auto& v) {
      std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.id < b.id; });
    };
    by_id(provinces);
    by_id(cities);
    // Views into the vectors: they never change after this constructor.
    for (size_t i = 0; i < provinces.size(); ++i) {
      province_at.emplace(provinces[i].id, i);
    }
    for (size_t i = 0; i < cities.size(); ++i) {
      city_at.emplace(cities[i].id, i);
    }
    for (size_t i = 0; i < categories.size(); ++i) {
      category_at.emplace(categories[i].id, i);
    }
  }
};

const tables& get() {
  static const tables t;
  return t;
}

template <class T>
const T* lookup(const std::unordered_map<std::string_view, size_t>& at, const std::vector<T>& v,
                std::string_view id) {
  auto i = at.find(id);
  return i == at.end() ? nullptr : &v[i->second];
}

} // namespace

const std::vector<province>& provinces() {
  return get().provinces;
}

const std::vector<city>& cities() {
  return get().cities;
}

const province* find_province(std::string_view id) {
  return lookup(get().province_at, get().provinces, id);
}

const city* find_city(std::string_view id) {
  return lookup(get().city_at, get().cities, id);
}

std::vector<const city*> cities_of(std::string_view province_id) {
  std::vector<const city*> out;
  for (const auto& c : get().cities) {
    if (c.province_id == province_id) {
      out.push_back(&c);
    }
  }
  return out;
}

const std::vector<category>& categories() {
  return get().categories;
}

const category* find_category(std::string_view id) {
  return lookup(get().category_at, get().categories, id);
}

bool in_category(std::string_view id, std::string_view ancestor) {
  return id.size() >= ancestor.size() && id.compare(0, ancestor.size(), ancestor) == 0
         && (id.size() == ancestor.size() || id[ancestor.size()] == '.');
}

bool is_indonesian_phone(std::string_view phone) {
  std::string digits;
  bool plus = false;
  int parens = 0;
  for (size_t i = 0; i < phone.size(); ++i) {
    char c = phone[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == '+' && i == 0) {
      plus = true;
    } else if (c == '(' && parens == 0) {
      parens = 1;
    } else if (c == ')' && parens == 1) {
      parens = 2;
    } else if (c != ' ' && c != '-' && c != '.') {
      return false;
    }
  }
  if (parens == 1 || digits.size() < 9 || digits.size() > 14) {
    return false;
  }
  return plus ? digits.rfind("628", 0) == 0 : digits.rfind("08", 0) == 0;
}

place_check check_place(std::string_view province_id, std::string_view city_id) {
  place_check out;
  const province* p = nullptr;
  if (!province_id.empty()) {
    p = find_province(province_id);
    if (p == nullptr) {
      out.field = "province_id";
      out.message = "no such province";
      return out;
    }
  }
  if (!city_id.empty()) {
    const auto* c = find_city(city_id);
    if (c == nullptr) {
      out.field = "city_id";
      out.message = "no such city";
      return out;
    }
    if (p != nullptr && c->province_id != p->id) {
      out.field = "city_id";
      out.message = "the city is not in that province";
      return out;
    }
    p = find_province(c->province_id);
    out.city = c->name;
  }
  if (p != nullptr) {
    out.province_id = p->id;
    out.province = p->name;
  }
  return out;
}

} // namespace lakoo::reference
