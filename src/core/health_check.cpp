// Marconi.
#include "core/health_check.hpp"

#include <chrono>
#include <random>

namespace marconi::core {

namespace json = boost::json;

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

    json::object report() && {
        return json::object{{"storage_reachable", reachable_},
                            {"operation_status", std::move(operations_)}};
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

net::awaitable<health_report> check_health(services& svc) {
    // A live round trip through every storage operation on a throwaway queue of a private
    // project, as Zaqar's health check does.
    thread_local std::mt19937_64 random{std::random_device{}()};
    // The project contains a line feed, which no header value can carry: no tenant can name it.
    const core::queue_address queue{core::project_id{"\nmarconi-health"},
                                    core::queue_name{"health-" + std::to_string(random())}};
    const core::client_id client{"00000000-0000-0000-0000-000000000000"};

    // Arguments are named locals on purpose: g++ 12 double-destroys aggregate temporaries passed
    // straight into a coroutine call inside co_await.
    health_probe probe;
    boost::json::object no_metadata;
    co_await probe.run("create_queue", svc.queues.create(queue, std::move(no_metadata)));
    std::vector<core::message_input> batch(2, core::message_input{"{\"health\":true}", 60, 0});
    auto posted =
        co_await probe.run("post_messages", svc.messages.post(queue, client, std::move(batch), 64));
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
    const bool reachable = probe.reachable();
    co_return health_report{reachable, std::move(probe).report()};
}

}  // namespace marconi::core
