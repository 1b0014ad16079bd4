// Marconi.
#include "api/http/handlers/legacy_listing.hpp"

#include <algorithm>

#include "api/codec/query.hpp"

namespace marconi::api {

given_parameters given_listing_parameters(const request& req,
                                          std::initializer_list<std::string_view> keys) {
    given_parameters given;
    for (auto key : keys) {
        if (key == "marker") {
            if (auto marker = string_param(req.query, key)) given.emplace_back(key, *marker);
        } else if (key == "limit") {
            if (auto limit = int_param(req.query, key))
                given.emplace_back(key, std::to_string(*limit));
        } else if (auto flag = bool_param(req.query, key)) {
            given.emplace_back(key, *flag ? "true" : "false");
        }
    }
    return given;
}

std::string legacy_next_href(const request& req, given_parameters given,
                             const std::string& next_marker) {
    auto marker = std::find_if(given.begin(), given.end(),
                               [](const auto& entry) { return entry.first == "marker"; });
    if (marker != given.end()) {
        marker->second = next_marker;
    } else {
        given.emplace_back("marker", next_marker);
    }
    std::string href{req.path};
    char separator = '?';
    for (const auto& [key, value] : given) {
        href += separator;
        href += key;
        href += '=';
        href += value;
        separator = '&';
    }
    return href;
}

}  // namespace marconi::api
