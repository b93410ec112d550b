#include "http_edge/console_feed.hpp"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace lakoo::edge {

struct console_feed::impl : std::enable_shared_from_this<console_feed::impl> {
  snapshot_fn snapshot;
  std::chrono::milliseconds interval;
  std::mutex mu;
  std::condition_variable cv;
  std::map<uint64_t, std::shared_ptr<ws_link>> links;
  bool stopping = false;
  bool wanted = false;    ///< a socket opened: send a view now
  bool in_flight = false; ///< a snapshot is being built
  std::thread worker;

  void publish() {
    {
      std::lock_guard<std::mutex> guard{mu};
      if (links.empty() || in_flight) {
        return;
      }
      in_flight = true;
    }
    std::weak_ptr<impl> weak = shared_from_this();
    snapshot([weak](std::string text) {
      auto self = weak.lock();
      if (!self) {
        return;
      }
      std::vector<std::shared_ptr<ws_link>> to;
      {
        std::lock_guard<std::mutex> guard{self->mu};
        self->in_flight = false;
        for (const auto& [id, link] : self->links) {
          to.push_back(link);
        }
      }
      for (const auto& link : to) {
        link->send(text); // a console that falls behind is dropped by the link itself
      }
    });
  }

  void run() {
    std::unique_lock<std::mutex> guard{mu};
    while (!stopping) {
      cv.wait_for(guard, interval, [this] { return stopping || wanted; });
      if (stopping) {
        break;
      }
      wanted = false;
      guard.unlock();
      publish();
      guard.lock();
    }
  }
};

console_feed::console_feed(snapshot_fn snapshot, std::chrono::milliseconds interval)
    : impl_(std::make_shared<impl>()) {
  impl_->snapshot = std::move(snapshot);
  impl_->interval = interval;
  impl_->worker = std::thread([i = impl_.get()] { i->run(); });
}

console_feed::~console_feed() {
  stop();
}

void console_feed::opened(std::shared_ptr<ws_link> link) {
  std::lock_guard<std::mutex> guard{impl_->mu};
  impl_->links[link->id()] = std::move(link);
  impl_->wanted = true;
  impl_->cv.notify_all();
}

void console_feed::closed(uint64_t link_id) {
  std::lock_guard<std::mutex> guard{impl_->mu};
  impl_->links.erase(link_id);
}

void console_feed::stop() {
  {
    std::lock_guard<std::mutex> guard{impl_->mu};
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->worker.joinable()) {
    impl_->worker.join();
  }
}

} // namespace lakoo::edge
