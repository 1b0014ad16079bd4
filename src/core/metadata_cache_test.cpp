// Marconi.
#include "core/metadata_cache.hpp"

#include <gtest/gtest.h>

namespace marconi::core {
namespace {

using namespace std::chrono_literals;

queue_address queue(std::string project, std::string name) {
    return queue_address{project_id{std::move(project)}, queue_name{std::move(name)}};
}

std::shared_ptr<const cached_queue> entry_with_ttl(std::int64_t ttl) {
    auto e = std::make_shared<cached_queue>();
    e->settings.default_message_ttl = ttl;
    return e;
}

TEST(metadata_cache, returns_what_was_inserted_per_project_and_queue) {
    manual_clock clock;
    metadata_cache cache(clock, 5s, 100);
    cache.insert(queue("a", "q"), entry_with_ttl(100), cache.generation());
    cache.insert(queue("b", "q"), entry_with_ttl(200), cache.generation());
    ASSERT_TRUE(cache.find(queue("a", "q")));
    EXPECT_EQ(cache.find(queue("a", "q"))->settings.default_message_ttl, 100);
    EXPECT_EQ(cache.find(queue("b", "q"))->settings.default_message_ttl, 200);
    EXPECT_FALSE(cache.find(queue("a", "other")));
}

TEST(metadata_cache, project_and_name_cannot_be_confused) {
    manual_clock clock;
    metadata_cache cache(clock, 5s, 100);
    cache.insert(queue("ab", "c"), entry_with_ttl(1), cache.generation());
    EXPECT_FALSE(cache.find(queue("a", "bc")));
}

TEST(metadata_cache, entries_expire_after_max_age) {
    manual_clock clock;
    metadata_cache cache(clock, 5s, 100);
    cache.insert(queue("a", "q"), entry_with_ttl(1), cache.generation());
    clock.advance(4999ms);
    EXPECT_TRUE(cache.find(queue("a", "q")));
    clock.advance(1ms);
    EXPECT_FALSE(cache.find(queue("a", "q")));
}

TEST(metadata_cache, invalidate_removes_the_entry) {
    manual_clock clock;
    metadata_cache cache(clock, 5s, 100);
    cache.insert(queue("a", "q"), entry_with_ttl(1), cache.generation());
    cache.invalidate(queue("a", "q"));
    EXPECT_FALSE(cache.find(queue("a", "q")));
}

TEST(metadata_cache, a_read_that_raced_with_a_write_is_not_cached) {
    manual_clock clock;
    metadata_cache cache(clock, 5s, 100);
    const auto before_read = cache.generation();
    cache.invalidate(queue("a", "q"));  // a metadata write lands while the read is in flight
    cache.insert(queue("a", "q"), entry_with_ttl(1), before_read);
    EXPECT_FALSE(cache.find(queue("a", "q")));
}

TEST(metadata_cache, stays_within_capacity) {
    manual_clock clock;
    metadata_cache cache(clock, 5s, 3);
    for (int i = 0; i < 10; ++i) {
        cache.insert(queue("a", std::to_string(i)), entry_with_ttl(i), cache.generation());
    }
    int present = 0;
    for (int i = 0; i < 10; ++i) present += cache.find(queue("a", std::to_string(i))) ? 1 : 0;
    EXPECT_LE(present, 3);
    EXPECT_TRUE(cache.find(queue("a", "9")));
}

}  // namespace
}  // namespace marconi::core
