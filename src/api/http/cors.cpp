// Marconi.
#include "api/http/cors.hpp"

#include <algorithm>
#include <strings.h>
#include <utility>

namespace marconi::api {

namespace {

/// oslo's CORS.simple_headers: always allowed in a preflight's Access-Control-Request-Headers.
constexpr std::string_view simple_headers[] = {
    "Accept",           "Accept-Language", "Content-Type",  "Cache-Control",
    "Content-Language", "Expires",         "Last-Modified", "Pragma"};

// Header names as strings: g++ 12 -O2 warns (-Warray-bounds, a false positive, GCC PR 105329)
// when a std::string temporary is built from a literal longer than the small-string buffer.
const std::string allow_origin = "Access-Control-Allow-Origin";
const std::string allow_credentials = "Access-Control-Allow-Credentials";
const std::string expose_headers = "Access-Control-Expose-Headers";
const std::string max_age = "Access-Control-Max-Age";
const std::string allow_methods = "Access-Control-Allow-Methods";
const std::string allow_headers = "Access-Control-Allow-Headers";

bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// A comma-separated header value as its non-empty, trimmed items.
std::vector<std::string_view> split_list(std::string_view value) {
    std::vector<std::string_view> out;
    while (!value.empty()) {
        const auto comma = value.find(',');
        if (const auto item = trimmed(value.substr(0, comma)); !item.empty()) out.push_back(item);
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
    return out;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
    return out;
}

}  // namespace

cors_policy::cors_policy(cors_options options) : options_(std::move(options)) {}

const std::string* cors_policy::admitted(std::string_view origin) const {
    const std::string* wildcard = nullptr;
    for (const auto& allowed : options_.allowed_origin) {
        if (allowed == origin) return &allowed;
        if (allowed == "*") wildcard = &allowed;
    }
    return wildcard;
}

response cors_policy::preflight(const request& req, const std::string& allow) const {
    auto reply = response::empty(200);
    if (!allow.empty()) reply.with_header("Allow", allow);
    const auto origin = req.header("Origin");
    if (!origin) return reply;
    const auto* admitted_as = admitted(*origin);
    if (!admitted_as) return reply;
    const auto method = req.header("Access-Control-Request-Method");
    if (!method) return reply;
    const auto& methods = options_.allow_methods;
    if (std::find(methods.begin(), methods.end(), *method) == methods.end()) return reply;
    const auto requested = split_list(req.header("Access-Control-Request-Headers").value_or(""));
    for (const auto name : requested) {
        const auto permitted = [&](std::string_view allowed) { return same_name(allowed, name); };
        if (std::none_of(options_.allow_headers.begin(), options_.allow_headers.end(), permitted) &&
            std::none_of(std::begin(simple_headers), std::end(simple_headers), permitted)) {
            return reply;
        }
    }
    reply.with_header("Vary", "Origin");
    reply.with_header(allow_origin, *admitted_as);
    if (options_.allow_credentials) reply.with_header(allow_credentials, "true");
    if (options_.max_age > 0) {
        reply.with_header(max_age, std::to_string(options_.max_age));
    }
    reply.with_header(allow_methods, std::string(*method));
    if (!requested.empty()) {
        std::string names;
        for (const auto name : requested) names += (names.empty() ? "" : ",") + std::string(name);
        reply.with_header(allow_headers, names);
    }
    return reply;
}

void cors_policy::decorate(const request& req, response& reply) const {
    if (options_.allowed_origin.empty()) return;
    const auto origin = req.header("Origin");
    if (!origin) return;
    const auto* admitted_as = admitted(*origin);
    if (!admitted_as) return;
    const auto vary = std::find_if(reply.headers.begin(), reply.headers.end(),
                                   [](const auto& h) { return same_name(h.first, "Vary"); });
    if (vary != reply.headers.end()) {
        vary->second += ",Origin";
    } else {
        reply.with_header("Vary", "Origin");
    }
    reply.with_header(allow_origin, *admitted_as);
    if (options_.allow_credentials) reply.with_header(allow_credentials, "true");
    if (!options_.expose_headers.empty()) {
        reply.with_header(expose_headers, join(options_.expose_headers));
    }
}

}  // namespace marconi::api
