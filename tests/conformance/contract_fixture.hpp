// Marconi. The fixture every storage-contract test uses: a fresh driver on a manual clock,
// plus short helpers so each test reads as the rule it pins.
#pragma once

#include "common/clock.hpp"
#include "driver_factories.hpp"
#include "run_awaitable.hpp"
#include "storage/contract/driver.hpp"
#include "storage/contract/error.hpp"
#include "storage/contract/model.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace marconi::conformance {

using namespace std::chrono_literals;

/// Runs `call`; the core::errc it threw, or nullopt when it did not throw.
inline std::optional<core::errc> error_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const core::error& e) {
        return e.code();
    }
    return std::nullopt;
}

/// The ids one claim of up to 5 messages took (none when it took nothing): what each of many
/// concurrent claimers got.
inline net::awaitable<std::vector<core::message_id>> claim_all(storage::data_driver& d,
                                                               core::queue_address q) {
    auto c = co_await d.create_claim(std::move(q), core::claim_options{300, 60, 5}, std::nullopt);
    std::vector<core::message_id> out;
    if (c) {
        for (const auto& m : c->messages) out.push_back(m.id);
    }
    co_return out;
}

/// What 30 concurrent claimers (on 4 threads) took from `q`, worker w claiming through
/// heads[w % heads.size()]: how many ids in all, and how many distinct ones.
struct claimed_ids {
    std::size_t total = 0;
    std::size_t distinct = 0;
};

inline claimed_ids claim_concurrently(const std::vector<storage::data_driver*>& heads,
                                      const core::queue_address& q) {
    net::thread_pool pool{4};
    std::vector<std::future<std::vector<core::message_id>>> results;
    for (std::size_t w = 0; w < 30; ++w) {
        results.push_back(
            net::co_spawn(pool, claim_all(*heads[w % heads.size()], q), net::use_future));
    }
    std::set<core::message_id> claimed;
    claimed_ids out;
    for (auto& r : results) {
        auto ids = r.get();
        out.total += ids.size();
        claimed.insert(ids.begin(), ids.end());
    }
    pool.join();
    out.distinct = claimed.size();
    return out;
}

template <class Factory>
class contract_test : public ::testing::Test {
protected:
    /// Runs one driver call to completion on the test thread.
    template <class T>
    T run(net::awaitable<T> task) {
        return conformance::run(io_, std::move(task));
    }

    static core::queue_address queue(std::string name, std::string project = "project-a") {
        return {core::project_id{std::move(project)}, core::queue_name{std::move(name)}};
    }

    static core::new_message message(std::string body, std::int64_t ttl = 3600,
                                     std::int64_t delay = 0) {
        return {std::move(body), ttl, delay};
    }

    /// Posts one message per body, in one batch.
    std::vector<core::message_id> post(const core::queue_address& q,
                                       std::vector<std::string> bodies, std::int64_t ttl = 3600,
                                       std::int64_t delay = 0, std::string client = "client-1") {
        std::vector<core::new_message> batch;
        for (auto& body : bodies) batch.push_back(message(std::move(body), ttl, delay));
        return run(driver_->post_messages(q, core::client_id{std::move(client)}, std::move(batch)));
    }

    /// A listing as another client would see it (echo on, so the poster's own show up).
    core::message_page list(const core::queue_address& q, core::message_list_options options = {}) {
        if (options.client.value().empty()) options.client = core::client_id{"observer"};
        options.echo = true;
        return run(driver_->list_messages(q, std::move(options)));
    }

    static std::vector<std::string> bodies(const std::vector<core::message>& messages) {
        std::vector<std::string> out;
        for (const auto& m : messages) out.push_back(m.body_json);
        return out;
    }

    static std::vector<core::message_id> ids(const std::vector<core::message>& messages) {
        std::vector<core::message_id> out;
        for (const auto& m : messages) out.push_back(m.id);
        return out;
    }

    std::optional<core::claim> claim(const core::queue_address& q, std::int64_t limit = 10,
                                     std::int64_t ttl = 300, std::int64_t grace = 60) {
        return run(driver_->create_claim(q, core::claim_options{ttl, grace, limit}, std::nullopt));
    }

    void advance(std::chrono::milliseconds by) { clock_.advance(by); }

    /// Closes the driver and opens the same store again (durable factories only).
    void reopen() {
        driver_.reset();
        driver_ = factory_.open(clock_);
    }

    manual_clock clock_;
    Factory factory_;
    net::io_context io_;  // outlives driver_, whose completions it runs
    std::unique_ptr<storage::data_driver> driver_ = factory_.open(clock_);
};

}  // namespace marconi::conformance
