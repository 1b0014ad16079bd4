// Marconi.
#include "api/codec/home_document.hpp"

#include <boost/json/serialize.hpp>

namespace marconi::api {

namespace json = boost::json;

namespace {

/// One json-home (draft-nottingham-json-home-03) resource entry.
json::object resource(std::string_view href_template, json::object vars,
                      std::initializer_list<std::string_view> allow) {
    json::array methods;
    for (auto m : allow) methods.emplace_back(m);
    return json::object{
        {"href-template", href_template},
        {"href-vars", std::move(vars)},
        {"hints", json::object{{"allow", std::move(methods)},
                               {"formats", json::object{{"application/json", json::object{}}}}}}};
}

json::object build_home_document(bool admin_mode) {
    const std::string rel = "rel/";
    const json::object queue_var{{"queue_name", "param/queue_name"}};
    auto with = [&](std::initializer_list<std::pair<std::string_view, std::string_view>> extra) {
        json::object vars = queue_var;
        for (auto [k, v] : extra) vars[k] = v;
        return vars;
    };
    json::object resources{
        {"rel/queues", resource("/v2/queues{?marker,limit,detailed}",
                                {{"marker", "param/marker"},
                                 {"limit", "param/queue_limit"},
                                 {"detailed", "param/detailed"}},
                                {"GET"})},
        {"rel/queue",
         resource("/v2/queues/{queue_name}", queue_var, {"GET", "PUT", "PATCH", "DELETE"})},
        {"rel/queue_stats", resource("/v2/queues/{queue_name}/stats", queue_var, {"GET"})},
        {"rel/queue_purge", resource("/v2/queues/{queue_name}/purge", queue_var, {"POST"})},
        {"rel/queue_share", resource("/v2/queues/{queue_name}/share", queue_var, {"POST"})},
        {"rel/messages",
         resource("/v2/queues/{queue_name}/messages{?marker,limit,echo,include_claimed}",
                  with({{"marker", "param/marker"},
                        {"limit", "param/messages_limit"},
                        {"echo", "param/echo"},
                        {"include_claimed", "param/include_claimed"}}),
                  {"GET"})},
        {"rel/post_messages", resource("/v2/queues/{queue_name}/messages", queue_var, {"POST"})},
        {"rel/messages_delete",
         resource("/v2/queues/{queue_name}/messages{?ids,pop}",
                  with({{"ids", "param/ids"}, {"pop", "param/pop"}}), {"DELETE"})},
        {"rel/message_get", resource("/v2/queues/{queue_name}/messages/{message_id}",
                                     with({{"message_id", "param/message_id"}}), {"GET"})},
        {"rel/message_delete",
         resource("/v2/queues/{queue_name}/messages/{message_id}{?claim}",
                  with({{"message_id", "param/message_id"}, {"claim", "param/claim_id"}}),
                  {"DELETE"})},
        {"rel/claim", resource("/v2/queues/{queue_name}/claims/{claim_id}",
                               with({{"claim_id", "param/claim_id"}}), {"GET"})},
        {"rel/post_claim", resource("/v2/queues/{queue_name}/claims{?limit}",
                                    with({{"limit", "param/claim_limit"}}), {"POST"})},
        {"rel/patch_claim", resource("/v2/queues/{queue_name}/claims/{claim_id}",
                                     with({{"claim_id", "param/claim_id"}}), {"PATCH"})},
        {"rel/delete_claim", resource("/v2/queues/{queue_name}/claims/{claim_id}",
                                      with({{"claim_id", "param/claim_id"}}), {"DELETE"})},
        {"rel/subscriptions_get",
         resource("/v2/queues/{queue_name}/subscriptions{?marker,limit}",
                  with({{"marker", "param/marker"}, {"limit", "param/subscription_limit"}}),
                  {"GET"})},
        {"rel/subscriptions_post",
         resource("/v2/queues/{queue_name}/subscriptions",
                  with({{"limit", "param/subscription_limit"}}), {"POST"})},
        {"rel/subscription",
         resource("/v2/queues/{queue_name}/subscriptions/{subscriptions_id}",
                  with({{"subscriptions_id", "param/subscriptions_id"}}), {"GET", "DELETE"})},
        {"rel/subscription_patch",
         resource("/v2/queues/{queue_name}/subscriptions/{subscriptions_id}",
                  with({{"subscriptions_id", "param/subscriptions_id"}}), {"PATCH"})},
        {"rel/ping", resource("/v2/ping", {}, {"GET", "HEAD"})},
    };
    if (admin_mode) resources["rel/health"] = resource("/v2/health", {}, {"GET", "HEAD"});
    return json::object{{"resources", std::move(resources)}};
}

}  // namespace

const json::object& home_document(bool admin_mode) {
    static const json::object plain = build_home_document(false);
    static const json::object admin = build_home_document(true);
    return admin_mode ? admin : plain;
}

const std::string& home_document_text(bool admin_mode) {
    static const std::string plain = json::serialize(home_document(false));
    static const std::string admin = json::serialize(home_document(true));
    return admin_mode ? admin : plain;
}

}  // namespace marconi::api
