#pragma once

#include <string>

namespace lakoo::runtime {

/// A new opaque id `<prefix>_<26 chars>`: 48 bits of milliseconds (so ids sort by creation)
/// followed by 80 random bits, Crockford base32. Unique across the cluster without
/// coordination; safe in URLs.
std::string new_id(const std::string& prefix);

/// `n` random bytes as lower-case hex (2n chars), from the OS CSPRNG.
std::string random_hex(size_t n);

} // namespace lakoo::runtime
