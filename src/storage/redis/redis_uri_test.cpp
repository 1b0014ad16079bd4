// Marconi. Redis storage URIs.
#include "storage/redis/redis_uri.hpp"

#include <gtest/gtest.h>

namespace marconi::storage::redis {
namespace {

TEST(redis_uri, standalone_with_defaults) {
    auto o = parse_uri("redis://localhost").client;
    EXPECT_FALSE(o.cluster);
    ASSERT_EQ(o.seeds.size(), 1u);
    EXPECT_EQ(o.seeds[0], (endpoint{"localhost", 6379}));
    EXPECT_EQ(o.connection.database, 0);
    EXPECT_TRUE(o.connection.password.empty());
}

TEST(redis_uri, standalone_with_password_port_and_database) {
    auto o = parse_uri("redis://:s3cret@127.0.0.1:6380/2").client;
    EXPECT_EQ(o.seeds[0], (endpoint{"127.0.0.1", 6380}));
    EXPECT_EQ(o.connection.password, "s3cret");
    EXPECT_EQ(o.connection.database, 2);
}

TEST(redis_uri, cluster_seeds) {
    auto o = parse_uri("redis+cluster://10.0.0.1:7000,10.0.0.2:7001").client;
    EXPECT_TRUE(o.cluster);
    ASSERT_EQ(o.seeds.size(), 2u);
    EXPECT_EQ(o.seeds[1], (endpoint{"10.0.0.2", 7001}));
}

TEST(redis_uri, sentinels_and_the_master_name) {
    auto o = parse_uri("redis+sentinel://:pw@10.0.0.1,10.0.0.2:26380/mymaster/2?prefix=p");
    EXPECT_FALSE(o.client.cluster);
    EXPECT_EQ(o.client.sentinel_master, "mymaster");
    ASSERT_EQ(o.client.seeds.size(), 2u);
    EXPECT_EQ(o.client.seeds[0], (endpoint{"10.0.0.1", 26379}));
    EXPECT_EQ(o.client.seeds[1], (endpoint{"10.0.0.2", 26380}));
    EXPECT_EQ(o.client.connection.password, "pw");
    EXPECT_EQ(o.client.connection.database, 2);
    EXPECT_EQ(o.prefix, "p");
    EXPECT_THROW(parse_uri("redis+sentinel://10.0.0.1"), std::invalid_argument);
}

TEST(redis_uri, key_prefix_option) {
    EXPECT_EQ(parse_uri("redis://h").prefix, "marconi");
    EXPECT_EQ(parse_uri("redis://h:1/3?prefix=tenant-a").prefix, "tenant-a");
    EXPECT_EQ(parse_uri("redis+cluster://h:1,h:2?prefix=x.y").prefix, "x.y");
    EXPECT_EQ(parse_uri("redis://h:1/3?prefix=tenant-a").client.connection.database, 3);
    const auto both = parse_uri("redis+sentinel://s/m?wait_replicas=1&prefix=z");
    EXPECT_EQ(both.wait_replicas, 1);
    EXPECT_EQ(both.prefix, "z");
    EXPECT_EQ(parse_uri("redis://h").wait_replicas, 0);
}

TEST(redis_uri, refuses_what_cannot_work) {
    for (const char* bad : {"redis://", "redis://host:port", "redis://host:0", "redis://h:1/x",
                            "redis://a:1,b:2", "redis+cluster://a:1/3", "mongodb://x",
                            "redis://host:70000", "redis://h?prefix=", "redis://h?prefix=a:b",
                            "redis://h?timeout=3", "redis://h?wait_replicas=x"}) {
        EXPECT_THROW(parse_uri(bad), std::invalid_argument) << bad;
    }
}

}  // namespace
}  // namespace marconi::storage::redis
