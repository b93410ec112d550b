#include <caf/actor_system_config.hpp>

#include "actors/protocol/messages.hpp"

namespace lakoo::protocol {

const char* to_code(errc x) {
  switch (x) {
    case errc::invalid_request:
      return "invalid_request";
    case errc::unauthorized:
      return "unauthorized";
    case errc::forbidden:
      return "forbidden";
    case errc::not_found:
      return "not_found";
    case errc::conflict:
      return "conflict";
    case errc::out_of_stock:
      return "out_of_stock";
    case errc::unavailable:
      return "unavailable";
    case errc::internal:
      return "internal";
    case errc::stale_version:
      return "unavailable";
    case errc::rate_limited:
      return "rate_limited";
  }
  return "internal";
}

namespace {

// Append only: the names travel on the wire between nodes.
#define LAKOO_MESSAGE_TYPES(X)                                                                     \
  X(router_stats)                                                                                  \
  X(address)                                                                                       \
  X(user_view)                                                                                     \
  X(create_user)                                                                                   \
  X(get_user)                                                                                      \
  X(update_user)                                                                                   \
  X(list_addresses)                                                                                \
  X(address_list)                                                                                  \
  X(add_address)                                                                                   \
  X(update_address)                                                                                \
  X(delete_address)                                                                                \
  X(account_view)                                                                                  \
  X(open_account)                                                                                  \
  X(get_account)                                                                                   \
  X(open_family)                                                                                   \
  X(rotate_family)                                                                                 \
  X(revoke_family)                                                                                 \
  X(family_view)                                                                                   \
  X(seller_view)                                                                                   \
  X(seller_profile)                                                                                \
  X(apply_seller)                                                                                  \
  X(create_seller)                                                                                 \
  X(get_seller)                                                                                    \
  X(update_seller)                                                                                 \
  X(review_seller)                                                                                 \
  X(set_role)                                                                                      \
  X(sku_view)                                                                                      \
  X(define_sku)                                                                                    \
  X(get_sku)                                                                                       \
  X(set_stock)                                                                                     \
  X(reserve_sku)                                                                                   \
  X(release_sku)                                                                                   \
  X(commit_sku)                                                                                    \
  X(forget_key)                                                                                    \
  X(variant)                                                                                       \
  X(product_view)                                                                                  \
  X(create_product)                                                                                \
  X(get_product)                                                                                   \
  X(moderate_product)                                                                              \
  X(set_variant_price)                                                                             \
  X(confirm_claim)                                                                                 \
  X(drop_sku)                                                                                      \
  X(cart_line)                                                                                     \
  X(cart_view)                                                                                     \
  X(get_cart)                                                                                      \
  X(change_cart)                                                                                   \
  X(clear_cart)                                                                                    \
  X(order_line)                                                                                    \
  X(order_event)                                                                                   \
  X(order_view)                                                                                    \
  X(payment_view)                                                                                  \
  X(checkout_view)                                                                                 \
  X(start_checkout)                                                                                \
  X(get_order)                                                                                     \
  X(order_action)                                                                                  \
  X(payment_settled)                                                                               \
  X(open_payment)                                                                                  \
  X(get_payment)                                                                                   \
  X(payment_event)                                                                                 \
  X(end_payment)                                                                                   \
  X(restock_sku)                                                                                   \
  X(remove_bought)                                                                                 \
  X(post_earning)                                                                                  \
  X(get_earnings)                                                                                  \
  X(earnings_view)                                                                                 \
  X(book_order)                                                                                    \
  X(list_orders)                                                                                   \
  X(order_page)                                                                                    \
  X(review_view)                                                                                   \
  X(add_review)                                                                                    \
  X(list_reviews)                                                                                  \
  X(review_page)                                                                                   \
  X(set_rating)                                                                                    \
  X(notification_view)                                                                             \
  X(notify)                                                                                        \
  X(list_notifications)                                                                            \
  X(notification_page)                                                                             \
  X(mark_read)                                                                                     \
  X(watch_inbox)                                                                                   \
  X(post_tag)                                                                                      \
  X(post_view)                                                                                     \
  X(create_post)                                                                                   \
  X(get_post)                                                                                      \
  X(delete_post)                                                                                   \
  X(react_post)                                                                                    \
  X(set_comment_count)                                                                             \
  X(comment_view)                                                                                  \
  X(add_comment)                                                                                   \
  X(list_comments)                                                                                 \
  X(comment_page)                                                                                  \
  X(graph_view)                                                                                    \
  X(get_graph)                                                                                     \
  X(follow_user)                                                                                   \
  X(add_follower)                                                                                  \
  X(id_page)                                                                                       \
  X(list_graph)                                                                                    \
  X(feed_item)                                                                                     \
  X(authored)                                                                                      \
  X(get_recent_posts)                                                                              \
  X(author_posts)                                                                                  \
  X(engaged)                                                                                       \
  X(get_taste)                                                                                     \
  X(taste)                                                                                         \
  X(add_collection_ref)                                                                            \
  X(feed_push)                                                                                     \
  X(feed_follow)                                                                                   \
  X(read_feed)                                                                                     \
  X(feed_page)                                                                                     \
  X(collection_view)                                                                               \
  X(create_collection)                                                                             \
  X(get_collection)                                                                                \
  X(collect_post)                                                                                  \
  X(list_collection)                                                                               \
  X(get_candidates)                                                                                \
  X(candidates)                                                                                    \
  X(cart_lines)                                                                                    \
  X(take_cart)                                                                                     \
  X(return_to_cart)                                                                                \
  X(seller_earnings)                                                                               \
  X(simulate_payment)                                                                              \
  X(simulation)                                                                                    \
  X(save_to_collection)

} // namespace

void add_message_types(caf::actor_system_config& cfg) {
#define LAKOO_ADD(T) cfg.add_message_type<T>("lakoo::" #T);
  LAKOO_MESSAGE_TYPES(LAKOO_ADD)
#undef LAKOO_ADD
}

const std::vector<std::string>& registered_type_names() {
  static const std::vector<std::string> names = {
#define LAKOO_NAME(T) "lakoo::" #T,
    LAKOO_MESSAGE_TYPES(LAKOO_NAME)
#undef LAKOO_NAME
  };
  return names;
}

} // namespace lakoo::protocol
