#pragma once

#include <string>

namespace lakoo::bench {

/// A minted-looking, deterministic id of the bench data: `<prefix>_bench` + n zero-padded to 26
/// characters (`is_minted_id` accepts it).
inline std::string fixed_id(const char* prefix, size_t n) {
  auto digits = std::to_string(n);
  return std::string{prefix} + "_bench" + std::string(21 - digits.size(), '0') + digits;
}

} // namespace lakoo::bench
