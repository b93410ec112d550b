#pragma once

/// Snapshots may hold protocol messages as they are: a message declared with LAKOO_MESSAGE packs
/// as a msgpack map of its field names, exactly as `MSGPACK_DEFINE_MAP` over the same fields
/// would, so a snapshot struct that mirrored a message field for field can hold the message
/// instead without changing a byte on disk. Unpacking matches fields by name: unknown keys are
/// skipped and missing ones keep their defaults (old snapshots read, new fields added later).
///
/// An enum declared with LAKOO_ENUM is stored by its name, so that a snapshot reads the same
/// whatever numbers the values have; a name this build does not know fails the load. A value
/// named `none` is stored as the empty string: the string fields these enums replaced started
/// empty, so the snapshots written before keep loading and new ones keep the same bytes.
///
/// Include from snapshot schema headers (`*_data.hpp`), not from the protocol.

#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include <msgpack.hpp>

namespace lakoo::runtime::detail {

template <class T, class = void>
struct is_declared_message : std::false_type {};

template <class T>
struct is_declared_message<
  T, std::void_t<decltype(T::member_names), decltype(std::declval<T&>().tie())>> : std::true_type {
};

template <class T, class = void>
struct is_declared_enum : std::false_type {};

template <class T>
struct is_declared_enum<T, std::void_t<decltype(enum_names(std::declval<T>()))>> : std::is_enum<T> {
};

/// The name enum value `x` is stored under (`none` as "").
template <class T>
constexpr std::string_view stored_name(T x) {
  auto name = to_string(x);
  return name == "none" ? std::string_view{} : name;
}

/// Reads a stored name into `x` (`none` from ""); false for a name this build does not know.
template <class T>
constexpr bool parse_stored(std::string_view name, T& x) {
  return parse(name.empty() ? std::string_view{"none"} : name, x);
}

template <class Tuple, class F, size_t... Is>
void each_member(Tuple&& t, F&& f, std::index_sequence<Is...>) {
  (f(std::integral_constant<size_t, Is>{}, std::get<Is>(t)), ...);
}

/// Calls `f(index, field)` for every field of message `x`, in declaration order.
template <class T, class F>
void each_member(T& x, F&& f) {
  auto fields = x.tie();
  each_member(fields, f, std::make_index_sequence<std::tuple_size_v<decltype(fields)>>{});
}

} // namespace lakoo::runtime::detail

namespace msgpack {
MSGPACK_API_VERSION_NAMESPACE(MSGPACK_DEFAULT_API_NS) {
  namespace adaptor {

  template <class T>
  struct pack<T, std::enable_if_t<lakoo::runtime::detail::is_declared_message<T>::value>> {
    template <class Stream>
    packer<Stream>& operator()(packer<Stream>& o, const T& v) const {
      o.pack_map(static_cast<uint32_t>(T::member_names.size()));
      lakoo::runtime::detail::each_member(v, [&o](auto i, const auto& field) {
        std::string_view name = T::member_names[decltype(i)::value];
        o.pack_str(static_cast<uint32_t>(name.size()));
        o.pack_str_body(name.data(), static_cast<uint32_t>(name.size()));
        o.pack(field);
      });
      return o;
    }
  };

  template <class T>
  struct pack<T, std::enable_if_t<lakoo::runtime::detail::is_declared_enum<T>::value>> {
    template <class Stream>
    packer<Stream>& operator()(packer<Stream>& o, const T& v) const {
      auto name = lakoo::runtime::detail::stored_name(v);
      o.pack_str(static_cast<uint32_t>(name.size()));
      o.pack_str_body(name.data(), static_cast<uint32_t>(name.size()));
      return o;
    }
  };

  template <class T>
  struct convert<T, std::enable_if_t<lakoo::runtime::detail::is_declared_enum<T>::value>> {
    const msgpack::object& operator()(const msgpack::object& o, T& v) const {
      if (o.type != msgpack::type::STR
          || !lakoo::runtime::detail::parse_stored(std::string_view{o.via.str.ptr, o.via.str.size},
                                                   v)) {
        throw msgpack::type_error();
      }
      return o;
    }
  };

  template <class T>
  struct convert<T, std::enable_if_t<lakoo::runtime::detail::is_declared_message<T>::value>> {
    const msgpack::object& operator()(const msgpack::object& o, T& v) const {
      if (o.type != msgpack::type::MAP) {
        throw msgpack::type_error();
      }
      for (uint32_t k = 0; k < o.via.map.size; ++k) {
        const auto& kv = o.via.map.ptr[k];
        if (kv.key.type != msgpack::type::STR) {
          continue;
        }
        std::string_view key{kv.key.via.str.ptr, kv.key.via.str.size};
        lakoo::runtime::detail::each_member(v, [&kv, key](auto i, auto& field) {
          if (T::member_names[decltype(i)::value] == key) {
            kv.val.convert(field);
          }
        });
      }
      return o;
    }
  };

  } // namespace adaptor
} // MSGPACK_API_VERSION_NAMESPACE(MSGPACK_DEFAULT_API_NS)
} // namespace msgpack
