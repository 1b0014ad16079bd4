// Marconi.
#include "api/ws/actions.hpp"

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <span>
#include <vector>

#include "api/codec/error_mapping.hpp"
#include "common/json_depth.hpp"
#include "storage/contract/error.hpp"
#include "core/validation.hpp"

namespace marconi::api::ws {

namespace json = boost::json;

namespace {

enum class json_type { string, integer, boolean, array, object };

struct field {
    std::string_view name;
    json_type type;
    bool required = false;
};

/// One action of Zaqar's v2 RequestSchema (api/v1/request.py, v1_1, v2).
struct action_schema {
    std::string_view name;
    bool body_required;          ///< 'body' is in the frame's required keys
    bool auth_headers;           ///< authenticate: X-Project-ID and X-Auth-Token required
    std::vector<field> body;     ///< the body's declared properties
};

const std::vector<action_schema>& schemas() {
    using t = json_type;
    const field queue{"queue_name", t::string, true};
    static const std::vector<action_schema> all{
        {"get_home_doc", false, false, {}},
        {"check_node_health", false, false, {}},
        {"ping_node", false, false, {}},
        {"authenticate", false, true, {}},
        {"queue_list", false, false,
         {{"marker", t::string}, {"limit", t::integer}, {"detailed", t::boolean}}},
        {"queue_create", true, false, {queue}},
        {"queue_delete", true, false, {queue}},
        {"queue_get", true, false, {queue}},
        {"queue_get_stats", true, false, {queue}},
        {"queue_purge", true, false, {queue, {"resource_types", t::array}}},
        {"message_list", true, false,
         {queue, {"marker", t::string}, {"limit", t::integer}, {"echo", t::boolean},
          {"include_claimed", t::boolean}}},
        {"message_get", true, false, {queue, {"message_id", t::string, true}}},
        {"message_get_many", true, false, {queue, {"message_ids", t::array, true}}},
        {"message_post", true, false, {queue, {"messages", t::array, true}}},
        {"message_delete", true, false,
         {queue, {"message_id", t::string, true}, {"claim_id", t::string}}},
        {"message_delete_many", true, false,
         {queue, {"message_ids", t::array}, {"claim_ids", t::array}, {"pop", t::integer}}},
        {"claim_create", true, false,
         {queue, {"limit", t::integer}, {"ttl", t::integer}, {"grace", t::integer}}},
        {"claim_get", true, false, {queue, {"claim_id", t::string, true}}},
        {"claim_update", true, false,
         {queue, {"claim_id", t::string, true}, {"ttl", t::integer}}},
        {"claim_delete", true, false, {queue, {"claim_id", t::string, true}}},
        {"pool_list", true, false,
         {{"pool_name", t::string, true}, {"limit", t::integer}, {"marker", t::string}}},
        {"pool_create", true, false,
         {{"pool_name", t::string, true}, {"weight", t::integer}, {"uri", t::string},
          {"options", t::object}}},
        {"pool_update", true, false,
         {{"pool_name", t::string, true}, {"weight", t::integer}, {"uri", t::string},
          {"options", t::object}}},
        {"pool_get", true, false, {{"pool_name", t::string, true}, {"detailed", t::boolean}}},
        {"pool_delete", true, false, {{"pool_name", t::string, true}}},
        {"flavor_list", true, false,
         {{"flavor_name", t::string, true}, {"limit", t::integer}, {"marker", t::string}}},
        {"flavor_create", true, false,
         {{"flavor_name", t::string, true}, {"pool_name", t::string, true},
          {"capabilities", t::object}}},
        {"flavor_update", true, false,
         {{"flavor_name", t::string, true}, {"pool_name", t::string},
          {"capabilities", t::object}}},
        {"flavor_get", true, false, {{"flavor_name", t::string, true}, {"detailed", t::boolean}}},
        {"flavor_delete", true, false, {{"flavor_name", t::string, true}}},
        {"subscription_list", true, false, {queue}},
        {"subscription_create", true, false,
         {queue, {"subscriber", t::string}, {"ttl", t::integer}, {"options", t::object}}},
        {"subscription_delete", true, false, {queue, {"subscription_id", t::string, true}}},
        {"subscription_get", true, false, {queue, {"subscription_id", t::string, true}}},
    };
    return all;
}

const action_schema* find_schema(std::string_view action) {
    for (const auto& s : schemas()) {
        if (s.name == action) return &s;
    }
    return nullptr;
}

/// jsonschema Draft 4 types: a boolean is no integer, nor is 1.0.
bool has_type(const json::value& v, json_type type) {
    switch (type) {
    case json_type::string: return v.is_string();
    case json_type::integer: return v.is_int64() || v.is_uint64();
    case json_type::boolean: return v.is_bool();
    case json_type::array: return v.is_array();
    case json_type::object: return v.is_object();
    }
    return false;
}

bool valid_headers(const json::value* headers, const action_schema& schema) {
    if (!headers) return false;  // every action requires them
    if (!headers->is_object()) return false;
    const auto& h = headers->get_object();
    for (std::string_view name :
         {"User-Agent", "Date", "Accept", "Client-ID", "X-Project-ID", "X-Auth-Token"}) {
        if (const auto* v = h.if_contains(name); v && !v->is_string()) return false;
    }
    if (schema.name == "get_home_doc" || schema.name == "check_node_health" ||
        schema.name == "ping_node") {
        return true;  // their schemas require no header
    }
    const std::string_view second = schema.auth_headers ? "X-Auth-Token" : "Client-ID";
    return h.contains("X-Project-ID") && h.contains(second);
}

bool valid_body(const json::value* body, const action_schema& schema) {
    if (!body) return !schema.body_required;
    if (schema.body.empty()) return true;  // no declared body: anything goes
    if (!body->is_object()) return false;
    const auto& b = body->get_object();
    for (const auto& f : schema.body) {
        const auto* v = b.if_contains(f.name);
        if (!v) {
            if (f.required) return false;
            continue;
        }
        if (!has_type(*v, f.type)) return false;
    }
    return true;
}

/// How Python prints the action Zaqar failed to find: None for a missing one.
std::string python_repr(const json::value* action) {
    if (!action || action->is_null()) return "None";
    if (action->is_string()) return std::string(action->get_string());
    if (action->is_bool()) return action->get_bool() ? "True" : "False";
    return json::serialize(*action);
}

std::string encoded(std::string_view text) {
    return boost::urls::encode(text, boost::urls::unreserved_chars);
}

/// Query text: key=value pairs, percent-encoded, NUL-terminated as query_params wants.
class query_builder {
public:
    void add(std::string_view key, std::string_view value) {
        if (!text_.empty()) text_ += '&';
        text_ += key;
        text_ += '=';
        text_ += encoded(value);
    }
    const std::string& text() const { return text_; }

private:
    std::string text_;
};

/// A body value as query text: strings as they are, booleans as true/false, numbers printed.
std::string as_text(const json::value& v) {
    if (v.is_string()) return std::string(v.get_string());
    return json::serialize(v);
}

std::string joined(const json::array& items) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += ',';
        out += as_text(item);
    }
    return out;
}

