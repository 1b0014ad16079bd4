// Marconi. Config loading: defaults, TOML, environment precedence and collected errors.
#include "config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace marconi::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

/// Writes `text` to a fresh file under the test temp dir and removes it afterwards.
class temp_toml {
public:
    explicit temp_toml(const std::string& text)
        : path_(std::filesystem::path(::testing::TempDir()) /
                (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
                 ".toml")) {
        std::ofstream(path_) << text;
    }
    ~temp_toml() { std::filesystem::remove(path_); }
    std::string path() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

/// Sets an environment variable for one test.
class scoped_env {
public:
    scoped_env(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
    ~scoped_env() { ::unsetenv(name_); }

private:
    const char* name_;
};

std::string load_error(const std::string& path) {
    try {
        load(path);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return {};
}

TEST(config, defaults_match_zaqar) {
    const auto cfg = load("");
    EXPECT_EQ(cfg.server.bind, "127.0.0.1");
    EXPECT_EQ(cfg.server.port, 8888);
    EXPECT_EQ(cfg.storage.sync, storage::sync_mode::full);
    EXPECT_EQ(cfg.transport.max_messages_post_size, 262144);
    EXPECT_EQ(cfg.transport.client_id_uuid_safe, core::client_id_check::strict);
    EXPECT_EQ(cfg.log.level, "info");
}

TEST(config, file_overrides_defaults) {
    const temp_toml file(R"(
[server]
bind = "0.0.0.0"
port = 9000
admin_mode = true
[storage]
uri = "sqlite://:memory:"
sync = "off"
[transport]
max_messages_post_size = 1024
client_id_uuid_safe = "off"
message_delete_with_claim_id = true
[log]
level = "debug"
)");
    const auto cfg = load(file.path());
    EXPECT_EQ(cfg.server.bind, "0.0.0.0");
    EXPECT_EQ(cfg.server.port, 9000);
    EXPECT_TRUE(cfg.server.admin_mode);
    EXPECT_EQ(cfg.storage.uri, "sqlite://:memory:");
    EXPECT_EQ(cfg.storage.sync, storage::sync_mode::off);
    EXPECT_EQ(cfg.transport.max_messages_post_size, 1024);
    EXPECT_EQ(cfg.transport.client_id_uuid_safe, core::client_id_check::off);
    EXPECT_TRUE(cfg.transport.message_delete_with_claim_id);
    EXPECT_EQ(cfg.log.level, "debug");
    EXPECT_EQ(cfg.transport.max_queues_per_page, 20);  // untouched keys keep defaults
}

TEST(config, environment_beats_file) {
    const temp_toml file("[server]\nport = 9000\n[storage]\nuri = \"sqlite:///a.db\"\n");
    const scoped_env port("MARCONI_SERVER_PORT", "9999");
    const scoped_env uri("MARCONI_STORAGE_URI", "sqlite:///b.db");
    const scoped_env size("MARCONI_TRANSPORT_MAX_MESSAGES_POST_SIZE", "2048");
    const scoped_env admin("MARCONI_SERVER_ADMIN_MODE", "true");
    const auto cfg = load(file.path());
    EXPECT_EQ(cfg.server.port, 9999);
    EXPECT_EQ(cfg.storage.uri, "sqlite:///b.db");
    EXPECT_EQ(cfg.transport.max_messages_post_size, 2048);
    EXPECT_TRUE(cfg.server.admin_mode);
}

TEST(config, unrelated_marconi_variables_are_ignored) {
    const scoped_env other("MARCONI_TEST_REDIS_URL", "redis://x");
    EXPECT_NO_THROW(load(""));
}

TEST(config, reports_every_problem_with_its_location) {
    const temp_toml file(R"([server]
port = 70000
workers = "four"
colour = 1
[storage]
sync = "fast"
[transport]
max_queues_per_page = -1
default_claim_ttl = 1.5
[extra]
x = 1
)");
    const scoped_env env("MARCONI_LOG_LEVEL", "loud");
    const scoped_env bad_int("MARCONI_SERVER_GC_INTERVAL_SECONDS", "soon");
    const auto message = load_error(file.path());
    const auto at = file.path() + ":";
    EXPECT_THAT(message,
                HasSubstr(at + "2:8: server.port: must be between 0 and 65535, got 70000"));
    EXPECT_THAT(message, HasSubstr(at + "3:11: server.workers: expected an integer, got a string"));
    EXPECT_THAT(message, HasSubstr(at + "4:10: unknown key server.colour"));
    EXPECT_THAT(
        message,
        HasSubstr(at + "6:8: storage.sync: unknown value \"fast\" (expected full|normal|off)"));
    EXPECT_THAT(message, HasSubstr("transport.max_queues_per_page: must be between 1 and"));
    EXPECT_THAT(
        message,
        HasSubstr("transport.default_claim_ttl: expected an integer, got a floating-point"));
    EXPECT_THAT(message, HasSubstr(at + "10:1: unknown section [extra]"));
    EXPECT_THAT(message, HasSubstr("env MARCONI_LOG_LEVEL: log.level: unknown value \"loud\""));
    EXPECT_THAT(message,
                HasSubstr("env MARCONI_SERVER_GC_INTERVAL_SECONDS: "
                          "server.gc_interval_seconds: expected an integer, got \"soon\""));
    EXPECT_EQ(std::count(message.begin(), message.end(), '\n') + 1, 9) << message;
}

TEST(config, section_must_be_a_table) {
    const temp_toml file("server = 5\n");
    EXPECT_THAT(load_error(file.path()), HasSubstr("server must be a table, got a integer"));
}

TEST(config, inverted_pairs_are_reported) {
    const temp_toml file("[transport]\ndefault_message_ttl = 500\nmax_message_ttl = 400\n");
    EXPECT_THAT(
        load_error(file.path()),
        HasSubstr("transport.default_message_ttl must not exceed transport.max_message_ttl"));
}

TEST(config, syntax_error_names_file_and_line) {
    const temp_toml file("[server]\nport = = 1\n");
    EXPECT_THAT(load_error(file.path()), HasSubstr(file.path() + ":2:"));
}

TEST(config, missing_file_is_an_error) {
    EXPECT_THAT(load_error("/nonexistent/marconi.toml"), HasSubstr("/nonexistent/marconi.toml"));
}

TEST(config, describe_lists_every_option_and_redacts_passwords) {
    auto cfg = load("");
    cfg.storage.uri = "postgresql://marconi:hunter2@db/marconi";
    const auto text = describe(cfg);
    EXPECT_THAT(text, HasSubstr("server.port = 8888\n"));
    EXPECT_THAT(text, HasSubstr("storage.sync = \"full\"\n"));
    EXPECT_THAT(text, HasSubstr("storage.uri = \"postgresql://marconi:***@db/marconi\"\n"));
    EXPECT_THAT(text, HasSubstr("transport.client_id_uuid_safe = \"strict\"\n"));
    EXPECT_THAT(text, HasSubstr("transport.message_delete_with_claim_id = false\n"));
    EXPECT_THAT(text, HasSubstr("log.level = \"info\"\n"));
    EXPECT_THAT(text, HasSubstr("auth.strategy = \"noauth\"\n"));
    EXPECT_THAT(text, HasSubstr("cors.allowed_origin = []\n"));
    EXPECT_THAT(text, HasSubstr("cors.allow_methods = [\"GET\", \"PUT\", \"POST\", \"DELETE\", "
                                "\"PATCH\", \"HEAD\"]\n"));
    EXPECT_THAT(text, HasSubstr("notification.max_notifier_workers_per_project = 5\n"));
    EXPECT_THAT(text, HasSubstr("pooling.allowed_paths = []\n"));
    EXPECT_THAT(text, HasSubstr("quotas.posts_per_second = 0\n"));
    EXPECT_THAT(text, HasSubstr("transport.lazy_queue_get = true\n"));
    EXPECT_THAT(text, HasSubstr("transport.enable_deprecated_api_versions = []\n"));
    EXPECT_THAT(text, HasSubstr("notification.include_message_id = false\n"));
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 88);
}

TEST(config, trustee_password_is_redacted_and_needs_its_user) {
    auto cfg = load("");
    cfg.trustee.username = "zaqar-trustee";
    cfg.trustee.password = "hunter2";
    const auto text = describe(cfg);
    EXPECT_THAT(text, HasSubstr("trustee.username = \"zaqar-trustee\"\n"));
    EXPECT_THAT(text, HasSubstr("trustee.password = \"***\"\n"));
    temp_toml half{
        "[auth]\nstrategy = \"keystone\"\n[keystone_authtoken]\n"
        "auth_url = \"http://ks:5000\"\nusername = \"m\"\npassword = \"p\"\n"
        "project_name = \"s\"\n[trustee]\nusername = \"t\"\n"
        "auth_url = \"ks:5000\"\n"};
    try {
        load(half.path());
        FAIL() << "accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_THAT(e.what(), HasSubstr("trustee.password is required"));
        EXPECT_THAT(e.what(), HasSubstr("trustee.auth_url must be an http:// or https:// URL"));
    }
}

TEST(config, redis_passwords_are_redacted_too) {
    auto cfg = load("");
    cfg.storage.uri = "redis://:hunter2@cache:6379/1";
    EXPECT_THAT(describe(cfg), HasSubstr("storage.uri = \"redis://:***@cache:6379/1\"\n"));
}

TEST(config, metadata_cache_seconds_defaults_to_five_and_zero_turns_it_off) {
    EXPECT_EQ(load("").storage.metadata_cache_seconds, 5);
    {
        temp_toml off{"[storage]\nmetadata_cache_seconds = 0\n"};
        EXPECT_EQ(load(off.path()).storage.metadata_cache_seconds, 0);
    }
    temp_toml negative{"[storage]\nmetadata_cache_seconds = -1\n"};
    EXPECT_THAT(load_error(negative.path()), HasSubstr("metadata_cache_seconds"));
}

TEST(config, server_limits_and_timeouts_have_defaults_and_ranges) {
    const auto defaults = load("");
    EXPECT_EQ(defaults.server.shutdown_grace_seconds, 10);
    EXPECT_EQ(defaults.server.max_connections, 10000);
    EXPECT_EQ(defaults.server.max_inflight_requests, 4096);
    EXPECT_EQ(defaults.server.header_timeout_seconds, 10);
    EXPECT_EQ(defaults.server.body_timeout_seconds, 30);
    EXPECT_EQ(defaults.server.idle_timeout_seconds, 60);

    const scoped_env idle("MARCONI_SERVER_IDLE_TIMEOUT_SECONDS", "2");
    const scoped_env grace("MARCONI_SERVER_SHUTDOWN_GRACE_SECONDS", "0");
    const temp_toml file(R"(
[server]
max_connections = 3
header_timeout_seconds = 1
)");
    const auto cfg = load(file.path());
    EXPECT_EQ(cfg.server.idle_timeout_seconds, 2);
    EXPECT_EQ(cfg.server.shutdown_grace_seconds, 0);
    EXPECT_EQ(cfg.server.max_connections, 3);
    EXPECT_EQ(cfg.server.header_timeout_seconds, 1);

    const temp_toml bad(R"(
[server]
max_inflight_requests = 0
body_timeout_seconds = 0
)");
    const auto error = load_error(bad.path());
    EXPECT_THAT(error, HasSubstr("server.max_inflight_requests: must be between 1 and"));
    EXPECT_THAT(error, HasSubstr("server.body_timeout_seconds: must be between 1 and 3600"));
}

TEST(config, auth_defaults_to_noauth_with_zaqar_cors_defaults) {
    const auto cfg = load("");
    EXPECT_EQ(cfg.auth.strategy, auth_strategy::noauth);
    EXPECT_EQ(cfg.auth.keys_file, "");
    EXPECT_EQ(cfg.auth.policy_file, "");
    EXPECT_TRUE(cfg.cors.allowed_origin.empty());
    EXPECT_TRUE(cfg.cors.allow_credentials);
    EXPECT_EQ(cfg.cors.max_age, 3600);
    EXPECT_EQ(cfg.cors.allow_headers.size(), 10u);
    EXPECT_EQ(cfg.cors.allow_headers.back(), "Client-id");
    EXPECT_EQ(cfg.cors.expose_headers.front(), "X-Auth-Token");
}

TEST(config, auth_and_cors_from_file_and_environment) {
    const temp_toml file(R"(
[auth]
strategy = "apikeys"
keys_file = "/etc/marconi/keys.toml"
policy_file = "/etc/marconi/policy.json"
[cors]
allowed_origin = ["https://a.example", "https://b.example"]
allow_credentials = false
max_age = 0
)");
    const scoped_env headers("MARCONI_CORS_ALLOW_HEADERS", " X-Auth-Token , Client-ID");
    const scoped_env expose("MARCONI_CORS_EXPOSE_HEADERS", "");
    const auto cfg = load(file.path());
    EXPECT_EQ(cfg.auth.strategy, auth_strategy::apikeys);
    EXPECT_EQ(cfg.auth.keys_file, "/etc/marconi/keys.toml");
    EXPECT_EQ(cfg.auth.policy_file, "/etc/marconi/policy.json");
    EXPECT_EQ(cfg.cors.allowed_origin,
              (std::vector<std::string>{"https://a.example", "https://b.example"}));
    EXPECT_FALSE(cfg.cors.allow_credentials);
    EXPECT_EQ(cfg.cors.max_age, 0);
    EXPECT_EQ(cfg.cors.allow_headers, (std::vector<std::string>{"X-Auth-Token", "Client-ID"}));
    EXPECT_TRUE(cfg.cors.expose_headers.empty());
}

TEST(config, pool_directories_from_file_and_environment) {
    EXPECT_TRUE(load("").pooling.allowed_paths.empty());  // the default store's directory
    const temp_toml file(R"([pooling]
allowed_paths = ["/srv/pools", "/mnt/pools"]
)");
    EXPECT_EQ(load(file.path()).pooling.allowed_paths,
              (std::vector<std::string>{"/srv/pools", "/mnt/pools"}));
    const scoped_env paths("MARCONI_POOLING_ALLOWED_PATHS", "/data/a, /data/b");
    EXPECT_EQ(load("").pooling.allowed_paths, (std::vector<std::string>{"/data/a", "/data/b"}));
}

TEST(config, auth_and_cors_problems_are_reported) {
    const temp_toml file(R"([auth]
strategy = "kerberos"
[cors]
allowed_origin = "https://a.example"
allow_methods = ["GET", 1]
allow_headers = ["X-Auth-Token", " "]
)");
    const auto message = load_error(file.path());
    EXPECT_THAT(message, HasSubstr("auth.strategy: unknown value \"kerberos\" (expected "
                                   "noauth|apikeys|keystone)"));
    EXPECT_THAT(message, HasSubstr("cors.allowed_origin: expected an array of strings, got a "
                                   "string"));
    EXPECT_THAT(message, HasSubstr("cors.allow_methods: expected an array of strings, got a "
                                   "integer"));
    EXPECT_THAT(message, HasSubstr("cors.allow_headers: items must not be empty"));
}

TEST(config, apikeys_needs_a_keys_file) {
    const scoped_env strategy("MARCONI_AUTH_STRATEGY", "apikeys");
    EXPECT_THAT(load_error(""),
                HasSubstr("auth.keys_file is required when auth.strategy = \"apikeys\""));
    const scoped_env keys("MARCONI_AUTH_KEYS_FILE", "/etc/marconi/keys.toml");
    EXPECT_EQ(load("").auth.strategy, auth_strategy::apikeys);
}

TEST(config, keystone_options_have_keystonemiddleware_names_and_defaults) {
    const auto defaults = load("");
    EXPECT_EQ(defaults.keystone.token_cache_time, 300);
    EXPECT_EQ(defaults.keystone.user_domain_name, "Default");
    EXPECT_EQ(defaults.keystone.project_domain_name, "Default");
    EXPECT_EQ(defaults.keystone.www_authenticate_uri, "");

    const temp_toml file(R"([auth]
strategy = "keystone"
[keystone_authtoken]
www_authenticate_uri = "https://keystone.example/v3"
auth_url = "http://keystone.internal:5000"
username = "zaqar"
project_name = "service"
token_cache_time = -1
http_connect_timeout = 2
)");
    const scoped_env password("MARCONI_KEYSTONE_AUTHTOKEN_PASSWORD", "s3cret-pass");
    const auto cfg = load(file.path());
    EXPECT_EQ(cfg.auth.strategy, auth_strategy::keystone);
    EXPECT_EQ(cfg.keystone.www_authenticate_uri, "https://keystone.example/v3");
    EXPECT_EQ(cfg.keystone.auth_url, "http://keystone.internal:5000");
    EXPECT_EQ(cfg.keystone.username, "zaqar");
    EXPECT_EQ(cfg.keystone.password, "s3cret-pass");
    EXPECT_EQ(cfg.keystone.project_name, "service");
    EXPECT_EQ(cfg.keystone.token_cache_time, -1);
    EXPECT_EQ(cfg.keystone.http_connect_timeout, 2);
    // The password never reaches the start-up log.
    const auto shown = describe(cfg);
    EXPECT_THAT(shown, HasSubstr("keystone_authtoken.password = \"***\""));
    EXPECT_THAT(shown, Not(HasSubstr("s3cret-pass")));
}

TEST(config, keystone_needs_its_credentials) {
    const scoped_env strategy("MARCONI_AUTH_STRATEGY", "keystone");
    const scoped_env url("MARCONI_KEYSTONE_AUTHTOKEN_AUTH_URL", "keystone:5000");
    const auto message = load_error("");
    EXPECT_THAT(message, HasSubstr("keystone_authtoken.username is required when auth.strategy "
                                   "= \"keystone\""));
    EXPECT_THAT(message, HasSubstr("keystone_authtoken.password is required"));
    EXPECT_THAT(message, HasSubstr("keystone_authtoken.project_name is required"));
    EXPECT_THAT(message, HasSubstr("keystone_authtoken.auth_url must be an http:// or https:// "
                                   "URL, got \"keystone:5000\""));
}

TEST(config, signed_url_secret_key_comes_from_the_environment_and_is_never_shown) {
    EXPECT_EQ(load("").signed_url.secret_key, "");
    EXPECT_THAT(describe(load("")), HasSubstr("signed_url.secret_key = \"\"\n"));
    const scoped_env key("MARCONI_SIGNED_URL_SECRET_KEY", "hmac-key-0001");
    const auto cfg = load("");
    EXPECT_EQ(cfg.signed_url.secret_key, "hmac-key-0001");
    EXPECT_THAT(describe(cfg), HasSubstr("signed_url.secret_key = \"***\"\n"));
    EXPECT_THAT(describe(cfg), Not(HasSubstr("hmac-key-0001")));
}

TEST(config, tls_needs_both_files) {
    EXPECT_EQ(load("").server.tls_cert_file, "");
    const scoped_env cert("MARCONI_SERVER_TLS_CERT_FILE", "/etc/marconi/cert.pem");
    EXPECT_THAT(load_error(""), HasSubstr("server.tls_cert_file and server.tls_key_file go "
                                          "together"));
    const scoped_env key("MARCONI_SERVER_TLS_KEY_FILE", "/etc/marconi/key.pem");
    const auto cfg = load("");
    EXPECT_EQ(cfg.server.tls_cert_file, "/etc/marconi/cert.pem");
    EXPECT_EQ(cfg.server.tls_key_file, "/etc/marconi/key.pem");
}

TEST(config, deprecated_api_versions_are_off_unless_listed) {
    EXPECT_TRUE(load("").server.enable_deprecated_api_versions.empty());
    {
        const scoped_env listed("MARCONI_TRANSPORT_ENABLE_DEPRECATED_API_VERSIONS", "1.1");
        EXPECT_EQ(load("").server.enable_deprecated_api_versions, std::vector<std::string>{"1.1"});
    }
    {
        const scoped_env unknown("MARCONI_TRANSPORT_ENABLE_DEPRECATED_API_VERSIONS", "1.1,3");
        EXPECT_THAT(load_error(""), HasSubstr("transport.enable_deprecated_api_versions: "
                                              "unknown version \"3\""));
    }
    const scoped_env both("MARCONI_TRANSPORT_ENABLE_DEPRECATED_API_VERSIONS", "1, 1.1");
    EXPECT_EQ(load("").server.enable_deprecated_api_versions,
              (std::vector<std::string>{"1", "1.1"}));
}

TEST(config, quotas_default_to_unlimited) {
    const auto cfg = load("");
    EXPECT_EQ(cfg.quotas.max_queues_per_project, 0);
    EXPECT_EQ(cfg.quotas.posts_per_second, 0);
    EXPECT_TRUE(cfg.project_quotas.empty());
}

TEST(config, project_quotas_override_the_effective_defaults) {
    const temp_toml file(R"(
[quotas]
max_queues_per_project = 10
posts_per_second = 5

[[quotas.project]]
id = "big"
posts_per_second = 50
posts_burst = 100

[[quotas.project]]
id = "frozen"
max_queues_per_project = 1
)");
    const scoped_env env("MARCONI_QUOTAS_MAX_MESSAGES_PER_QUEUE", "1000");
    const auto cfg = load(file.path());
    EXPECT_EQ(cfg.quotas.max_queues_per_project, 10);
    ASSERT_EQ(cfg.project_quotas.size(), 2u);
    const auto& big = cfg.project_quotas.at("big");
    EXPECT_EQ(big.posts_per_second, 50);
    EXPECT_EQ(big.posts_burst, 100);
    EXPECT_EQ(big.max_queues_per_project, 10);    // from [quotas]
    EXPECT_EQ(big.max_messages_per_queue, 1000);  // from the environment
    EXPECT_EQ(cfg.project_quotas.at("frozen").max_queues_per_project, 1);
    EXPECT_EQ(cfg.project_quotas.at("frozen").posts_per_second, 5);
    EXPECT_THAT(describe(cfg), HasSubstr("quotas.project \"big\" = {max_queues_per_project = 10"));
}

TEST(config, quota_problems_are_all_reported) {
    const temp_toml file(R"(
[quotas]
posts_per_second = -1

[[quotas.project]]
posts_per_second = 1

[[quotas.project]]
id = "a"
claims_burst = "many"
bogus = 1

[[quotas.project]]
id = "a"
)");
    const auto error = load_error(file.path());
    EXPECT_THAT(error, HasSubstr(":3:20: quotas.posts_per_second: must be between 0 and"));
    EXPECT_THAT(error, HasSubstr("quotas.project needs a non-empty id string"));
    EXPECT_THAT(error, HasSubstr("quotas.project \"a\": claims_burst: expected an integer"));
    EXPECT_THAT(error, HasSubstr("quotas.project \"a\": unknown key bogus"));
    EXPECT_THAT(error, HasSubstr("quotas.project \"a\" is given twice"));
}

TEST(config, project_quotas_must_be_an_array_of_tables) {
    const temp_toml file("[quotas]\nproject = 3\n");
    EXPECT_THAT(load_error(file.path()),
                HasSubstr("quotas.project must be an array of tables ([[quotas.project]])"));
}

TEST(config, example_file_loads_and_sets_the_defaults) {
    const auto example = std::filesystem::path(MARCONI_SOURCE_DIR) / "etc/marconi.example.toml";
    EXPECT_EQ(describe(load(example.string())), describe(load("")));
}

}  // namespace
}  // namespace marconi::config
