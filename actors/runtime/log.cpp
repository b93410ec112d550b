#include "actors/runtime/log.hpp"

#include <mutex>

#include <pthread.h>
#include <spdlog/spdlog.h>

namespace lakoo::runtime {

spdlog::logger& log() {
  static auto& instance = component_log("runtime");
  return instance;
}

spdlog::logger& component_log(const std::string& name) {
  static std::mutex mu;
  std::lock_guard<std::mutex> guard{mu};
  if (auto existing = spdlog::get(name)) {
    return *existing; // the registry keeps it
  }
  auto lg = spdlog::default_logger()->clone(name);
  spdlog::initialize_logger(lg); // registers; applies the global pattern and SPDLOG_LEVEL
  return *lg;
}

std::string one_line(const std::exception& e) {
  std::string out = e.what();
  for (auto& c : out) {
    if (c == '\n' || c == '\t') {
      c = ' ';
    }
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out;
}

void name_this_thread(const std::string& name) {
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

} // namespace lakoo::runtime