void copy_if_present(const json::object& from, json::object& to, std::string_view key) {
    if (const auto* v = from.if_contains(key)) to[key] = *v;
}

/// A path parameter must be one non-empty segment; refuses one that is not with the error the
/// matching HTTP route would give for a bad value.
std::optional<reply> bad_segment(std::string_view name, std::string_view value) {
    if (!value.empty() && value.find('/') == std::string_view::npos) return std::nullopt;
    std::optional<core::errc> code;  // nullopt: no route, as for an HTTP path with a bad segment
    if (name == "queue_name") {
        try {
            core::validate_queue_name(value);
        } catch (const core::error& e) {
            return to_reply(frame{}, error_response(e));
        }
    } else if (name == "message_id") {
        code = core::errc::message_not_found;
    } else if (name == "claim_id") {
        code = core::errc::claim_not_found;
    } else if (name == "subscription_id") {
        code = core::errc::subscription_not_found;
    }
    if (!code) {
        return to_reply(frame{}, error_response(transport_error(transport_errc::route_not_found,
                                                                "Not found.")));
    }
    return to_reply(frame{}, error_response(core::error(*code, "Not found.")));
}

std::string string_field(const json::object& body, std::string_view key) {
    const auto* v = body.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string{};
}

/// Zaqar's api_utils.format_message.
json::value format_message(const json::value& m, const json::value& claim_id) {
    if (!m.is_object()) return m;
    const auto& o = m.as_object();
    json::object out;
    for (std::string_view key : {"id", "claim_id", "ttl", "age", "body"}) {
        if (key == "claim_id") {
            out["claim_id"] = claim_id;
        } else if (const auto* v = o.if_contains(key)) {
            out[key] = *v;
        }
    }
    return out;
}

