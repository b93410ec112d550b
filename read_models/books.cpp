#include "read_models/books.hpp"

namespace lakoo::read_models {

std::string book_cursor(const runtime::list_entry& last) {
  return std::to_string(last.sort) + "." + last.item;
}

bool parse_book_cursor(const std::string& c, int64_t& sort, std::string& item) {
  auto dot = c.find('.');
  if (dot == std::string::npos || dot == 0 || dot > 18 || dot + 1 >= c.size()) {
    return false;
  }
  int64_t s = 0;
  for (size_t i = 0; i < dot; ++i) {
    if (c[i] < '0' || c[i] > '9') {
      return false;
    }
    s = s * 10 + (c[i] - '0');
  }
  sort = s;
  item = c.substr(dot + 1);
  return true;
}

} // namespace lakoo::read_models
