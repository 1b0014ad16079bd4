// Marconi. SHA-256 helpers, the key file, hash-key's line and both authenticators.
#include "auth/api_keys.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "auth/noauth.hpp"

namespace marconi::auth {
namespace {

using ::testing::HasSubstr;

// sha256("marconi-test-key-0001"), as `printf %s marconi-test-key-0001 | sha256sum` prints it.
constexpr auto key1 = "marconi-test-key-0001";

boost::system::result<identity> run(const authenticator& authn, request_credentials creds) {
    boost::asio::io_context io;
    auto future =
        boost::asio::co_spawn(io, authn.authenticate(std::move(creds)), boost::asio::use_future);
    io.run();
    return future.get();
}

request_credentials with_token(std::string token) {
    request_credentials creds;
    creds.token = std::move(token);
    return creds;
}

std::string parse_error(std::string_view text) {
    try {
        parse_api_keys(text, "keys.toml");
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "parsed";
}

std::string keys_file(std::string_view hash) {
    return R"([[keys]]
name = "ops"
sha256 = ")" +
           std::string(hash) + R"("
project = "acme"
roles = ["admin", "member"]

[[keys]]
name = "worker"
sha256 = ")" +
           to_hex(sha256("marconi-test-key-0002")) + R"("
project = "acme"
)";
}

TEST(sha256, known_vectors_and_hex_round_trip) {
    EXPECT_EQ(to_hex(sha256("")),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(to_hex(sha256("abc")),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const auto digest = sha256("abc");
    EXPECT_EQ(digest_from_hex(to_hex(digest)), digest);
    EXPECT_EQ(digest_from_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"),
              digest);
    EXPECT_FALSE(digest_from_hex("abc"));
    EXPECT_FALSE(digest_from_hex(std::string(64, 'g')));
    EXPECT_TRUE(constant_time_equal(digest, sha256("abc")));
    EXPECT_FALSE(constant_time_equal(digest, sha256("abd")));
}

TEST(hash_key, prints_the_line_for_the_keys_file) {
    EXPECT_EQ(hash_key_line(key1), "sha256 = \"" + to_hex(sha256(key1)) + "\"");
    EXPECT_THROW(hash_key_line("short"), std::invalid_argument);
    EXPECT_THROW(hash_key_line("has a space in the middle"), std::invalid_argument);
    EXPECT_THROW(hash_key_line("tab\tinside-the-key-xxxx"), std::invalid_argument);
    EXPECT_THROW(hash_key_line(""), std::invalid_argument);
}

TEST(api_keys, file_entries_parse) {
    const auto keys = parse_api_keys(keys_file(to_hex(sha256(key1))), "keys.toml");
    ASSERT_EQ(keys.size(), 2u);
    EXPECT_EQ(keys[0].name, "ops");
    EXPECT_EQ(keys[0].hash, sha256(key1));
    EXPECT_EQ(keys[0].project_id, "acme");
    EXPECT_EQ(keys[0].roles, (std::vector<std::string>{"admin", "member"}));
    EXPECT_TRUE(keys[1].roles.empty());
}

TEST(api_keys, every_problem_is_reported_with_its_location) {
    const auto message = parse_error(R"([[keys]]
name = "a"
sha256 = "marconi-test-key-0001"
project = ""
roles = "admin"
colour = 1

[[keys]]
name = "a"
sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
project = "acme"
roles = ["", 2]

[[keys]]
name = "b"
sha256 = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"
project = "acme"
)");
    EXPECT_THAT(message, HasSubstr("keys.toml:3:10: sha256 must be 64 hex digits (the output of "
                                   "marconi hash-key), not the key itself"));
    EXPECT_THAT(message, HasSubstr("keys.toml:4:11: project must not be empty"));
    EXPECT_THAT(message, HasSubstr("keys.toml:5:9: roles: expected an array of strings"));
    EXPECT_THAT(message, HasSubstr("keys.toml:6:10: unknown key colour"));
    EXPECT_THAT(message, HasSubstr("keys.toml:12:10: roles must be non-empty strings"));
    EXPECT_THAT(message, HasSubstr("keys.toml:12:14: roles must be non-empty strings"));
    EXPECT_THAT(message, HasSubstr("keys.toml:8:1: duplicate key name \"a\""));
    EXPECT_THAT(message,
                HasSubstr("keys.toml:14:1: key \"b\" has the same sha256 as an earlier key"));
}

TEST(api_keys, duplicate_names_missing_fields_and_empty_files_are_refused) {
    EXPECT_THAT(parse_error("[[keys]]\nname = \"x\"\n"),
                HasSubstr("keys.toml:1:1: missing sha256"));
    EXPECT_THAT(parse_error("[[keys]]\nname = \"x\"\n"),
                HasSubstr("keys.toml:1:1: missing project"));
    EXPECT_THAT(parse_error(""), HasSubstr("no [[keys]] entries"));
    EXPECT_THAT(parse_error("keys = 1\n"), HasSubstr("keys must be [[keys]] tables"));
    EXPECT_THAT(parse_error("[other]\n"), HasSubstr("unknown key other"));
    EXPECT_THAT(parse_error("[[keys]\n"), HasSubstr("keys.toml:1:"));
    const auto dup = keys_file(to_hex(sha256(key1))) + R"(
[[keys]]
name = "ops"
sha256 = ")" + to_hex(sha256("marconi-test-key-0003")) +
                     R"("
project = "other"
)";
    EXPECT_THAT(parse_error(dup), HasSubstr("duplicate key name \"ops\""));
    EXPECT_THROW(load_api_keys("/nonexistent/keys.toml"), std::invalid_argument);
}

TEST(api_keys, a_valid_key_yields_its_entry_identity) {
    const api_key_authenticator authn(parse_api_keys(keys_file(to_hex(sha256(key1))), "k"));
    auto creds = with_token(key1);
    creds.roles = "superuser";  // never trusted with keys
    creds.user_id = "mallory";
    const auto who = run(authn, creds);
    ASSERT_TRUE(who.has_value());
    EXPECT_EQ(who->user_id, "ops");
    EXPECT_EQ(who->project_id, "acme");
    EXPECT_EQ(who->roles, (std::vector<std::string>{"admin", "member"}));

    const auto worker = run(authn, with_token("marconi-test-key-0002"));
    ASSERT_TRUE(worker.has_value());
    EXPECT_EQ(worker->user_id, "worker");
    EXPECT_TRUE(worker->roles.empty());
    EXPECT_EQ(authn.challenge(), "Token realm=\"marconi\"");
}

TEST(api_keys, missing_or_bogus_tokens_fail_with_their_reason) {
    const api_key_authenticator authn(parse_api_keys(keys_file(to_hex(sha256(key1))), "k"));
    EXPECT_EQ(run(authn, {}).error(), make_error_code(errc::missing_token));
    EXPECT_EQ(run(authn, with_token("")).error(), make_error_code(errc::missing_token));
    EXPECT_EQ(run(authn, with_token("marconi-test-key-0009")).error(),
              make_error_code(errc::invalid_token));
    // The hash itself is not a key.
    EXPECT_EQ(run(authn, with_token(to_hex(sha256(key1)))).error(),
              make_error_code(errc::invalid_token));
    EXPECT_EQ(make_error_code(errc::invalid_token).message(), "invalid authentication token");
}

TEST(noauth, trusts_the_headers) {
    const noauth_authenticator authn;
    request_credentials creds;
    creds.roles = " admin,member , ,reader";
    creds.user_id = "alice";
    const auto who = run(authn, creds);
    ASSERT_TRUE(who.has_value());
    EXPECT_EQ(who->roles, (std::vector<std::string>{"admin", "member", "reader"}));
    EXPECT_EQ(who->user_id, "alice");
    EXPECT_FALSE(who->project_id.has_value());  // X-Project-ID names the project
    const auto nobody = run(authn, {});
    ASSERT_TRUE(nobody.has_value());
    EXPECT_TRUE(nobody->roles.empty());
}

TEST(noauth, split_roles) {
    EXPECT_TRUE(split_roles("").empty());
    EXPECT_EQ(split_roles("admin"), std::vector<std::string>{"admin"});
    EXPECT_EQ(split_roles("a,,b,"), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace marconi::auth