json::array format_messages(const json::value* list, const json::value& claim_id) {
    json::array out;
    if (list && list->is_array()) {
        for (const auto& m : list->get_array()) out.push_back(format_message(m, claim_id));
    }
    return out;
}

/// The last path segment of a URL, without its query: the id in an href or Location.
std::string last_segment(std::string_view url) {
    url = url.substr(0, url.find('?'));
    return std::string(url.substr(url.rfind('/') + 1));
}

std::optional<std::string_view> header_of(const api::response& out, std::string_view name) {
    for (const auto& [key, value] : out.headers) {
        if (key == name) return value;
    }
    return std::nullopt;
}

}  // namespace

reply error_reply(unsigned status, std::string_view message) {
    return reply{status, json::object{{"error", message}}};
}

std::optional<reply> check_frame(const json::object& payload) {
    const auto* action = payload.if_contains("action");
    const auto* schema =
        action && action->is_string() ? find_schema(action->get_string()) : nullptr;
    if (!schema) return error_reply(400, python_repr(action) + " is not a valid action");
    if (!valid_headers(payload.if_contains("headers"), *schema) ||
        !valid_body(payload.if_contains("body"), *schema)) {
        return error_reply(400, "Schema validation failed.");
    }
    return std::nullopt;
}

frame frame_of(const json::object& payload) {
    frame f;
    f.action = std::string(payload.at("action").get_string());
    if (const auto* h = payload.if_contains("headers"); h && h->is_object()) {
        f.headers = h->get_object();
    }
    if (const auto* b = payload.if_contains("body"); b && b->is_object()) f.body = b->get_object();
    return f;
}

