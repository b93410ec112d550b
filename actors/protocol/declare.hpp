#pragma once

/// The protocol's declaration language. Each message is declared once, as a field list:
///
///     LAKOO_MESSAGE(change_cart, (std::string, sku), (int64_t, quantity), (bool, replace))
///     LAKOO_MESSAGE(get_cart)
///
/// A field is `(type, name)` (value-initialised) or `(type, name, default)`; a type with a comma
/// in it needs an alias first. One line generates the struct, its CAF `inspect`, the field view
/// that `runtime/fields_msgpack.hpp` turns into a msgpack map, and (in `protocol.cpp`, which
/// reads the same `.def` files with other definitions of these macros) its registration under
/// the wire name `lakoo::<name>`.
///
/// Entities are addressed by typed references, `cart_ref{user_id}`, which know their key prefix,
/// and each request names the kind it goes to and its reply once:
///
///     LAKOO_VERB(cart, change_cart, cart_view)
///
/// so that an ask with the wrong reply type or to the wrong kind does not compile
/// (`reply_t<cart_ref, change_cart>`, checked where an ask is written by `check_reply`).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

#include <caf/meta/type_name.hpp>

namespace lakoo::protocol {

/// A reference to the entity `<Kind>:<id>`; `Kind` is one of the `*_kind` tags below.
template <class Kind>
struct ref {
  using kind = Kind;

  std::string id;

  /// The router key of the entity.
  std::string key() const {
    std::string k;
    k.reserve(Kind::name.size() + 1 + id.size());
    k.append(Kind::name).append(1, ':').append(id);
    return k;
  }

  friend bool operator==(const ref& a, const ref& b) { return a.id == b.id; }
  friend bool operator!=(const ref& a, const ref& b) { return a.id != b.id; }
};

/// What entity kind `Kind` answers to request `Msg`; declared by LAKOO_VERB, undefined (a
/// compile error) otherwise.
template <class Kind, class Msg>
struct verb;

/// What the entity `Ref` (a `ref<Kind>`) answers to `Msg`; no type at all (a substitution
/// failure) when its kind does not take `Msg`.
template <class Ref, class Msg>
using reply_t = typename verb<typename Ref::kind, Msg>::reply;

/// Fails to compile unless the entity `Ref` answers `Msg` with `Reply` (LAKOO_VERB): every ask
/// (runtime's entity asks, the gateway's, the edge's direct requests) calls it.
template <class Reply, class Ref, class Msg>
constexpr void check_reply() {
  static_assert(std::is_same_v<Reply, reply_t<Ref, Msg>>,
                "this kind answers this message with another reply type");
}

} // namespace lakoo::protocol

// -- the preprocessor kit (Boost.PP's sequences cost ~1.4 s of preprocessing per translation
// unit over the whole protocol; these fixed-arity forms cost ~0.1 s) ---------------------------

#define LAKOO_DETAIL_CAT(a, b) LAKOO_DETAIL_CAT_I(a, b)
#define LAKOO_DETAIL_CAT_I(a, b) a##b
#define LAKOO_DETAIL_STR(x) LAKOO_DETAIL_STR_I(x)
#define LAKOO_DETAIL_STR_I(x) #x
/// The number of arguments, 1 to 40.
#define LAKOO_DETAIL_COUNT(...)                                                                    \
  LAKOO_DETAIL_COUNT_I(__VA_ARGS__, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26,    \
                       25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, \
                       5, 4, 3, 2, 1, ~)
#define LAKOO_DETAIL_COUNT_I(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15,     \
                             _16, _17, _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, \
                             _30, _31, _32, _33, _34, _35, _36, _37, _38, _39, _40, n, ...)        \
  n
/// EMPTY for one argument, FIELDS for more.
#define LAKOO_DETAIL_ARITY(...)                                                                    \
  LAKOO_DETAIL_COUNT_I(__VA_ARGS__, FIELDS, FIELDS, FIELDS, FIELDS, FIELDS, FIELDS, FIELDS,        \
                       FIELDS, FIELDS, FIELDS, FIELDS, FIELDS, FIELDS, FIELDS, FIELDS, FIELDS,     \
                       FIELDS, FIELDS, FIELDS, FIELDS, FIELDS, FIELDS, FIELDS, FIELDS, FIELDS,     \
                       FIELDS, FIELDS, FIELDS, FIELDS, FIELDS, FIELDS, FIELDS, FIELDS, FIELDS,     \
                       FIELDS, FIELDS, FIELDS, FIELDS, FIELDS, EMPTY, ~)
