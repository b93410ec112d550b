#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "actors/protocol/messages.hpp"

namespace lakoo::runtime {

/// A page of a list an entity keeps in memory, in the list's order: items [begin, end), and the
/// cursor of the next page ("" when this is the last).
struct page_span {
  size_t begin = 0;
  size_t end = 0;
  std::string next;
};

/// The page of `items` after the item whose id is `cursor` ("" = from the start), at most `limit`
/// long; nullopt when `cursor` is no id in `items` (the caller answers 400 `cursor`). An item's
/// id (`id_of(item)`) is also its cursor.
template <class T, class IdOf>
std::optional<page_span> page_after(const std::vector<T>& items, const std::string& cursor,
                                    int64_t limit, IdOf id_of) {
  page_span out;
  if (!cursor.empty()) {
    auto it
      = std::find_if(items.begin(), items.end(), [&](const T& x) { return id_of(x) == cursor; });
    if (it == items.end()) {
      return std::nullopt;
    }
    out.begin = static_cast<size_t>(it - items.begin()) + 1;
  }
  out.end = std::min(items.size(), out.begin + static_cast<size_t>(std::max<int64_t>(limit, 0)));
  if (out.end < items.size() && out.end > out.begin) {
    out.next = id_of(items[out.end - 1]);
  }
  return out;
}

/// The answer to a cursor that is not in the list (400, `details.field = "cursor"`).
inline caf::error bad_cursor() {
  return caf::make_error(protocol::errc::invalid_request, "cursor", "not a cursor of this list");
}

/// The page of `items` after `cursor` as a `Page` (`items` rendered by `render`, `next_cursor`),
/// or `bad_cursor()`.
template <class Page, class T, class IdOf, class Render>
caf::expected<Page> page_of(const std::vector<T>& items, const std::string& cursor, int64_t limit,
                            IdOf id_of, Render render) {
  auto span = page_after(items, cursor, limit, id_of);
  if (!span) {
    return bad_cursor();
  }
  Page page;
  for (auto i = span->begin; i < span->end; ++i) {
    page.items.push_back(render(items[i]));
  }
  page.next_cursor = span->next;
  return page;
}

/// `page_after` for a list of ids, as the API's id pages.
inline std::optional<protocol::id_page> id_page_after(const std::vector<std::string>& ids,
                                                      const std::string& cursor, int64_t limit) {
  auto span = page_after(ids, cursor, limit, [](const std::string& id) { return id; });
  if (!span) {
    return std::nullopt;
  }
  return protocol::id_page{{ids.begin() + static_cast<std::ptrdiff_t>(span->begin),
                            ids.begin() + static_cast<std::ptrdiff_t>(span->end)},
                           span->next};
}

} // namespace lakoo::runtime