mapped to_request(const frame& f, std::string_view subscriber) {
    const auto& body = f.body;
    const auto& action = f.action;
    api::request req;
    query_builder query;
    std::optional<json::object> http_body;

    std::string path = "/v2";
    const auto segment = [&](std::string_view name) -> std::optional<reply> {
        const auto value = string_field(body, name);
        if (auto bad = bad_segment(name, value)) return bad;
        path += '/';
        path += value;
        return std::nullopt;
    };
    const auto in_queue = [&](std::string_view rest) -> std::optional<reply> {
        path += "/queues";
        if (auto bad = segment("queue_name")) return bad;
        path += rest;
        return std::nullopt;
    };
#define MARCONI_WS_TRY(step) \
    if (auto refused = (step)) return mapped{std::nullopt, std::move(refused)}

    if (action == "get_home_doc") {
        req.method = method::get;
    } else if (action == "ping_node") {
        req.method = method::get;
        path += "/ping";
    } else if (action == "check_node_health") {
        req.method = method::get;
        path += "/health";
    } else if (action == "queue_list") {
        req.method = method::get;
        path += "/queues";
        for (std::string_view key : {"marker", "limit", "detailed"}) {
            if (const auto* v = body.if_contains(key)) query.add(key, as_text(*v));
        }
    } else if (action == "queue_create") {
        req.method = method::put;
        MARCONI_WS_TRY(in_queue(""));
        if (const auto* metadata = body.if_contains("metadata")) {
            req.body = json::serialize(*metadata);
        } else {
            http_body.emplace();
        }
    } else if (action == "queue_get" || action == "queue_delete") {
        req.method = action == "queue_get" ? method::get : method::delete_;
        MARCONI_WS_TRY(in_queue(""));
    } else if (action == "queue_get_stats") {
        req.method = method::get;
        MARCONI_WS_TRY(in_queue("/stats"));
    } else if (action == "queue_purge") {
        req.method = method::post;
        MARCONI_WS_TRY(in_queue("/purge"));
        // Zaqar's queue_purge purges both when the frame names neither.
        http_body.emplace();
        (*http_body)["resource_types"] = json::array{"messages", "subscriptions"};
        copy_if_present(body, *http_body, "resource_types");
    } else if (action == "message_list") {
        req.method = method::get;
        MARCONI_WS_TRY(in_queue("/messages"));
        for (std::string_view key :
             {"marker", "limit", "echo", "include_claimed", "include_delayed"}) {
            if (const auto* v = body.if_contains(key)) query.add(key, as_text(*v));
        }
    } else if (action == "message_get" || action == "message_delete") {
        req.method = action == "message_get" ? method::get : method::delete_;
        MARCONI_WS_TRY(in_queue("/messages"));
        MARCONI_WS_TRY(segment("message_id"));
        if (action == "message_delete") {
            if (const auto* claim = body.if_contains("claim_id")) {
                query.add("claim_id", as_text(*claim));
            }
        }
    } else if (action == "message_get_many") {
        req.method = method::get;
        MARCONI_WS_TRY(in_queue("/messages"));
        query.add("ids", joined(body.at("message_ids").get_array()));
    } else if (action == "message_post") {
        req.method = method::post;
        MARCONI_WS_TRY(in_queue("/messages"));
        http_body.emplace();
        copy_if_present(body, *http_body, "messages");
    } else if (action == "message_delete_many") {
        req.method = method::delete_;
        MARCONI_WS_TRY(in_queue("/messages"));
        if (const auto* ids = body.if_contains("message_ids")) {
            query.add("ids", joined(ids->get_array()));
        }
        if (const auto* claims = body.if_contains("claim_ids")) {
            query.add("claim_ids", joined(claims->get_array()));
        }
        if (const auto* pop = body.if_contains("pop")) query.add("pop", as_text(*pop));
    } else if (action == "claim_create") {
        req.method = method::post;
        MARCONI_WS_TRY(in_queue("/claims"));
        if (const auto* limit = body.if_contains("limit")) query.add("limit", as_text(*limit));
        http_body.emplace();
        copy_if_present(body, *http_body, "ttl");
        copy_if_present(body, *http_body, "grace");
    } else if (action == "claim_get" || action == "claim_update" || action == "claim_delete") {
        req.method = action == "claim_get"      ? method::get
                     : action == "claim_update" ? method::patch
                                                : method::delete_;
        MARCONI_WS_TRY(in_queue("/claims"));
        MARCONI_WS_TRY(segment("claim_id"));
        if (action == "claim_update") {
            http_body.emplace();
            copy_if_present(body, *http_body, "ttl");
            copy_if_present(body, *http_body, "grace");
        }
    } else if (action == "subscription_list" || action == "subscription_create") {
        req.method = action == "subscription_list" ? method::get : method::post;
        MARCONI_WS_TRY(in_queue("/subscriptions"));
        if (action == "subscription_create") {
            http_body.emplace();
            const auto given = string_field(body, "subscriber");
            (*http_body)["subscriber"] = given.empty() ? std::string(subscriber) : given;
            copy_if_present(body, *http_body, "ttl");
            copy_if_present(body, *http_body, "options");
        }
    } else if (action == "subscription_get" || action == "subscription_delete") {
        req.method = action == "subscription_get" ? method::get : method::delete_;
        MARCONI_WS_TRY(in_queue("/subscriptions"));
        MARCONI_WS_TRY(segment("subscription_id"));
    } else {
        // pool_* and flavor_*: Zaqar 15 validates them but has no endpoint to run them.
        return mapped{std::nullopt,
                      error_reply(501, "The " + action + " action is not implemented; use "
                                       "the HTTP admin API.")};
    }
#undef MARCONI_WS_TRY

    req.path = std::move(path);
    req.query = api::query_params(query.text());
    if (http_body) req.body = json::serialize(*http_body);
    if (!req.body.empty()) req.headers.emplace_back("Content-Type", "application/json");
    for (const auto& [name, value] : f.headers) {
        if (value.is_string()) {
            req.headers.emplace_back(name, value.get_string());
        } else if (value.is_array()) {
            // URL-Paths and URL-Methods come as lists, as /share answered them.
            req.headers.emplace_back(name, joined(value.get_array()));
        }
    }
    return mapped{std::move(req), std::nullopt};
}

