#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lakoo::runtime {

/// A new opaque id `<prefix>_<26 chars>`: 48 bits of milliseconds (so ids sort by creation)
/// followed by 80 random bits, Crockford base32. Unique across the cluster without
/// coordination; safe in URLs.
std::string new_id(const std::string& prefix);

/// A new id of `prefix` greater than `after` (an id of the same prefix): `new_id` unless the
/// clock has not moved past `after` (the same millisecond, or it stepped back), then the id just
/// above `after`. For lists whose ids must grow (an inbox's notifications).
std::string new_id_after(const std::string& prefix, std::string_view after);

/// The milliseconds an id of `new_id` was made at; -1 if `id` is not such an id.
int64_t id_time_ms(std::string_view id);

/// `n` random bytes as lower-case hex (2n chars), from the OS CSPRNG.
std::string random_hex(size_t n);

} // namespace lakoo::runtime
