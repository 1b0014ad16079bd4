// Marconi. Tests of storage URI redaction.
#include "storage/contract/redacted_uri.hpp"

#include <gtest/gtest.h>

namespace marconi::storage {
namespace {

TEST(redacted_uri, userinfo_and_query_passwords_become_stars) {
    EXPECT_EQ(redacted_uri("redis://:hunter2@cache:6379/1"), "redis://:***@cache:6379/1");
    EXPECT_EQ(redacted_uri("postgresql://marconi:s3cret@h1,h2/db?password=x&sslmode=require"),
              "postgresql://marconi:***@h1,h2/db?password=***&sslmode=require");
    EXPECT_EQ(redacted_uri("postgresql://h/db?sslmode=require&password=x"),
              "postgresql://h/db?sslmode=require&password=***");
}

TEST(redacted_uri, uris_without_a_password_are_unchanged) {
    for (const char* uri : {"sqlite:///./marconi-data/marconi.db", "redis://cache:6379",
                            "postgresql://marconi@h:5432/db", "postgresql://h/db?passwordless=1",
                            "redis+cluster://a:1,b:2", "not a uri"}) {
        EXPECT_EQ(redacted_uri(uri), uri);
    }
}

}  // namespace
}  // namespace marconi::storage
