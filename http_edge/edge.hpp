#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "actors/runtime/cluster_control.hpp"
#include "actors/runtime/revocations.hpp"
#include "actors/runtime/store.hpp"
#include "http_edge/server.hpp"

namespace lakoo::runtime {
class gateway;
}

#include "read_models/catalog_index.hpp"
#include "read_models/post_index.hpp"

namespace lakoo::edge {

/// Identity settings of the edge, filled by `nodes/` from cluster.conf.
struct identity_settings {
  std::string token_secret;
  int64_t access_ttl_s = 900;
  int64_t refresh_ttl_s = 2592000;
  std::vector<std::string> admin_emails; ///< lower-case; these get `admin` on registration
  int password_threads = 2;
  /// Token families revoked anywhere in the cluster (filled by the router); never null.
  std::shared_ptr<const runtime::revocation_list> revocations
    = std::make_shared<runtime::revocation_list>();
};

/// Checkout and payment settings, filled by `nodes/` from cluster.conf.
struct commerce_settings {
  std::string payment_provider = "sandbox";
  std::string webhook_secret;
  int64_t payment_ttl_s = 900;
};

/// How the edge ranks feeds (trending, for-you, explore), from cluster.conf.
struct social_read_settings {
  int64_t trending_half_life_s = 21600;
  /// Sponsored posts for the for-you feed; none until a campaign system exists.
  read_models::sponsor_source sponsors;
};

/// The cluster as configured, for the operator views.
struct cluster_info {
  struct member {
    std::string id;
    std::string address; ///< host:http port
  };
  std::vector<member> nodes;
  int32_t shards = 0;
  /// Placement and operator commands (the node's lease keeper); null: console unavailable.
  runtime::cluster_control* control = nullptr;
};

/// How the edge renders a listed product: give it to the node's `catalog_index`, so each product
/// is rendered once per version instead of once per page.
read_models::rendered_product render_listed_product(const protocol::product_view& p);

/// The node's HTTP edge: the Beast server, every API route, token checks and password hashing.
/// Requests become entity messages through `gw`; nothing here blocks an io thread.
/// Listings and search are answered from `catalog` (the node's read model) on the io thread,
/// trending and the ranking of for-you and explore from `posts`; order books are read through
/// `lists`.
/// Lifecycle: constructed -> `start()` -> `stop()` (also in the destructor); `gw` and `catalog`
/// must outlive it.
class edge {
public:
  edge(edge_settings settings, identity_settings identity, commerce_settings commerce,
       social_read_settings social, cluster_info cluster, runtime::gateway& gw,
       const read_models::catalog_index& catalog, const read_models::post_index& posts,
       runtime::list_reader& lists);
  ~edge();

  edge(const edge&) = delete;
  edge& operator=(const edge&) = delete;

  void start();
  uint16_t port() const;
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace lakoo::edge
