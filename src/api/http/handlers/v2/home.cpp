// Marconi. GET / (versions), GET /v2/ (json-home), ping and the admin health check.
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <random>

#include "api/http/handlers/v2/handlers.hpp"
#include "storage/contract/error.hpp"

namespace marconi::api::v2 {

namespace json = boost::json;

namespace {

json::object version(std::string_view id, std::string_view status, std::string_view updated,
                     std::string_view media_type, std::string_view href) {
    return json::object{
        {"id", id},
        {"status", status},
        {"updated", updated},
        {"media-types",
         json::array{json::object{{"base", "application/json"}, {"type", media_type}}}},
        {"links", json::array{json::object{{"href", href}, {"rel", "self"}}}}};
}

/// One json-home (draft-nottingham-json-home-03) resource entry.
json::object resource(std::string_view href_template, json::object vars,
                      std::initializer_list<std::string_view> allow) {
    json::array methods;
    for (auto m : allow) methods.emplace_back(m);
    return json::object{{"href-template", href_template},
                        {"href-vars", std::move(vars)},
                        {"hints", json::object{{"allow", std::move(methods)},
                                               {"formats", json::object{{"application/json",
                                                                         json::object{}}}}}}};
}

std::string build_home_document(bool admin_mode) {
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
        {"rel/queue", resource("/v2/queues/{queue_name}", queue_var, {"GET", "PUT", "PATCH", "DELETE"})},
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
        {"rel/messages_delete", resource("/v2/queues/{queue_name}/messages{?ids,pop}",
                                         with({{"ids", "param/ids"}, {"pop", "param/pop"}}),
                                         {"DELETE"})},
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
        {"rel/subscriptions_post", resource("/v2/queues/{queue_name}/subscriptions",
                                            with({{"limit", "param/subscription_limit"}}),
                                            {"POST"})},
        {"rel/subscription",
         resource("/v2/queues/{queue_name}/subscriptions/{subscriptions_id}",
                  with({{"subscriptions_id", "param/subscriptions_id"}}), {"GET", "DELETE"})},
        {"rel/subscription_patch",
         resource("/v2/queues/{queue_name}/subscriptions/{subscriptions_id}",
                  with({{"subscriptions_id", "param/subscriptions_id"}}), {"PATCH"})},
        {"rel/ping", resource("/v2/ping", {}, {"GET", "HEAD"})},
    };
    if (admin_mode) resources["rel/health"] = resource("/v2/health", {}, {"GET", "HEAD"});
    return json::serialize(json::object{{"resources", std::move(resources)}});
}

}  // namespace

net::awaitable<response> get_versions(request_context&, const request&) {
    static const std::string body = json::serialize(json::object{
        {"versions",
         json::array{
             version("1", "DEPRECATED", "2014-9-11T17:47:05Z",
                     "application/vnd.openstack.messaging-v1+json", "/v1/"),
             version("1.1", "DEPRECATED", "2016-7-29T02:22:47Z",
                     "application/vnd.openstack.messaging-v1_1+json", "/v1.1/"),
             version("2", "CURRENT", "2014-9-24T04:06:47Z",
                     "application/vnd.openstack.messaging-v2+json", "/v2/"),
         }}});
    co_return response::json(300, body);
}

net::awaitable<response> get_home(request_context& ctx, const request&) {
    static const std::string plain = build_home_document(false);
    static const std::string admin = build_home_document(true);
    auto reply = response{200, "application/json-home", ctx.admin_mode ? admin : plain, {}};
    reply.with_header("Cache-Control", "max-age=86400");
    co_return reply;
}

net::awaitable<response> get_ping(request_context& ctx, const request&) {
    // Answered from the background probe: a ping must stay cheap enough for load balancers
    // to poll, and still report a store that stopped answering within one probe interval.
    co_return response::empty(ctx.services.probe.up() ? 204 : 503);
}

net::awaitable<response> head_ping(request_context&, const request&) {
    co_return response::empty(204);
}

namespace {

/// Runs the steps of the health self-test, recording each one's outcome and duration.
class health_probe {
public:
    template <class T>
    net::awaitable<std::optional<T>> run(std::string_view name, net::awaitable<T> step) {
        const auto start = std::chrono::steady_clock::now();
        std::optional<T> result;
        try {
            result = co_await std::move(step);
        } catch (const std::exception&) {
            reachable_ = false;
        }
        record(name, result.has_value(), start);
        co_return result;
    }

    net::awaitable<void> run(std::string_view name, net::awaitable<void> step) {
        const auto start = std::chrono::steady_clock::now();
        bool ok = true;
        try {
            co_await std::move(step);
        } catch (const std::exception&) {
            ok = reachable_ = false;
        }
        record(name, ok, start);
    }

    bool reachable() const { return reachable_; }

    std::string report() && {
        return json::serialize(json::object{{"storage_reachable", reachable_},
                                            {"operation_status", std::move(operations_)}});
    }

private:
    void record(std::string_view name, bool ok, std::chrono::steady_clock::time_point start) {
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        operations_[name] =
            json::object{{"succeeded", ok}, {"seconds", took.count()}, {"ref", nullptr}};
    }

    json::object operations_;
    bool reachable_ = true;
};

}  // namespace

net::awaitable<response> get_health(request_context& ctx, const request&) {
    // A live round trip through every storage operation on a throwaway queue of a private
    // project, as Zaqar's health check does.
    thread_local std::mt19937_64 random{std::random_device{}()};
    // The project contains a line feed, which no header value can carry: no tenant can name it.
    const core::queue_address queue{core::project_id{"\nmarconi-health"},
                                    core::queue_name{"health-" + std::to_string(random())}};
    const core::client_id client{"00000000-0000-0000-0000-000000000000"};
    auto& svc = ctx.services;

    // Arguments are named locals on purpose: g++ 12 double-destroys aggregate temporaries passed
    // straight into a coroutine call inside co_await.
    health_probe probe;
    boost::json::object no_metadata;
    co_await probe.run("create_queue", svc.queues.create(queue, std::move(no_metadata)));
    std::vector<core::message_input> batch(2, core::message_input{"{\"health\":true}", 60, 0});
    auto posted = co_await probe.run("post_messages",
                                     svc.messages.post(queue, client, std::move(batch), 64));
    core::message_list_options listing;
    listing.echo = true;
    listing.client = client;
    co_await probe.run("list_messages", svc.messages.list(queue, std::move(listing)));
    auto claim = co_await probe.run("claim_messages", svc.claims.create(queue, 60, 60, 1));
    if (claim && *claim) co_await probe.run("delete_claim", svc.claims.remove(queue, (*claim)->id));
    if (posted) {
        co_await probe.run("bulk_delete_messages",
                           svc.messages.remove_many(queue, *posted, std::nullopt));
    }
    co_await probe.run("delete_queue", svc.queues.remove(queue));
    const unsigned status = probe.reachable() ? 200 : 503;
    co_return response::json(status, std::move(probe).report());
}

net::awaitable<response> head_health(request_context& ctx, const request&) {
    const bool up = co_await ctx.services.probe.ping_now();
    co_return response::empty(up ? 204 : 503);
}

}  // namespace marconi::api::v2
