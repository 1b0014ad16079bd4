// Marconi. Tests of PostgreSQL storage URIs.
#include "storage/postgres/postgres_uri.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace marconi::storage::postgres {
namespace {

TEST(postgres_uri, both_schemes_are_libpq_uris_with_marconi_defaults) {
    for (const std::string scheme : {"postgresql://", "postgres://"}) {
        const auto settings = parse_uri(scheme + "marconi@db.example:5433/queues");
        EXPECT_EQ(settings.conninfo, scheme + "marconi@db.example:5433/queues?connect_timeout=10");
        EXPECT_EQ(settings.schema, "marconi");
        EXPECT_EQ(settings.readers, 2);
        EXPECT_EQ(settings.writers, 1);
        EXPECT_TRUE(is_postgres_uri(scheme + "h"));
    }
    EXPECT_FALSE(is_postgres_uri("redis://h"));
    EXPECT_FALSE(is_postgres_uri("postgresql:/h"));
}

TEST(postgres_uri, marconi_options_are_taken_out_and_libpq_options_kept) {
    const auto settings = parse_uri(
        "postgresql://u@h1:5432,h2:5433/db?schema=tenant_a&target_session_attrs=read-write"
        "&readers=4&sslmode=require&writers=3");
    EXPECT_EQ(settings.conninfo,
              "postgresql://u@h1:5432,h2:5433/db?target_session_attrs=read-write&sslmode=require"
              "&connect_timeout=10");
    EXPECT_EQ(parse_uri("postgresql://h/db?connect_timeout=3").conninfo,
              "postgresql://h/db?connect_timeout=3");
    EXPECT_EQ(settings.schema, "tenant_a");
    EXPECT_EQ(settings.readers, 4);
    EXPECT_EQ(settings.writers, 3);
}

TEST(postgres_uri, passwords_never_show_in_the_redacted_form) {
    const auto settings =
        parse_uri("postgresql://marconi:s3cret@h/db?password=other&schema=s&sslmode=disable");
    EXPECT_EQ(settings.redacted,
              "postgresql://marconi:***@h/db?password=***&schema=s&sslmode=disable");
    EXPECT_EQ(parse_uri("postgresql://h/db").redacted, "postgresql://h/db");
}

TEST(postgres_uri, bad_marconi_options_are_refused_by_name) {
    for (const char* bad : {"postgresql://h/db?schema=", "postgresql://h/db?schema=Upper",
                            "postgresql://h/db?schema=1st", "postgresql://h/db?schema=a-b",
                            "postgresql://h/db?schema=a%22b"}) {
        try {
            parse_uri(bad);
            ADD_FAILURE() << bad << " was accepted";
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string{e.what()}.find("'schema'"), std::string::npos) << e.what();
        }
    }
    for (const char* bad : {"postgresql://h/db?readers=0", "postgresql://h/db?writers=65",
                            "postgresql://h/db?readers=two"}) {
        EXPECT_THROW(parse_uri(bad), std::invalid_argument) << bad;
    }
}

TEST(postgres_uri, libpq_refusals_are_errors_without_the_password) {
    try {
        parse_uri("postgresql://marconi:s3cret@h/db?no_such_option=1");
        FAIL() << "an unknown libpq option was accepted";
    } catch (const std::invalid_argument& e) {
        const std::string text = e.what();
        EXPECT_NE(text.find("no_such_option"), std::string::npos) << text;
        EXPECT_EQ(text.find("s3cret"), std::string::npos) << text;
    }
}

}  // namespace
}  // namespace marconi::storage::postgres
