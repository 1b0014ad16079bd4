// Marconi bench: decoding the few server responses the roles look inside.
#include "responses.hpp"

#include <boost/json.hpp>

namespace marconi::bench {

namespace json = boost::json;

namespace {

const json::array* messages_of(const json::value& v) {
    const auto* obj = v.if_object();
    if (!obj) return nullptr;
    const auto* m = obj->if_contains("messages");
    return m ? m->if_array() : nullptr;
}

}  // namespace

bool parse_claim(std::string_view body, json_scratch& scratch, std::vector<claimed_message>& out,
                 std::size_t& count) {
    count = 0;
    json::monotonic_resource mr(scratch.data(), scratch.size());
    boost::system::error_code ec;
    const auto v = json::parse(body, ec, &mr);
    if (ec) return false;
    const auto* messages = messages_of(v);
    if (!messages) return false;
    if (out.size() < messages->size()) out.resize(messages->size());
    for (const auto& m : *messages) {
        const auto* obj = m.if_object();
        if (!obj) return false;
        const auto* id = obj->if_contains("id");
        const auto* href = obj->if_contains("href");
        if (!id || !href || !id->is_string() || !href->is_string()) return false;
        out[count].id.assign(id->get_string());
        out[count].href.assign(href->get_string());
        ++count;
    }
    return true;
}

bool parse_listing(std::string_view body, json_scratch& scratch, std::size_t& count,
                   std::optional<std::string>& next) {
    count = 0;
    next.reset();
    json::monotonic_resource mr(scratch.data(), scratch.size());
    boost::system::error_code ec;
    const auto v = json::parse(body, ec, &mr);
    if (ec) return false;
    const auto* messages = messages_of(v);
    if (!messages) return false;
    count = messages->size();
    if (const auto* links = v.as_object().if_contains("links"); links && links->is_array()) {
        for (const auto& link : links->get_array()) {
            const auto* obj = link.if_object();
            if (!obj) continue;
            const auto* rel = obj->if_contains("rel");
            const auto* href = obj->if_contains("href");
            if (rel && href && rel->is_string() && href->is_string() && rel->get_string() == "next")
                next.emplace(href->get_string());
        }
    }
    return true;
}

std::optional<std::int64_t> parse_stats_total(std::string_view body) {
    boost::system::error_code ec;
    const auto v = json::parse(body, ec);
    if (ec || !v.is_object()) return std::nullopt;
    const auto* m = v.as_object().if_contains("messages");
    if (!m || !m->is_object()) return std::nullopt;
    const auto* total = m->as_object().if_contains("total");
    if (!total || !total->is_int64()) return std::nullopt;
    return total->get_int64();
}

std::size_t count_posted(std::string_view body) {
    // {"resources":["/v2/queues/q/messages/id1", ...]}: one "/messages/" per resource.
    std::size_t n = 0;
    for (auto pos = body.find("/messages/"); pos != std::string_view::npos;
         pos = body.find("/messages/", pos + 10))
        ++n;
    return n;
}

}  // namespace marconi::bench
