// Marconi. The queue service over a real in-memory SQLite store: what it refuses to store.
#include "core/services.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "storage/contract/error.hpp"
#include "storage/factory/make_driver.hpp"

namespace marconi::core {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class queue_service_test : public ::testing::Test {
protected:
    queue_service_test() : driver_(open(clock_)), services_(*driver_, limits_, clock_, 0ms) {}

    static std::unique_ptr<storage::data_driver> open(const clock& clock) {
        storage::driver_options options;
        options.uri = "sqlite://:memory:";
        options.sync = storage::sync_mode::off;
        return storage::make_driver(options, clock);
    }

    template <class T>
    T run(net::awaitable<T> task) {
        auto result = net::co_spawn(io_, std::move(task), net::use_future);
        io_.restart();
        io_.run();
        return result.get();
    }

    /// A PATCH adding `key` with a string value of `size` characters.
    static json::value add_patch(std::string_view key, std::size_t size) {
        return json::array{json::object{{"op", "add"},
                                        {"path", "/metadata/" + std::string(key)},
                                        {"value", std::string(size, 'x')}}};
    }

    std::string stored_metadata() { return run(driver_->get_queue(queue_))->metadata_json; }

    manual_clock clock_;
    limits limits_;
    net::io_context io_;
    std::unique_ptr<storage::data_driver> driver_;
    services services_;
    queue_address queue_{project_id{"p"}, queue_name{"q"}};
};

TEST_F(queue_service_test, patches_cannot_grow_metadata_past_max_queue_metadata) {
    limits_.max_queue_metadata = 100;
    run(services_.queues.create(queue_, json::object{}));
    run(services_.queues.patch(queue_, add_patch("a", 40)));
    const auto before = stored_metadata();
    try {
        run(services_.queues.patch(queue_, add_patch("b", 60)));
        FAIL() << "a result over the limit was stored";
    } catch (const error& e) {
        EXPECT_EQ(e.code(), errc::invalid_body);
        EXPECT_EQ(e.description(), "Queue metadata is too large. Max size: 100");
    }
    EXPECT_EQ(stored_metadata(), before);
    // A result at the limit is fine: {"a":"x...x","b":"x...x"} is exactly 100 bytes.
    run(services_.queues.patch(queue_, add_patch("b", 100 - (before.size() + 7))));
    EXPECT_EQ(stored_metadata().size(), 100u);
}

TEST_F(queue_service_test, create_bounds_the_stored_metadata_too) {
    limits_.max_queue_metadata = 20;
    // 0.1 is stored as 1E-1: the stored text can be longer than the body that set it.
    auto metadata = json::parse(R"({"a":[0.1,0.1,0.1]})").as_object();
    try {
        run(services_.queues.create(queue_, metadata));
        FAIL() << "metadata over the limit was stored";
    } catch (const error& e) {
        EXPECT_EQ(e.code(), errc::invalid_request);
        EXPECT_EQ(e.description(), "Queue metadata is too large. Max size: 20");
    }
    EXPECT_FALSE(run(driver_->get_queue(queue_)));
}

TEST_F(queue_service_test, a_missing_queue_reads_as_the_defaults_and_is_not_created) {
    const auto shown = run(services_.queues.get(queue_, metadata_owner::queue));
    EXPECT_EQ(shown.at("_default_message_ttl"), json::value(3600));
    EXPECT_EQ(shown.at("_max_claim_count"), json::value(nullptr));
    EXPECT_FALSE(run(driver_->get_queue(queue_)));
}

TEST_F(queue_service_test, a_missing_queue_is_not_found_when_queues_are_not_lazy) {
    limits_.lazy_queue_get = false;
    try {
        run(services_.queues.get(queue_, metadata_owner::queue));
        FAIL() << "no error";
    } catch (const error& e) {
        EXPECT_EQ(e.code(), errc::queue_not_found);
        EXPECT_EQ(e.description(), "Queue q does not exist.");
    }
    run(services_.queues.create(queue_, json::object{{"k", 1}}));
    EXPECT_EQ(run(services_.queues.get(queue_, metadata_owner::queue)).at("k"), json::value(1));
}

}  // namespace
}  // namespace marconi::core
