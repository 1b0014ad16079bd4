// Marconi. Tests of the io_pool: connections spread round robin, one thread per context.
#include "api/http/io_pool.hpp"

#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include <future>
#include <set>
#include <thread>

namespace marconi::api {
namespace {

TEST(io_pool, next_hands_out_every_context_in_turn) {
    io_pool pool{3};
    ASSERT_EQ(pool.size(), 3u);
    std::vector<net::io_context*> seen;
    for (int i = 0; i < 6; ++i) seen.push_back(&pool.next());
    EXPECT_EQ(std::set<net::io_context*>(seen.begin(), seen.begin() + 3).size(), 3u);
    EXPECT_EQ(std::vector(seen.begin(), seen.begin() + 3),
              std::vector(seen.begin() + 3, seen.end()));
    EXPECT_EQ(seen.front(), &pool.main());
}

TEST(io_pool, runs_each_context_on_its_own_thread_until_stopped) {
    io_pool pool{2};
    std::promise<std::thread::id> first;
    std::promise<std::thread::id> second;
    auto& a = pool.next();
    auto& b = pool.next();
    net::post(a, [&] { first.set_value(std::this_thread::get_id()); });
    net::post(b, [&] { second.set_value(std::this_thread::get_id()); });
    std::thread runner{[&] { pool.run(); }};
    const auto a_thread = first.get_future().get();
    const auto b_thread = second.get_future().get();
    EXPECT_NE(a_thread, b_thread);
    EXPECT_NE(a_thread, std::this_thread::get_id());
    // Idle contexts keep running (a context with no connection yet must not return) until stop().
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_FALSE(a.stopped());
    pool.stop();
    runner.join();  // run() returned
    EXPECT_TRUE(a.stopped());
    EXPECT_TRUE(b.stopped());
}

TEST(io_pool, zero_threads_means_one) {
    io_pool pool{0};
    EXPECT_EQ(pool.size(), 1u);
}

}  // namespace
}  // namespace marconi::api
