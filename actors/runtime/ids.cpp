#include "actors/runtime/ids.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string_view>

#include <sys/random.h>

namespace lakoo::runtime {

namespace {

void fill_random(unsigned char* buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    auto r = getrandom(buf + got, n - got, 0);
    if (r < 0) {
      throw std::runtime_error("getrandom failed");
    }
    got += static_cast<size_t>(r);
  }
}

constexpr char crockford[] = "0123456789abcdefghjkmnpqrstvwxyz";

} // namespace

std::string new_id(const std::string& prefix) {
  std::array<unsigned char, 16> raw{};
  auto ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
  for (int i = 0; i < 6; ++i) {
    raw[static_cast<size_t>(i)] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  }
  fill_random(raw.data() + 6, 10);
  // 128 bits -> 26 base32 chars (the first carries 3 bits).
  std::string out = prefix + "_";
  uint32_t acc = 0;
  int bits = 2; // pad 128 bits to 130 = 26 * 5 by two leading zero bits
  for (auto byte : raw) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += crockford[(acc >> bits) & 31u];
    }
  }
  return out;
}

std::string new_id_after(const std::string& prefix, std::string_view after) {
  auto id = new_id(prefix);
  if (id > after || id_time_ms(after) < 0) {
    return id;
  }
  std::string next{after};
  const std::string_view digits{crockford};
  for (auto i = next.size(); i-- > next.size() - 26;) {
    auto d = digits.find(next[i]);
    if (d + 1 < digits.size()) {
      next[i] = digits[d + 1];
      return next;
    }
    next[i] = digits[0]; // carry
  }
  return id; // `after` was the largest id there is
}

int64_t id_time_ms(std::string_view id) {
  auto cut = id.rfind('_');
  if (cut == std::string_view::npos || id.size() - cut - 1 != 26) {
    return -1;
  }
  const std::string_view digits{crockford};
  uint64_t ms = 0;
  for (size_t k = 0; k < 26; ++k) {
    auto d = digits.find(id[cut + 1 + k]);
    if (d == std::string_view::npos) {
      return -1;
    }
    if (k < 10) { // 2 zero bits, then 48 bits of milliseconds
      ms = (ms << 5) | d;
    }
  }
  return ms >> 48 == 0 ? static_cast<int64_t>(ms) : -1;
}

std::string random_hex(size_t n) {
  std::string raw(n, '\0');
  fill_random(reinterpret_cast<unsigned char*>(raw.data()), n);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (unsigned char c : raw) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

} // namespace lakoo::runtime
