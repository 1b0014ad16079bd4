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

/// Zaqar's v1.0 document (wsgi/v1_0/homedoc.py): the same in admin mode.
json::object build_v1_0_home_document() {
    const json::object queue_var{{"queue_name", "param/queue_name"}};
    json::object messages_vars = queue_var;
    for (auto [k, v] : {std::pair{"marker", "param/marker"},
                        {"limit", "param/messages_limit"},
                        {"echo", "param/echo"},
                        {"include_claimed", "param/include_claimed"}}) {
        messages_vars[k] = v;
    }
    json::object claim_vars = queue_var;
    claim_vars["limit"] = "param/claim_limit";
    return json::object{
        {"resources",
         json::object{
             {"rel/queues", resource("/v1/queues{?marker,limit,detailed}",
                                     {{"marker", "param/marker"},
                                      {"limit", "param/queue_limit"},
                                      {"detailed", "param/detailed"}},
                                     {"GET"})},
             {"rel/queue",
              resource("/v1/queues/{queue_name}", queue_var, {"GET", "HEAD", "PUT", "DELETE"})},
             {"rel/queue-metadata",
              resource("/v1/queues/{queue_name}/metadata", queue_var, {"GET", "PUT"})},
             {"rel/queue-stats", resource("/v1/queues/{queue_name}/stats", queue_var, {"GET"})},
             {"rel/messages",
              resource("/v1/queues/{queue_name}/messages{?marker,limit,echo,include_claimed}",
                       std::move(messages_vars), {"GET"})},
             {"rel/post-messages",
              resource("/v1/queues/{queue_name}/messages", queue_var, {"POST"})},
             {"rel/claim",
              resource("/v1/queues/{queue_name}/claims{?limit}", std::move(claim_vars), {"POST"})},
         }}};
}

