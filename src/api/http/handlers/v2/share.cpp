// Marconi. POST /v2/queues/{queue_name}/share: Zaqar's pre-signed URL grant (spec section 5.6;
// transport/wsgi/v2_0/urls.py), with its checks in its order and its wording.
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "api/codec/bodies.hpp"
#include "api/codec/render.hpp"
#include "api/http/handlers/v2/handlers.hpp"
#include "net/signed_url.hpp"
#include "storage/contract/error.hpp"

namespace marconi::api::v2 {

namespace json = boost::json;

namespace {

constexpr std::string_view sharable_resources[] = {"claims", "messages", "subscriptions"};

[[noreturn]] void refuse(std::string description) {
    throw core::error(core::errc::invalid_request, std::move(description));
}

/// Python's repr of a set of strings, as Zaqar's messages print it (sorted here, so the text
/// does not change between requests).
std::string python_set(const std::set<std::string>& items) {
    std::string out = "{";
    for (const auto& item : items) out += (out.size() > 1 ? ", '" : "'") + item + "'";
    return out + "}";
}

bool is_sharable(std::string_view resource) {
    return std::find(std::begin(sharable_resources), std::end(sharable_resources), resource) !=
           std::end(sharable_resources);
}

/// Python truthiness, for Zaqar's `if not paths` and `methods or ['GET']`.
bool is_falsy(const json::value& v) {
    if (v.is_null()) return true;
    if (v.is_bool()) return !v.get_bool();
    if (v.is_number()) return v.to_number<double>() == 0;
    if (v.is_string()) return v.get_string().empty();
    if (v.is_array()) return v.get_array().empty();
    return v.get_object().empty();
}

std::vector<std::string> full_paths(const json::object& doc, const std::string& queue_base) {
    const auto* given = doc.if_contains("paths");
    if (!given || is_falsy(*given)) return {queue_base + "/messages"};
    std::vector<std::string> paths;
    std::set<std::string> invalid;
    if (const auto* list = given->if_array()) {
        for (const auto& item : *list) {
            const auto* name = item.if_string();
            if (name && is_sharable(*name)) {
                paths.push_back(queue_base + "/" + std::string(*name));
            } else {
                invalid.insert(name ? std::string(*name) : json::serialize(item));
            }
        }
    } else {
        invalid.insert(json::serialize(*given));
    }
    if (!invalid.empty()) refuse("Invalid paths: " + python_set(invalid));
    return paths;
}

std::vector<std::string> methods_of(const json::object& doc) {
    const auto* given = doc.if_contains("methods");
    if (!given || is_falsy(*given)) return {"GET"};
    const auto* list = given->if_array();
    if (!list) refuse("`methods` should be a list");
    std::vector<std::string> methods;
    for (const auto& item : *list) {
        const auto* name = item.if_string();
        if (!name) refuse("`methods` should be a list of strings");
        methods.emplace_back(*name);
    }
    return methods;
}

/// Python's int(text) for what Zaqar tries first: surrounding blanks, a sign, digits.
std::optional<long long> python_int(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\n\r\f\v");
    if (first == std::string_view::npos) return std::nullopt;
    text = text.substr(first, text.find_last_not_of(" \t\n\r\f\v") - first + 1);
    if (text.starts_with('+')) text.remove_prefix(1);
    long long n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return n;
}

/// Python's int() of a JSON bool or number, when it fits a long long (nullopt otherwise, and
/// for other kinds): 1e300 would not fit, and casting it would be undefined.
std::optional<long long> python_int_of(const json::value& v) {
    if (v.is_bool()) return v.get_bool() ? 1 : 0;
    if (v.is_int64()) return v.get_int64();
    if (!v.is_double()) return std::nullopt;
    const double whole = std::trunc(v.get_double());
    constexpr double bound = 9.2e18;  // just under 2^63
    if (!(std::abs(whole) < bound)) return std::nullopt;
    return static_cast<long long>(whole);
}

[[noreturn]] void refuse_integer(long long n) {
    refuse(
        "`expires` should be date format, for example 2016-01-01T00:00:00, not integer "
        "value: " +
        std::to_string(n));
}

std::string expires_of(const json::object& doc, time_point now) {
    const auto now_seconds = std::chrono::floor<std::chrono::seconds>(now);
    const auto* given = doc.if_contains("expires");
    if (!given || given->is_null()) {
        return signing::format_expires(now_seconds + std::chrono::days{1});
    }
    const auto* text = given->if_string();
    if (!text) {
        // Zaqar tries int() first; a non-zero number is refused with that message.
        if (const auto n = python_int_of(*given); n && *n != 0) refuse_integer(*n);
        refuse("`expires` should be a date string, for example 2016-01-01T00:00:00");
    }
    if (const auto n = python_int(*text); n && *n != 0) refuse_integer(*n);
    const auto expires = signing::parse_expires(*text);
    if (!expires) refuse("Unable to parse date string '" + std::string(*text) + "'");
    if (*expires <= now) refuse("`expires` is lower than the current time");
    return signing::format_expires(*expires);
}

}  // namespace

net::awaitable<response> post_queue_share(request_context& ctx, const request& req) {
    const auto queue = queue_of(ctx, req);
    const auto doc = parse_json_object(req.body);
    std::set<std::string> unknown;
    for (const auto& entry : doc) {
        if (entry.key() != "paths" && entry.key() != "methods" && entry.key() != "expires") {
            unknown.insert(std::string(entry.key()));
        }
    }
    if (!unknown.empty()) refuse("Unknown keys: " + python_set(unknown));

    signing::url_grant grant;
    grant.paths = full_paths(doc, queue_path(queue.name));
    if (ctx.signed_url_key.empty()) refuse("The `key` can't be None");
    grant.methods = methods_of(doc);
    grant.project = ctx.project.value();
    grant.expires = expires_of(doc, ctx.clock.now());
    std::sort(grant.paths.begin(), grant.paths.end());
    std::sort(grant.methods.begin(), grant.methods.end());

    const auto signature = signing::sign(ctx.signed_url_key, grant);
    json::object body{{"paths", json::array(grant.paths.begin(), grant.paths.end())},
                      {"methods", json::array(grant.methods.begin(), grant.methods.end())},
                      {"project", grant.project},
                      {"expires", grant.expires},
                      {"signature", signature}};
    co_return response::json(200, json::serialize(body));
}

}  // namespace marconi::api::v2