/// The first argument.
#define LAKOO_DETAIL_FIRST(...) LAKOO_DETAIL_FIRST_I(__VA_ARGS__, ~)
#define LAKOO_DETAIL_FIRST_I(x, ...) x
/// `first(x1) rest(x2) rest(x3) ...` over the arguments.
#define LAKOO_DETAIL_EACH(first, rest, ...)                                                        \
  LAKOO_DETAIL_CAT(LAKOO_DETAIL_EACH_, LAKOO_DETAIL_COUNT(__VA_ARGS__))(first, rest, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_1(f, m, x) f(x)
#define LAKOO_DETAIL_EACH_2(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_1(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_3(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_2(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_4(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_3(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_5(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_4(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_6(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_5(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_7(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_6(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_8(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_7(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_9(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_8(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_10(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_9(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_11(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_10(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_12(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_11(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_13(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_12(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_14(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_13(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_15(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_14(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_16(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_15(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_17(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_16(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_18(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_17(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_19(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_18(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_20(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_19(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_21(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_20(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_22(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_21(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_23(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_22(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_24(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_23(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_25(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_24(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_26(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_25(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_27(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_26(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_28(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_27(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_29(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_28(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_30(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_29(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_31(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_30(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_32(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_31(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_33(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_32(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_34(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_33(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_35(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_34(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_36(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_35(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_37(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_36(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_38(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_37(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_39(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_38(m, m, __VA_ARGS__)
#define LAKOO_DETAIL_EACH_40(f, m, x, ...) f(x) LAKOO_DETAIL_EACH_39(m, m, __VA_ARGS__)

// -- kinds ----------------------------------------------------------------------

/// Declares the tag `<tag>_kind` (key prefix `prefix`) and the reference `<tag>_ref`.
#define LAKOO_KIND(tag, prefix)                                                                    \
  struct tag##_kind {                                                                              \
    static constexpr std::string_view name = prefix;                                               \
  };                                                                                               \
  using tag##_ref = ::lakoo::protocol::ref<tag##_kind>;

// -- verbs ----------------------------------------------------------------------

#define LAKOO_VERB(kind, msg, reply_type)                                                          \
  template <>                                                                                      \
  struct verb<kind##_kind, msg> {                                                                  \
    using reply = reply_type;                                                                      \
  };

// -- enums ----------------------------------------------------------------------

/// `LAKOO_ENUM(product_status, draft, pending, active)` declares `enum class product_status`
/// (append only: values travel between nodes as numbers), `to_string(x)` and
/// `parse(text, x)` (false for a text that names no value) for the API and logs, and
/// `enum_names(x)` through which snapshots store the name, not the number
/// (`runtime/fields_msgpack.hpp`).
#define LAKOO_DETAIL_QUOTE(x) LAKOO_DETAIL_STR(x)
#define LAKOO_DETAIL_COMMA_QUOTE(x) , LAKOO_DETAIL_STR(x)
#define LAKOO_ENUM(name, ...)                                                                      \
  enum class name : uint8_t { __VA_ARGS__ };                                                       \
  inline constexpr std::array<std::string_view, LAKOO_DETAIL_COUNT(__VA_ARGS__)> name##_names      \
    = {LAKOO_DETAIL_EACH(LAKOO_DETAIL_QUOTE, LAKOO_DETAIL_COMMA_QUOTE, __VA_ARGS__)};              \
  constexpr const std::array<std::string_view, LAKOO_DETAIL_COUNT(__VA_ARGS__)>& enum_names(       \
    name) {                                                                                        \
    return name##_names;                                                                           \
  }                                                                                                \
  constexpr std::string_view to_string(name x) {                                                   \
    auto i = static_cast<size_t>(x);                                                               \
    return i < name##_names.size() ? name##_names[i] : std::string_view{"unknown"};                \
  }                                                                                                \
  constexpr bool parse(std::string_view text, name& out) {                                         \
    for (size_t i = 0; i < name##_names.size(); ++i) {                                             \
      if (name##_names[i] == text) {                                                               \
        out = static_cast<name>(i);                                                                \
        return true;                                                                               \
      }                                                                                            \
    }                                                                                              \
    return false;                                                                                  \
  }

