// Marconi.
#include "api/http/message.hpp"

#include <boost/url/parse_query.hpp>
#include <strings.h>

namespace marconi::api {

std::string_view to_string(method m) {
    switch (m) {
        case method::get: return "GET";
        case method::head: return "HEAD";
        case method::post: return "POST";
        case method::put: return "PUT";
        case method::patch: return "PATCH";
        case method::delete_: return "DELETE";
        case method::options: return "OPTIONS";
        case method::other: break;
    }
    return "OTHER";
}

query_params::query_params(const std::string& encoded_query) {
    auto parsed = boost::urls::parse_query(encoded_query);
    if (!parsed) return;  // an unparsable query reads as empty; validation reports what's missing
    auto decoded = [](boost::urls::pct_string_view text) {
        // The query grammar of a form: '+' stands for a space (falcon decodes it the same way).
        return text.decode(boost::urls::encoding_opts(/*space_as_plus=*/true));
    };
    for (auto param : *parsed) {
        params_.emplace_back(decoded(param.key),
                             param.has_value ? decoded(param.value) : std::string{});
    }
}

std::optional<std::string_view> query_params::get(std::string_view key) const {
    for (const auto& [k, v] : params_) {
        if (k == key) return v;
    }
    return std::nullopt;
}

namespace {

bool same_field_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::optional<std::string_view> request::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (same_field_name(k, name)) return v;
    }
    return std::nullopt;
}

std::size_t request::header_count(std::string_view name) const {
    std::size_t count = 0;
    for (const auto& [k, v] : headers) count += same_field_name(k, name) ? 1 : 0;
    return count;
}

}  // namespace marconi::api
