#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

#include "http_edge/json_util.hpp"

/// The request-body validator declared in json_util.hpp.

namespace lakoo::edge {

using nlohmann::json;

namespace {

/// Why `v` is not a string of `min_chars..max_chars` code points, or empty if it is one.
std::string string_problem(const json& v, std::size_t min_chars, std::size_t max_chars) {
  if (!v.is_string()) {
    return "must be a string";
  }
  auto n = utf8_length(v.get_ref<const std::string&>());
  if (!n) {
    return "must be valid UTF-8";
  }
  if (*n < min_chars) {
    return min_chars == 1 ? "must not be empty"
                          : "must be at least " + std::to_string(min_chars) + " characters";
  }
  if (*n > max_chars) {
    return "must be at most " + std::to_string(max_chars) + " characters";
  }
  return {};
}

} // namespace

validator::validator(const json& object, std::string prefix)
    : object_(&object),
      prefix_(std::move(prefix)) {
  if (!object.is_object()) {
    error_field_ = prefix_.empty() ? "body" : prefix_.substr(0, prefix_.size() - 1);
    error_message_ = error_field_ + " must be an object";
  }
}

void validator::fail(std::string_view field, std::string_view message) {
  if (!ok()) {
    return;
  }
  error_field_ = prefix_ + std::string{field};
  error_message_ = error_field_ + " " + std::string{message};
  if (error_field_.empty()) {
    error_field_ = "body";
  }
}

response validator::error() const {
  return field_error(error_field_, error_message_);
}

const json* validator::find(const char* field) const {
  if (!object_->is_object()) {
    return nullptr;
  }
  auto i = object_->find(field);
  if (i == object_->end() || i->is_null()) {
    return nullptr;
  }
  return &*i;
}

std::optional<std::string> validator::string_at(const char* field, std::size_t min_chars,
                                                std::size_t max_chars, bool required) {
  const auto* v = find(field);
  if (v == nullptr) {
    if (required) {
      fail(field, "is required");
    }
    return std::nullopt;
  }
  auto problem = string_problem(*v, min_chars, max_chars);
  if (!problem.empty()) {
    fail(field, problem);
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::string validator::required_string(const char* field, std::size_t max_chars,
                                       std::size_t min_chars) {
  return string_at(field, min_chars, max_chars, true).value_or(std::string{});
}

std::optional<std::string> validator::optional_string(const char* field, std::size_t max_chars) {
  return string_at(field, 0, max_chars, false);
}

std::optional<int64_t> validator::int_at(const char* field, int64_t min, int64_t max,
                                         bool required) {
  const auto* v = find(field);
  if (v == nullptr) {
    if (required) {
      fail(field, "is required");
    }
    return std::nullopt;
  }
  if (!v->is_number_integer()) {
    fail(field, "must be an integer");
    return std::nullopt;
  }
  if (v->is_number_unsigned()
      && v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    fail(field, "is out of range");
    return std::nullopt;
  }
  auto x = v->get<int64_t>();
  if (x < min || x > max) {
    fail(field, min == 1 && max == INT64_MAX
                  ? std::string{"must be positive"}
                  : "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return x;
}

int64_t validator::required_int(const char* field, int64_t min, int64_t max) {
  return int_at(field, min, max, true).value_or(0);
}

std::optional<int64_t> validator::optional_int(const char* field, int64_t min, int64_t max) {
  return int_at(field, min, max, false);
}

double validator::required_number(const char* field, double min, double max) {
  const auto* v = find(field);
  if (v == nullptr || !v->is_number()) {
    fail(field, v == nullptr ? "is required" : "must be a number");
    return 0;
  }
  auto x = v->get<double>();
  if (x < min || x > max) {
    fail(field, "must be between " + json(min).dump() + " and " + json(max).dump());
    return 0;
  }
  return x;
}

std::optional<bool> validator::optional_bool(const char* field) {
  const auto* v = find(field);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (!v->is_boolean()) {
    fail(field, "must be true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

bool validator::required_bool(const char* field) {
  if (find(field) == nullptr) {
    fail(field, "is required");
    return false;
  }
  return optional_bool(field).value_or(false);
}

std::optional<std::vector<std::string>>
validator::optional_string_array(const char* field, std::size_t max_items, std::size_t max_chars) {
  const auto* v = array(field, false);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (v->size() > max_items) {
    fail(field, "must have at most " + std::to_string(max_items) + " items");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v->size(); ++i) {
    auto problem = string_problem((*v)[i], 1, max_chars);
    if (!problem.empty()) {
      fail(std::string{field} + "[" + std::to_string(i) + "]", problem);
      return std::nullopt;
    }
    out.push_back((*v)[i].get<std::string>());
  }
  return out;
}

std::vector<std::string> validator::required_string_array(const char* field, std::size_t max_items,
                                                          std::size_t max_chars) {
  if (find(field) == nullptr) {
    fail(field, "is required");
    return {};
  }
  return optional_string_array(field, max_items, max_chars).value_or(std::vector<std::string>{});
}

std::optional<std::string> validator::optional_enum(const char* field,
                                                    const std::vector<std::string>& allowed) {
  auto s = string_at(field, 0, std::numeric_limits<std::size_t>::max(), false);
  if (s && std::find(allowed.begin(), allowed.end(), *s) == allowed.end()) {
    std::string list;
    for (const auto& a : allowed) {
      list += (list.empty() ? "" : ", ") + a;
    }
    fail(field, "must be one of: " + list);
    return std::nullopt;
  }
  return s;
}

std::string validator::required_enum(const char* field, const std::vector<std::string>& allowed) {
  if (find(field) == nullptr) {
    fail(field, "is required");
    return {};
  }
  return optional_enum(field, allowed).value_or(std::string{});
}

const json* validator::object(const char* field, bool required) {
  const auto* v = find(field);
  if (v == nullptr || !v->is_object()) {
    if (required || v != nullptr) {
      fail(field, v == nullptr ? "is required" : "must be an object");
    }
    return nullptr;
  }
  return v;
}

const json* validator::array(const char* field, bool required) {
  const auto* v = find(field);
  if (v == nullptr || !v->is_array()) {
    if (required || v != nullptr) {
      fail(field, v == nullptr ? "is required" : "must be an array");
    }
    return nullptr;
  }
  return v;
}

} // namespace lakoo::edge