// -- messages -------------------------------------------------------------------

// A field is `(type, name)` or `(type, name, init)`.
#define LAKOO_DETAIL_MEMBER(field) LAKOO_DETAIL_MEMBER_I field
#define LAKOO_DETAIL_MEMBER_I(...)                                                                 \
  LAKOO_DETAIL_CAT(LAKOO_DETAIL_MEMBER_, LAKOO_DETAIL_COUNT(__VA_ARGS__))(__VA_ARGS__)
#define LAKOO_DETAIL_MEMBER_2(type, name) type name{};
#define LAKOO_DETAIL_MEMBER_3(type, name, init) type name{init};
#define LAKOO_DETAIL_NAME(field) LAKOO_DETAIL_NAME_I field
#define LAKOO_DETAIL_NAME_I(...) LAKOO_DETAIL_NAME_II(__VA_ARGS__, ~)
#define LAKOO_DETAIL_NAME_II(type, name, ...) name
#define LAKOO_DETAIL_COMMA_NAME(field) , LAKOO_DETAIL_NAME(field)
#define LAKOO_DETAIL_FIELD_STR(field) LAKOO_DETAIL_STR(LAKOO_DETAIL_NAME(field))
#define LAKOO_DETAIL_COMMA_FIELD_STR(field) , LAKOO_DETAIL_FIELD_STR(field)
#define LAKOO_DETAIL_INSPECT(field) , x.LAKOO_DETAIL_NAME(field)

#define LAKOO_DETAIL_MESSAGE_FIELDS(name, ...)                                                     \
  struct name {                                                                                    \
    LAKOO_DETAIL_EACH(LAKOO_DETAIL_MEMBER, LAKOO_DETAIL_MEMBER, __VA_ARGS__)                       \
    static constexpr std::array<std::string_view, LAKOO_DETAIL_COUNT(__VA_ARGS__)> member_names    \
      = {LAKOO_DETAIL_EACH(LAKOO_DETAIL_FIELD_STR, LAKOO_DETAIL_COMMA_FIELD_STR, __VA_ARGS__)};    \
    /* templates, so that only what is used is compiled */                                         \
    template <int = 0>                                                                             \
    auto tie() {                                                                                   \
      return std::tie(LAKOO_DETAIL_EACH(LAKOO_DETAIL_NAME, LAKOO_DETAIL_COMMA_NAME, __VA_ARGS__)); \
    }                                                                                              \
    template <int = 0>                                                                             \
    auto tie() const {                                                                             \
      return std::tie(LAKOO_DETAIL_EACH(LAKOO_DETAIL_NAME, LAKOO_DETAIL_COMMA_NAME, __VA_ARGS__)); \
    }                                                                                              \
  };                                                                                               \
  template <class Inspector>                                                                       \
  typename Inspector::result_type inspect(Inspector& f, name& x) {                                 \
    return f(caf::meta::type_name(#name)                                                           \
               LAKOO_DETAIL_EACH(LAKOO_DETAIL_INSPECT, LAKOO_DETAIL_INSPECT, __VA_ARGS__));        \
  }

#define LAKOO_DETAIL_MESSAGE_EMPTY(name)                                                           \
  struct name {                                                                                    \
    static constexpr std::array<std::string_view, 0> member_names = {};                            \
    template <int = 0>                                                                             \
    auto tie() {                                                                                   \
      return std::tie();                                                                           \
    }                                                                                              \
    template <int = 0>                                                                             \
    auto tie() const {                                                                             \
      return std::tie();                                                                           \
    }                                                                                              \
  };                                                                                               \
  template <class Inspector>                                                                       \
  typename Inspector::result_type inspect(Inspector& f, name&) {                                   \
    return f(caf::meta::type_name(#name));                                                         \
  }

/// `LAKOO_MESSAGE(name)` or `LAKOO_MESSAGE(name, field, ...)`.
#define LAKOO_MESSAGE(...)                                                                         \
  LAKOO_DETAIL_CAT(LAKOO_DETAIL_MESSAGE_, LAKOO_DETAIL_ARITY(__VA_ARGS__))(__VA_ARGS__)