/// Zaqar's v2 document (wsgi/v2_0/homedoc.py as served), or v1.1's (wsgi/v1_1/homedoc.py):
/// the same relations less those v1.1 lacks, its pools and flavors when in admin mode.
json::object build_home_document(api_version version, bool admin_mode) {
    const bool v2 = version == api_version::v2;
    const std::string root{root_of(version)};
    auto at = [&](std::string_view path) { return root + std::string(path); };
    const json::object queue_var{{"queue_name", "param/queue_name"}};
    auto with = [&](std::initializer_list<std::pair<std::string_view, std::string_view>> extra) {
        json::object vars = queue_var;
        for (auto [k, v] : extra) vars[k] = v;
        return vars;
    };
    json::object resources{
        {"rel/queues", resource(at("/queues{?marker,limit,detailed}"),
                                {{"marker", "param/marker"},
                                 {"limit", "param/queue_limit"},
                                 {"detailed", "param/detailed"}},
                                {"GET"})},
        {"rel/queue",
         v2 ? resource(at("/queues/{queue_name}"), queue_var, {"GET", "PUT", "PATCH", "DELETE"})
            : resource(at("/queues/{queue_name}"), queue_var, {"PUT", "DELETE"})},
        {"rel/queue_stats", resource(at("/queues/{queue_name}/stats"), queue_var, {"GET"})},
        {"rel/messages",
         resource(at("/queues/{queue_name}/messages{?marker,limit,echo,include_claimed}"),
                  with({{"marker", "param/marker"},
                        {"limit", "param/messages_limit"},
                        {"echo", "param/echo"},
                        {"include_claimed", "param/include_claimed"}}),
                  {"GET"})},
        {"rel/post_messages", resource(at("/queues/{queue_name}/messages"), queue_var, {"POST"})},
        {"rel/messages_delete",
         resource(at("/queues/{queue_name}/messages{?ids,pop}"),
                  with({{"ids", "param/ids"}, {"pop", "param/pop"}}), {"DELETE"})},
        {"rel/message_delete",
         resource(at("/queues/{queue_name}/messages/{message_id}{?claim}"),
                  with({{"message_id", "param/message_id"}, {"claim", "param/claim_id"}}),
                  {"DELETE"})},
        {"rel/claim", resource(at("/queues/{queue_name}/claims/{claim_id}"),
                               with({{"claim_id", "param/claim_id"}}), {"GET"})},
        {"rel/post_claim", resource(at("/queues/{queue_name}/claims{?limit}"),
                                    with({{"limit", "param/claim_limit"}}), {"POST"})},
        {"rel/patch_claim", resource(at("/queues/{queue_name}/claims/{claim_id}"),
                                     with({{"claim_id", "param/claim_id"}}), {"PATCH"})},
        {"rel/delete_claim", resource(at("/queues/{queue_name}/claims/{claim_id}"),
                                      with({{"claim_id", "param/claim_id"}}), {"DELETE"})},
        {"rel/ping",
         v2 ? resource(at("/ping"), {}, {"GET", "HEAD"}) : resource(at("/ping"), {}, {"GET"})},
    };
    if (v2) {
        resources["rel/queue_purge"] =
            resource(at("/queues/{queue_name}/purge"), queue_var, {"POST"});
        resources["rel/queue_share"] =
            resource(at("/queues/{queue_name}/share"), queue_var, {"POST"});
        resources["rel/message_get"] =
            resource(at("/queues/{queue_name}/messages/{message_id}"),
                     with({{"message_id", "param/message_id"}}), {"GET"});
        resources["rel/subscriptions_get"] = resource(
            at("/queues/{queue_name}/subscriptions{?marker,limit}"),
            with({{"marker", "param/marker"}, {"limit", "param/subscription_limit"}}), {"GET"});
        resources["rel/subscriptions_post"] =
            resource(at("/queues/{queue_name}/subscriptions"),
                     with({{"limit", "param/subscription_limit"}}), {"POST"});
        resources["rel/subscription"] =
            resource(at("/queues/{queue_name}/subscriptions/{subscriptions_id}"),
                     with({{"subscriptions_id", "param/subscriptions_id"}}), {"GET", "DELETE"});
        resources["rel/subscription_patch"] =
            resource(at("/queues/{queue_name}/subscriptions/{subscriptions_id}"),
                     with({{"subscriptions_id", "param/subscriptions_id"}}), {"PATCH"});
        if (admin_mode) resources["rel/health"] = resource(at("/health"), {}, {"GET", "HEAD"});
        return json::object{{"resources", std::move(resources)}};
    }
    if (admin_mode) {
        const std::initializer_list<std::string_view> all{"GET", "PUT", "PATCH", "DELETE"};
        const json::object listing_vars{{"detailed", "param/detailed"},
                                        {"limit", "param/pool_limit"},
                                        {"marker", "param/marker"}};
        json::object flavor_listing_vars = listing_vars;
        flavor_listing_vars["limit"] = "param/flavor_limit";
        resources["rel/pools"] =
            resource(at("/pools{?detailed,limit,marker}"), listing_vars, {"GET"});
        resources["rel/pool"] =
            resource(at("/pools/{pool_name}"), {{"pool_name", "param/pool_name"}}, all);
        resources["rel/flavors"] =
            resource(at("/flavors{?detailed,limit,marker}"), flavor_listing_vars, {"GET"});
        resources["rel/flavor"] =
            resource(at("/flavors/{flavor_name}"), {{"flavor_name", "param/flavor_name"}}, all);
        // v1.1's health relation is a plain href, not a template.
        resources["rel/health"] = json::object{
            {"href", at("/health")},
            {"hints",
             json::object{{"allow", json::array{"GET"}},
                          {"formats", json::object{{"application/json", json::object{}}}}}}};
    }
    return json::object{{"resources", std::move(resources)}};
}

}  // namespace

const json::object& home_document(api_version version, bool admin_mode) {
    static const json::object v2_plain = build_home_document(api_version::v2, false);
    static const json::object v2_admin = build_home_document(api_version::v2, true);
    static const json::object v1_1_plain = build_home_document(api_version::v1_1, false);
    static const json::object v1_1_admin = build_home_document(api_version::v1_1, true);
    static const json::object v1_0 = build_v1_0_home_document();
    if (version == api_version::v1_0) return v1_0;
    if (version == api_version::v1_1) return admin_mode ? v1_1_admin : v1_1_plain;
    return admin_mode ? v2_admin : v2_plain;
}

const std::string& home_document_text(api_version version, bool admin_mode) {
    static const std::string v2_plain = json::serialize(home_document(api_version::v2, false));
    static const std::string v2_admin = json::serialize(home_document(api_version::v2, true));
    static const std::string v1_1_plain = json::serialize(home_document(api_version::v1_1, false));
    static const std::string v1_1_admin = json::serialize(home_document(api_version::v1_1, true));
    static const std::string v1_0 = json::serialize(home_document(api_version::v1_0, false));
    if (version == api_version::v1_0) return v1_0;
    if (version == api_version::v1_1) return admin_mode ? v1_1_admin : v1_1_plain;
    return admin_mode ? v2_admin : v2_plain;
}

}  // namespace marconi::api
