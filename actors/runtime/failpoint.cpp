#include "actors/runtime/failpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "actors/runtime/entity_env.hpp"

namespace lakoo::runtime {

bool failpoint_fires(const entity_env& env, std::string_view name) {
  auto fp = env.settings.find("failpoint");
  if (fp == env.settings.end() || fp->second != name) {
    return false;
  }
  auto once = env.settings.find("failpoint_once");
  if (once == env.settings.end() || once->second.empty()) {
    return true;
  }
  // The first node to create the file fires; the file's existence disarms every other.
  int fd = ::open(once->second.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) {
    return false;
  }
  ::close(fd);
  return true;
}

} // namespace lakoo::runtime