reply to_reply(const frame& f, const api::response& out) {
    json::value parsed;
    if (!out.body.empty()) {
        boost::system::error_code ec;
        parsed = parse_own_json(out.body, ec);
        if (ec) parsed = json::string(out.body);
    }
    const auto status = out.status;
    if (status >= 400) {
        if (f.action == "subscription_create" && status == 409) {
            return reply{409, json::string("Subscription " + string_field(f.body, "queue_name") +
                                           " not created.")};
        }
        json::object error;
        if (parsed.is_object()) {
            const auto& o = parsed.get_object();
            if (const auto* d = o.if_contains("description")) error["error"] = *d;
            if (const auto* t = o.if_contains("title")) error["exception"] = *t;
        }
        if (error.empty()) error["error"] = parsed;
        return reply{status, std::move(error)};
    }

    const auto& action = f.action;
    const auto* fields = parsed.if_object();
    const auto field = [&](std::string_view key) -> const json::value* {
        return fields ? fields->if_contains(key) : nullptr;
    };
    const auto queue = string_field(f.body, "queue_name");
    if (action == "queue_list") {
        const auto* queues = field("queues");
        return reply{200, json::object{{"queues", queues ? *queues : json::array{}}}};
    }
    if (action == "queue_create") return reply{status, json::string("Queue " + queue + " created.")};
    if (action == "queue_delete") return reply{status, json::string("Queue " + queue + " removed.")};
    if (action == "message_list") {
        return reply{200, json::object{{"messages", format_messages(field("messages"), nullptr)}}};
    }
    if (action == "message_get") {
        return reply{200, json::object{{"messages", format_message(parsed, nullptr)}}};
    }
    if (action == "message_get_many") {
        return reply{200, json::object{{"messages", format_messages(field("messages"), nullptr)}}};
    }
    if (action == "message_post") {
        json::array ids;
        if (const auto* resources = field("resources"); resources && resources->is_array()) {
            for (const auto& href : resources->get_array()) {
                if (href.is_string()) ids.emplace_back(last_segment(href.get_string()));
            }
        }
        return reply{status, json::object{{"message_ids", std::move(ids)}}};
    }
    if (action == "message_delete" || action == "queue_purge") return reply{status, json::object{}};
    if (action == "message_delete_many") {
        if (status == 204 || parsed.is_null()) return reply{204, json::object{}};
        return reply{status, parsed};
    }
    if (action == "claim_create") {
        if (status != 201) return reply{204, json::object{{"claim_id", nullptr}}};
        const auto location = header_of(out, "Location");
        const json::value claim_id = json::string(location ? last_segment(*location) : "");
        return reply{201, json::object{{"claim_id", claim_id},
                                       {"messages", format_messages(field("messages"), claim_id)}}};
    }
    if (action == "claim_get") {
        json::object meta = fields ? *fields : json::object{};
        meta.erase("href");
        const json::value claim_id = json::string(string_field(f.body, "claim_id"));
        meta["messages"] = format_messages(field("messages"), claim_id);
        return reply{200, std::move(meta)};
    }
    if (action == "claim_update") {
        return reply{status, json::string("Claim " + string_field(f.body, "claim_id") + " updated.")};
    }
    if (action == "claim_delete") {
        return reply{status, json::string("Claim " + string_field(f.body, "claim_id") + " deleted.")};
    }
    if (action == "subscription_list") {
        const auto* subscriptions = field("subscriptions");
        return reply{200, json::object{{"subscriptions",
                                        subscriptions ? *subscriptions : json::array{}}}};
    }
    if (action == "subscription_create") {
        const auto* id = field("subscription_id");
        return reply{status, json::object{{"subscription_id", id ? *id : json::value(nullptr)},
                                          {"message", "Subscription " + queue + " created."}}};
    }
    if (action == "subscription_delete") {
        return reply{status, json::string("Subscription " + string_field(f.body, "subscription_id") +
                                          " removed.")};
    }
    // queue_get, queue_get_stats, subscription_get, the home document, ping and health: the
    // HTTP body as it is.
    return reply{status, parsed.is_null() ? json::value(json::object{}) : parsed};
}

json::object envelope(const json::object& request, const reply& r) {
    json::object echoed;
    const auto* action = request.if_contains("action");
    echoed["action"] = action ? *action : json::value(nullptr);
    const auto* body = request.if_contains("body");
    echoed["body"] = body ? *body : json::value(json::object{});
    const auto* headers = request.if_contains("headers");
    echoed["headers"] = headers && !headers->is_null() ? *headers : json::value(json::object{});
    echoed["api"] = "v2";
    return json::object{{"request", std::move(echoed)},
                        {"headers", json::object{{"status", r.status}}},
                        {"body", r.body}};
}

}  // namespace marconi::api::ws
