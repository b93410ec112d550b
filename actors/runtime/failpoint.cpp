#include "actors/runtime/failpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "actors/runtime/entity_env.hpp"

namespace lakoo::runtime {

bool failpoint_fires(const entity_env& env, std::string_view name) {
  if (env.failpoint.empty() || env.failpoint != name) {
    return false;
  }
  if (env.failpoint_once.empty()) {
    return true;
  }
  // The first node to create the file fires; the file's existence disarms every other.
  int fd = ::open(env.failpoint_once.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) {
    return false;
  }
  ::close(fd);
  return true;
}

} // namespace lakoo::runtime
