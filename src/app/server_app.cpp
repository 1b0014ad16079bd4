// Marconi.
#include "app/server_app.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "api/http/listener.hpp"
#include "api/http/router.hpp"
#include "api/ws/server.hpp"
#include "app/access_setup.hpp"
#include "common/clock.hpp"
#include "core/services.hpp"
#include "core/validation.hpp"
#include "notify/dispatcher.hpp"
#include "notify/notifier.hpp"
#include "storage/contract/redacted_uri.hpp"
#include "storage/factory/make_driver.hpp"
#include "storage/factory/pool_uri_guard.hpp"

namespace marconi::app {

namespace net = boost::asio;

namespace {

/// Sweeps expired messages and claims every `interval`; reads already hide them, so this only
/// reclaims space.
net::awaitable<void> run_garbage_collector(storage::data_driver& driver,
                                           std::chrono::seconds interval) {
    net::steady_timer timer{co_await net::this_coro::executor};
    for (;;) {
        timer.expires_after(interval);
        co_await timer.async_wait(net::use_awaitable);
        try {
            const auto removed = co_await driver.collect_garbage();
            if (removed > 0) spdlog::debug("garbage collection removed {} records", removed);
        } catch (const std::exception& e) {
            spdlog::warn("garbage collection failed: {}", e.what());
        }
    }
}

api::listener_options listener_options_from(const config::config& cfg) {
    api::listener_options options;
    options.bind = cfg.server.bind;
    options.port = cfg.server.port;
    // The largest body any route accepts; each route then checks its own limit and answers
    // with Zaqar's message.
    options.body_limit = static_cast<std::size_t>(
        std::max(cfg.transport.max_messages_post_size, cfg.transport.max_queue_metadata));
    options.header_timeout = std::chrono::seconds{cfg.server.header_timeout_seconds};
    options.body_timeout = std::chrono::seconds{cfg.server.body_timeout_seconds};
    options.idle_timeout = std::chrono::seconds{cfg.server.idle_timeout_seconds};
    options.max_connections = static_cast<std::size_t>(cfg.server.max_connections);
    options.max_inflight_requests = static_cast<std::size_t>(cfg.server.max_inflight_requests);
    options.tls_cert_file = cfg.server.tls_cert_file;
    options.tls_key_file = cfg.server.tls_key_file;
    return options;
}

api::ws::server_options websocket_options_from(const config::config& cfg,
                                               const api::listener_options& http) {
    api::ws::server_options options;
    // A frame holds what an HTTP body may, inside Zaqar's envelope.
    options.frame_limit = http.body_limit + (64 << 10);
    options.idle_timeout = http.idle_timeout;
    options.notification_bind = cfg.websocket.notification_bind;
    options.notification_port = cfg.websocket.notification_port;
    return options;
}

void announce(const char* what, const net::ip::tcp::endpoint& endpoint) {
    // Tests and scripts wait for these lines (the port matters when port = 0).
    std::printf("marconi %s on %s:%u\n", what, endpoint.address().to_string().c_str(),
                static_cast<unsigned>(endpoint.port()));
    std::fflush(stdout);
}

notify::options notify_options_from(const config::config& cfg) {
    notify::options options;
    options.max_workers = static_cast<std::size_t>(cfg.delivery.max_notifier_workers);
    options.max_workers_per_project =
        static_cast<std::size_t>(cfg.delivery.max_notifier_workers_per_project);
    options.require_confirmation = cfg.notification.require_confirmation;
    options.dead_letter_queue = cfg.delivery.dead_letter_queue;
    options.timeout = std::chrono::seconds{cfg.delivery.delivery_timeout_seconds};
    options.smtp_command = cfg.delivery.smtp_command;
    options.include_message_id = cfg.delivery.include_message_id;
    // Subscription lists are cached as long as queue metadata is.
    options.subscription_cache_age = std::chrono::seconds{cfg.storage.metadata_cache_seconds};
    options.job_ttl = cfg.transport.max_message_ttl;
    options.secret_key = cfg.signed_url.secret_key;
    return options;
}

}  // namespace

int serve(const config::config& cfg) {
    const int workers = cfg.server.workers > 0
                            ? cfg.server.workers
                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    // Declared before everything that runs on it, so it is destroyed last: the Keystone
    // authenticator's calls in flight hold its state until the io_contexts drop them.
    // Connections are spread over the pool's contexts; everything else runs on the main one.
    api::io_pool pool{static_cast<std::size_t>(workers)};
    auto& io = pool.main();
    // Access control next: a bad keys or policy file stops start-up before anything opens.
    std::unique_ptr<access_setup> access;
    try {
        access = std::make_unique<access_setup>(cfg, io.get_executor());
    } catch (const std::exception& e) {
        spdlog::critical("invalid access control configuration:\n{}", e.what());
        return 2;
    }
    system_clock clock;

    storage::storage_stack stores;
    try {
        stores = storage::open_storage(cfg.storage, cfg.pooling, clock);
    } catch (const std::exception& e) {
        spdlog::critical("cannot open storage {}: {}", storage::redacted_uri(cfg.storage.uri),
                         e.what());
        return 1;
    }
    auto& driver = stores.driver;
    core::services services{*driver,
                            cfg.transport,
                            clock,
                            std::chrono::seconds{cfg.storage.metadata_cache_seconds},
                            cfg.notification,
                            core::quota_options{cfg.quotas, cfg.project_quotas}};
    std::unique_ptr<core::pool_service> pools;
    if (stores.control) {
        auto open_store = [&cfg, &clock](const std::string& uri) {
            auto options = cfg.storage;
            options.uri = uri;
            return storage::make_driver(options, clock);
        };
        std::shared_ptr<const storage::pool_uri_guard> guard;
        try {
            guard = std::make_shared<const storage::pool_uri_guard>(cfg.storage, cfg.pooling);
        } catch (const std::exception& e) {
            spdlog::critical("{}", e.what());
            return 2;
        }
        for (const auto& dir : guard->allowed_directories()) {
            spdlog::info("pooling: SQLite pools may keep their files in {}", dir.string());
        }
        auto check_uri = [guard](const std::string& uri, const std::vector<std::string>& others) {
            guard->check(uri, others);
        };
        auto* pooled = stores.pooled;
        pools = std::make_unique<core::pool_service>(*stores.control, open_store, check_uri,
                                                     [pooled] { pooled->forget_pools(); });
        services.pools = pools.get();
        spdlog::info(
            "pooling on: placement {}",
            cfg.pooling.placement == storage::pooled::placement_mode::hash ? "hash" : "weighted");
    }
    const auto& dead_letter_queue = cfg.delivery.dead_letter_queue;
    if (!dead_letter_queue.empty() && !core::is_valid_queue_name(dead_letter_queue)) {
        spdlog::critical("notification.dead_letter_queue: \"{}\" is not a valid queue name",
                         dead_letter_queue);
        return 2;
    }
    // Pending notifications: message posts store them (notifier), the dispatcher delivers.
    const auto notify_options = notify_options_from(cfg);
    notify::dispatcher dispatcher{io.get_executor(), *driver, driver->subscriptions(),
                                  services.queues,   clock,   notify_options};
    notify::notifier notifier{*driver, services.subscriptions, dispatcher, clock, notify_options};
    services.messages.set_post_observer(&notifier);
    services.subscriptions.set_observer(&notifier);
    services.subscriptions.set_trust_broker(access->trusts());
    dispatcher.set_trust_broker(access->trusts());
    api::api_versions deprecated;
    for (const auto& version : cfg.server.enable_deprecated_api_versions) {
        // config::load admits only the versions there are routes for.
        deprecated.add(version == "1" ? api::api_version::v1_0 : api::api_version::v1_1);
        spdlog::warn("serving the deprecated API v{} beside v2", version);
    }
    const auto routes = api::served_routes(deprecated);
    api::router router{routes, services, clock, cfg.server.admin_mode, access->view()};
    auto http_options = listener_options_from(cfg);
    const api::ws::dispatcher websocket_actions{api::v2_routes(), services, clock,
                                                cfg.server.admin_mode, access->view()};
    api::ws::server websockets{io, websocket_actions, websocket_options_from(cfg, http_options)};
    try {
        websockets.start();
    } catch (const std::exception& e) {
        spdlog::critical("cannot listen on {}:{} for websocket notifications: {}",
                         cfg.websocket.notification_bind, cfg.websocket.notification_port,
                         e.what());
        return 1;
    }
    http_options.websocket = &websockets;
    api::listener listener{pool, router, http_options};
    // [websocket] bind: a listener of its own, as Zaqar's ws://host:9000/.
    std::unique_ptr<api::listener> websocket_listener;
    try {
        listener.start();
        if (!cfg.websocket.bind.empty()) {
            auto options = http_options;
            options.bind = cfg.websocket.bind;
            options.port = cfg.websocket.port;
            websocket_listener = std::make_unique<api::listener>(pool, router, options);
            websocket_listener->start();
        }
    } catch (const std::exception& e) {
        spdlog::critical("cannot listen on {}:{} (websocket {}:{}): {}", cfg.server.bind,
                         cfg.server.port, cfg.websocket.bind, cfg.websocket.port, e.what());
        return 1;
    }
    const auto endpoint = listener.local_endpoint();
    // The main line last: whoever waits for it has seen the other.
    if (websocket_listener) announce("websocket listening", websocket_listener->local_endpoint());
    announce("listening", endpoint);
    spdlog::info("websocket notifications at {}", websockets.notification_url());
    spdlog::info("listening on {}:{} ({}) with {} io threads, storage {}",
                 endpoint.address().to_string(), endpoint.port(),
                 cfg.server.tls_cert_file.empty() ? "HTTP" : "HTTPS", workers,
                 storage::redacted_uri(cfg.storage.uri));

    net::co_spawn(
        io, run_garbage_collector(*driver, std::chrono::seconds{cfg.server.gc_interval_seconds}),
        net::detached);
    dispatcher.start();
    // GET /v2/ping reports what this probe last saw, at most a second old.
    net::co_spawn(io, services.probe.run(std::chrono::seconds{1}), net::detached);

    // Shutdown: the listener stops accepting and closes idle connections, requests in flight
    // get up to the grace period, then io stops; below, the driver drains its queued writes.
    // A second signal stops at once.
    const std::chrono::seconds grace{cfg.server.shutdown_grace_seconds};
    net::signal_set signals{io, SIGINT, SIGTERM};
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        spdlog::info("signal {} received: shutting down (grace period {} s)", signal,
                     grace.count());
        // Sockets get their close frame first; then every listener drains.
        websockets.shutdown();
        auto draining = std::make_shared<std::atomic<int>>(websocket_listener ? 2 : 1);
        const auto drained = [&pool, draining](std::size_t) {
            if (draining->fetch_sub(1) == 1) pool.stop();
        };
        listener.shutdown(grace, drained);
        if (websocket_listener) websocket_listener->shutdown(grace, drained);
        signals.async_wait([&pool](const boost::system::error_code& again, int signal_again) {
            if (again) return;
            spdlog::warn("signal {} received again: stopping now", signal_again);
            pool.stop();
        });
    });

    pool.run();
    // Every acknowledged write has committed; destroying the driver drains its threads.
    driver.reset();
    spdlog::info("stopped");
    return 0;
}

}  // namespace marconi::app
