#include "http_edge/push_hub.hpp"

#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <caf/all.hpp>

#include "actors/runtime/gateway.hpp"
#include "actors/runtime/metrics.hpp"
#include "http_edge/api_context.hpp"
#include "http_edge/log.hpp"

namespace lakoo::edge {

struct push_hub::impl {
  std::mutex mutex;
  /// user -> link id -> link
  std::unordered_map<std::string, std::unordered_map<uint64_t, std::shared_ptr<ws_link>>> users;
  /// Users whose inbox has confirmed it pushes to this node's relay, and the sockets that have
  /// been told so (`{"type":"ready"}`). Cleared with the user's last socket.
  std::unordered_set<std::string> watching;
  std::unordered_set<uint64_t> greeted;
  caf::actor relay;
  runtime::counter& pushed
    = runtime::metrics::global().counter_of("lakoo_ws_frames_total", "kind=\"notification\"");

  std::vector<std::shared_ptr<ws_link>> links_of(const std::string& user) {
    std::vector<std::shared_ptr<ws_link>> out;
    std::lock_guard<std::mutex> guard{mutex};
    auto it = users.find(user);
    if (it != users.end()) {
      for (auto& [id, link] : it->second) {
        out.push_back(link);
      }
    }
    return out;
  }

  /// The inbox of `user` pushes here now: every socket of the user not yet told gets the ready
  /// frame (from then on, every notification reaches it live; earlier ones are in the inbox).
  void confirmed(const std::string& user) {
    std::vector<std::shared_ptr<ws_link>> fresh;
    {
      std::lock_guard<std::mutex> guard{mutex};
      auto it = users.find(user);
      if (it == users.end()) {
        return; // the last socket closed meanwhile
      }
      watching.insert(user);
      for (auto& [id, link] : it->second) {
        if (greeted.insert(id).second) {
          fresh.push_back(link);
        }
      }
    }
    for (auto& link : fresh) {
      link->send(ready_frame());
    }
  }

  static const std::string& ready_frame() {
    static const std::string frame = nlohmann::json{{"type", "ready"}}.dump();
    return frame;
  }

  std::vector<std::string> watched() {
    std::vector<std::string> out;
    std::lock_guard<std::mutex> guard{mutex};
    for (auto& [user, links] : users) {
      out.push_back(user);
    }
    return out;
  }
};

namespace {

struct relay_state {
  static inline const char* name = "lakoo.push_relay";
};

/// How long an inbox keeps pushing to this relay without a renewal: three renewals' worth.
int64_t watch_ttl_ms(std::chrono::milliseconds renew) {
  return static_cast<int64_t>(renew.count()) * 3;
}

caf::behavior relay_impl(caf::stateful_actor<relay_state>* self,
                         std::shared_ptr<push_hub::impl> hub, caf::actor router,
                         std::chrono::milliseconds timeout, std::chrono::milliseconds renew) {
  self->set_error_handler([](caf::error&) {});
  auto watch = [self, hub, router, timeout, renew](const std::string& user, bool on) {
    protocol::watch_inbox w{caf::actor_cast<caf::actor>(self), watch_ttl_ms(renew), on};
    protocol::check_reply<bool, protocol::inbox_ref, protocol::watch_inbox>();
    self
      ->request(router, timeout, protocol::route_atom::value, protocol::inbox_ref{user}.key(),
                caf::make_message(std::move(w)))
      .then(
        [hub, user, on](bool) {
          if (on) {
            hub->confirmed(user);
          }
        },
        [user](caf::error& e) {
          log().debug("[push] watch of inbox {} failed: {}", user, caf::to_string(e));
        });
  };
  self->delayed_send(self, renew, protocol::tick_atom::value);
  return {
    [hub](protocol::push_atom, const std::string& user, const protocol::notification_view& n) {
      auto links = hub->links_of(user);
      if (links.empty()) {
        return;
      }
      auto frame
        = nlohmann::json{{"type", "notification"}, {"notification", notification_json(n)}}.dump();
      for (auto& link : links) {
        if (link->send(frame)) {
          hub->pushed.add();
        }
      }
    },
    [watch](protocol::watch_atom, const std::string& user, bool on) { watch(user, on); },
    [self, hub, watch, renew](protocol::tick_atom) {
      for (const auto& user : hub->watched()) {
        watch(user, true);
      }
      self->delayed_send(self, renew, protocol::tick_atom::value);
    },
  };
}

} // namespace

push_hub::push_hub(runtime::gateway& gw, std::chrono::milliseconds renew)
    : impl_(std::make_shared<impl>()) {
  impl_->relay = gw.system().spawn(relay_impl, impl_, gw.router(), gw.timeout(), renew);
}

push_hub::~push_hub() {
  caf::anon_send_exit(impl_->relay, caf::exit_reason::user_shutdown);
}

void push_hub::opened(const std::string& user, std::shared_ptr<ws_link> link) {
  bool first = false;
  bool ready = false;
  {
    std::lock_guard<std::mutex> guard{impl_->mutex};
    auto& links = impl_->users[user];
    first = links.empty();
    ready = impl_->watching.count(user) > 0 && impl_->greeted.insert(link->id()).second;
    links.emplace(link->id(), link);
  }
  if (ready) { // the user's inbox already pushes here: nothing to wait for
    link->send(impl::ready_frame());
  }
  log().info("[ws] [user {}] socket open{}", user, first ? " (watching the inbox)" : "");
  if (first) {
    caf::anon_send(impl_->relay, protocol::watch_atom::value, user, true);
  }
}

void push_hub::closed(const std::string& user, uint64_t link_id) {
  bool last = false;
  {
    std::lock_guard<std::mutex> guard{impl_->mutex};
    auto it = impl_->users.find(user);
    if (it == impl_->users.end()) {
      return;
    }
    it->second.erase(link_id);
    impl_->greeted.erase(link_id);
    if (it->second.empty()) {
      impl_->users.erase(it);
      impl_->watching.erase(user);
      last = true;
    }
  }
  log().info("[ws] [user {}] socket {} closed", user, link_id);
  if (last) {
    caf::anon_send(impl_->relay, protocol::watch_atom::value, user, false);
  }
}

} // namespace lakoo::edge
