// Marconi.
#include "api/codec/query.hpp"

#include <array>
#include <charconv>

#include "storage/contract/error.hpp"

namespace marconi::api {

namespace {

core::error invalid(std::string_view name, std::string_view what) {
    return core::error(
        core::errc::invalid_parameter,
        "The \"" + std::string(name) + "\" parameter is invalid. " + std::string(what));
}

}  // namespace

std::int64_t int_value(std::string_view name, std::string_view text) {
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) {
        throw invalid(name, "The value must be an integer.");
    }
    return value;
}

bool bool_value(std::string_view name, std::string_view text) {
    static constexpr std::array<std::string_view, 7> truthy{"true", "True", "t", "yes",
                                                            "y",    "1",    "on"};
    static constexpr std::array<std::string_view, 7> falsy{"false", "False", "f",  "no",
                                                           "n",     "0",     "off"};
    for (auto t : truthy) {
        if (text == t) return true;
    }
    for (auto f : falsy) {
        if (text == f) return false;
    }
    throw invalid(name, "The value of the parameter must be \"true\" or \"false\".");
}

void append_list_items(std::string_view text, std::vector<std::string>& items) {
    while (!text.empty()) {
        auto comma = text.find(',');
        auto item = text.substr(0, comma);
        if (!item.empty()) items.emplace_back(item);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
}

std::optional<std::int64_t> int_param(const query_params& query, std::string_view name) {
    auto text = query.get(name);
    if (!text) return std::nullopt;
    return int_value(name, *text);
}

std::optional<bool> bool_param(const query_params& query, std::string_view name) {
    auto text = query.get(name);
    if (!text) return std::nullopt;
    return bool_value(name, *text);
}

std::optional<std::vector<std::string>> list_param(const query_params& query,
                                                   std::string_view name) {
    // falcon merges repeated keys (`ids=a&ids=b`, as python-requests sends lists) with
    // comma-separated values (`ids=a,b`).
    std::optional<std::vector<std::string>> items;
    for (const auto& [key, value] : query.all()) {
        if (key != name) continue;
        if (!items) items.emplace();
        append_list_items(value, *items);
    }
    return items;
}

std::optional<std::string> string_param(const query_params& query, std::string_view name) {
    auto text = query.get(name);
    if (!text) return std::nullopt;
    return std::string(*text);
}

}  // namespace marconi::api
