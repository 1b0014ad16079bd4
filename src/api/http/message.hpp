// Marconi. Transport-neutral request and response: what handlers see instead of Beast types, so
// the WebSocket transport can build the same request and call the same handler.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace marconi::api {

enum class method { get, head, post, put, patch, delete_, options, other };

std::string_view to_string(method m);

/// A decoded query string: `?a=1&b=x` as ordered (key, value) pairs, percent-decoded.
class query_params {
public:
    query_params() = default;
    /// `encoded_query` must be NUL-terminated text (see listener.cpp's to_request).
    explicit query_params(const std::string& encoded_query);

    /// The first value of `key`, if present.
    std::optional<std::string_view> get(std::string_view key) const;
    bool contains(std::string_view key) const { return get(key).has_value(); }
    const std::vector<std::pair<std::string, std::string>>& all() const { return params_; }

private:
    std::vector<std::pair<std::string, std::string>> params_;
};

/// One HTTP (or WebSocket-framed) request, owned, with the headers handlers may consult.
struct request {
    api::method method = method::get;
    std::string path;  ///< decoded path without the query, e.g. /v2/queues/q1/messages
    query_params query;
    std::vector<std::pair<std::string, std::string>> headers;  ///< names as sent
    std::string body;
    std::vector<std::string> path_params;  ///< filled by the router, in template order

    /// Case-insensitive header lookup: the first field with this name.
    std::optional<std::string_view> header(std::string_view name) const;
    /// How many fields carry this name (case-insensitive).
    std::size_t header_count(std::string_view name) const;
};

struct response {
    unsigned status = 200;
    std::string content_type = "application/json";  ///< empty: no Content-Type, no body
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  ///< Location, Allow, ...

    static response json(unsigned status, std::string body) {
        return response{status, "application/json", std::move(body), {}};
    }
    static response empty(unsigned status) { return response{status, {}, {}, {}}; }
    response& with_header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
};

}  // namespace marconi::api
