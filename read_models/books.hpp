#pragma once

/// Pages of entities listed in a durable list (an order book): read a page of ids from the list,
/// then ask each listed entity for its view, all at once. Each listed entity applies its own read
/// rule (an order answers only its buyer, its sellers and admins).
///
/// Include only from entity implementation files (it pulls in CAF).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "actors/runtime/asks.hpp"
#include "actors/runtime/entity.hpp"

namespace lakoo::read_models {

/// `<sort>.<item>`: where the next page starts.
std::string book_cursor(const runtime::list_entry& last);

/// The position a cursor names, or false when it is not one `book_cursor` made.
bool parse_book_cursor(const std::string& cursor, int64_t& sort, std::string& item);

/// Reads up to `limit` entries of `list` after `cursor` (from the newest when empty) and asks
/// the entity `Kind:<item>` for `msg` for each; `done(views, next_cursor)` runs in `self` with the
/// views in list order (entries whose entity answers not_found or forbidden are left out), or
/// `done(error)`: invalid_request naming `cursor`, unavailable when the list or an entity could
/// not be read.
template <class View, class Kind, class State, class Msg>
void read_book(caf::stateful_actor<State>* self, const std::string& list, Kind, Msg msg,
               int64_t limit, const std::string& cursor,
               std::function<void(caf::expected<std::pair<std::vector<View>, std::string>>)> done) {
  int64_t sort = 0;
  std::string item;
  if (!cursor.empty() && !parse_book_cursor(cursor, sort, item)) {
    return done(
      caf::make_error(protocol::errc::invalid_request, "cursor", "not a cursor of this list"));
  }
  runtime::read_list(
    self, list, sort, item, static_cast<size_t>(limit),
    [self, msg, done](runtime::store_status status, runtime::list_page page) {
      if (status != runtime::store_status::ok) {
        return done(caf::make_error(protocol::errc::unavailable, "the list could not be read"));
      }
      std::string next;
      if (page.more && !page.entries.empty()) {
        next = book_cursor(page.entries.back());
      }
      std::vector<protocol::ref<Kind>> keys;
      for (const auto& e : page.entries) {
        keys.push_back({e.item});
      }
      runtime::ask_each<View>(self, keys, msg,
                              [done, next](std::vector<caf::expected<View>> replies) {
                                std::vector<View> views;
                                for (auto& r : replies) {
                                  if (r) {
                                    views.push_back(std::move(*r));
                                  } else if (r.error() != protocol::errc::not_found
                                             && r.error() != protocol::errc::forbidden) {
                                    return done(r.error());
                                  }
                                }
                                done(std::make_pair(std::move(views), next));
                              });
    });
}

/// `read_book` answered as a `Page{views, next_cursor}` (a message handler returns it).
template <class Page, class View, class Kind, class State, class Msg>
caf::response_promise book_page(caf::stateful_actor<State>* self, const std::string& list,
                                Kind kind, Msg msg, int64_t limit, const std::string& cursor) {
  auto rp = self->make_response_promise();
  read_book<View>(self, list, kind, std::move(msg), limit, cursor,
                  [rp](caf::expected<std::pair<std::vector<View>, std::string>> r) mutable {
                    if (!r) {
                      rp.deliver(r.error());
                      return;
                    }
                    rp.deliver(Page{std::move(r->first), std::move(r->second)});
                  });
  return rp;
}

} // namespace lakoo::read_models
