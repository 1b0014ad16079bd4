// Marconi. Closing a Redis store with commands in flight: the driver must go away promptly,
// whatever its commands' handlers try to start (a Cluster slot-map refresh, a sentinel
// lookup). The server closes its store exactly so at shutdown: its io_context is stopped
// first, then the store goes.
#include "driver_factories.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <thread>

namespace marconi::conformance {
namespace {

using namespace std::chrono_literals;

net::awaitable<void> keep_pinging(storage::data_driver& driver) {
    for (int i = 0; i < 1000; ++i) co_await driver.ping();  // ping never throws
}

template <class Factory>
class redis_shutdown : public ::testing::Test {};

using redis_factories =
    ::testing::Types<redis_standalone_factory, redis_cluster_factory, redis_sentinel_factory>;
TYPED_TEST_SUITE(redis_shutdown, redis_factories, driver_names);

TYPED_TEST(redis_shutdown, closing_with_commands_in_flight_never_hangs) {
    for (int round = 0; round < 10; ++round) {
        TypeParam factory;
        system_clock clock;
        auto driver = factory.open(clock);
        net::io_context io;
        auto work = net::make_work_guard(io);
        std::thread runner([&io] { io.run(); });
        for (int i = 0; i < 8; ++i) net::co_spawn(io, keep_pinging(*driver), net::detached);
        std::this_thread::sleep_for(std::chrono::milliseconds{5 * round});
        io.stop();  // as the server does: no caller resumes after this
        runner.join();
        std::promise<void> done;
        auto closed = done.get_future();
        std::thread closer([&driver, &done] {
            driver.reset();
            done.set_value();
        });
        if (closed.wait_for(10s) != std::future_status::ready) {
            // The closing thread is stuck for good: report, and end the process rather than
            // hang the whole test run.
            std::fprintf(stderr, "FAIL: the driver did not close within 10 s (round %d)\n", round);
            std::abort();
        }
        closer.join();
    }
}

}  // namespace
}  // namespace marconi::conformance
