// Marconi.
#include "api/http/beast_adapter.hpp"

#include <boost/url/parse.hpp>
#include <string>

#include "storage/contract/error.hpp"

namespace marconi::api {

namespace http = boost::beast::http;

method to_method(http::verb verb) {
    switch (verb) {
        case http::verb::get: return method::get;
        case http::verb::head: return method::head;
        case http::verb::post: return method::post;
        case http::verb::put: return method::put;
        case http::verb::patch: return method::patch;
        case http::verb::delete_: return method::delete_;
        case http::verb::options: return method::options;
        default: return method::other;
    }
}

request to_request(beast_request&& in) {
    request out;
    out.method = to_method(in.method());
    // Debian's compiled Boost.URL 1.81 measures its string_view argument with strlen (seen under
    // ASan), so it must only ever see NUL-terminated text: parse an owned copy of the target.
    const std::string target_text{in.target()};
    auto target = boost::urls::parse_origin_form(target_text);
    if (!target) throw core::error(core::errc::invalid_request, "The request target is malformed.");
    out.path = std::string(target->path());
    if (target->has_query()) out.query = query_params(std::string(target->encoded_query()));
    out.headers.reserve(8);
    for (const auto& field : in) {
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(in.body());
    return out;
}

beast_response to_beast(response&& in, unsigned version, bool keep_alive, bool head) {
    beast_response out{static_cast<http::status>(in.status), version};
    out.set(http::field::server, "marconi");
    if (!in.content_type.empty()) out.set(http::field::content_type, in.content_type);
    for (auto& [name, value] : in.headers) out.insert(name, value);
    out.keep_alive(keep_alive);
    if (!head) out.body() = std::move(in.body);
    out.prepare_payload();
    return out;
}

}  // namespace marconi::api
