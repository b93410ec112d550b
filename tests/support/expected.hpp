#pragma once

/// Reading `caf::expected` in tests. In CAF 0.17, `*x`, `x->` and `x.error()` only `CAF_ASSERT`
/// (off in Debian's build): reading the wrong side is undefined behaviour, exactly when a
/// regression makes an actor answer differently. These helpers fail the test cleanly instead:
///
///   auto view = must(ask<sku_view>(...));         // the value, or FAIL showing the error
///   CHECK(error_of(ask<sku_view>(...)) == errc::out_of_stock);
///
/// Only on the test's thread (Catch2 v2 is not thread-safe).

#include <optional>
#include <utility>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/to_string.hpp>
#include <catch2/catch.hpp>

namespace lakoo::test {

/// The value of `x`; fails the test case (showing the error) when `x` holds an error.
template <class T>
T must(caf::expected<T> x) {
  if (!x) {
    FAIL("expected a value, got the error " << caf::to_string(x.error()));
  }
  return std::move(*x);
}

/// The value of `x`; fails the test case when `x` is empty.
template <class T>
T must(std::optional<T> x) {
  if (!x) {
    FAIL("expected a value, got nothing");
  }
  return std::move(*x);
}

/// The error of `x`; fails the test case when `x` holds a value (so comparing the result with
/// an error code never reads a value as an error).
template <class T>
caf::error error_of(caf::expected<T> x) {
  if (x) {
    FAIL("expected an error, got a value");
  }
  return std::move(x.error());
}

} // namespace lakoo::test
