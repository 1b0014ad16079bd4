// Marconi. Typed query parameters with falcon's parsing rules and error wording.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/message.hpp"

namespace marconi::api {

/// The text of parameter `name` as an integer; throws error{invalid_parameter} when it is not.
std::int64_t int_value(std::string_view name, std::string_view text);
/// The text of parameter `name` as one of falcon's booleans (below); throws as bool_param.
bool bool_value(std::string_view name, std::string_view text);
/// Appends the comma-separated items of `text`, empty items dropped.
void append_list_items(std::string_view text, std::vector<std::string>& items);

/// `?limit=5`; throws error{invalid_parameter} when present but not an integer.
std::optional<std::int64_t> int_param(const query_params& query, std::string_view name);
/// falcon's booleans: true/True/t/yes/y/1/on and false/False/f/no/n/0/off.
std::optional<bool> bool_param(const query_params& query, std::string_view name);
/// `?ids=a,b&ids=c`: every value of `name` split on commas, empty items dropped; nullopt when
/// absent.
std::optional<std::vector<std::string>> list_param(const query_params& query,
                                                   std::string_view name);
std::optional<std::string> string_param(const query_params& query, std::string_view name);

}  // namespace marconi::api
