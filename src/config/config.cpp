// Marconi. Config loading: one table of options drives the TOML reader, the MARCONI_* variables
// and describe(). Adding an option is one line in options().
#include "config/config.hpp"

#include "storage/contract/redacted_uri.hpp"

#include <toml++/toml.h>

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace marconi::config {
namespace {

using std::to_string;

/// A value before conversion: a TOML node, or the text of an environment variable.
using raw_value = std::variant<const toml::node*, std::string_view>;

struct option {
    std::string_view section;
    std::string_view key;
    /// Converts and stores the value; returns what is wrong with it, or "" when stored.
    std::function<std::string(config&, const raw_value&)> set;
    /// The current value as TOML text, secrets redacted.
    std::function<std::string(const config&)> show;
};

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string type_name(const toml::node& node) {
    std::ostringstream out;
    out << node.type();
    return out.str();
}

// Readers return the converted value, or nullopt with the reason in `problem`.

std::optional<std::int64_t> read_integer(const raw_value& value, std::string& problem) {
    if (const auto* node = std::get_if<const toml::node*>(&value)) {
        if (const auto* n = (*node)->as_integer()) return n->get();
        problem = "expected an integer, got a " + type_name(**node);
        return std::nullopt;
    }
    const auto text = std::get<std::string_view>(value);
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        problem = "expected an integer, got " + quoted(text);
        return std::nullopt;
    }
    return n;
}

std::optional<bool> read_bool(const raw_value& value, std::string& problem) {
    if (const auto* node = std::get_if<const toml::node*>(&value)) {
        if (const auto* b = (*node)->as_boolean()) return b->get();
        problem = "expected a boolean, got a " + type_name(**node);
        return std::nullopt;
    }
    const auto text = std::get<std::string_view>(value);
    if (text == "true" || text == "1") return true;
    if (text == "false" || text == "0") return false;
    problem = "expected true or false, got " + quoted(text);
    return std::nullopt;
}

std::optional<std::string> read_string(const raw_value& value, std::string& problem) {
    if (const auto* node = std::get_if<const toml::node*>(&value)) {
        if (const auto* s = (*node)->as_string()) return s->get();
        problem = "expected a string, got a " + type_name(**node);
        return std::nullopt;
    }
    return std::string(std::get<std::string_view>(value));
}

// Factories: each binds one field, reached as cfg.*section.*field, to its parser and checks.

template <class S, class F>
option integer(std::string_view section, std::string_view key, S config::*s, F S::*f,
               std::int64_t min, std::int64_t max = std::numeric_limits<std::int64_t>::max()) {
    return {section, key,
            [=](config& cfg, const raw_value& value) -> std::string {
                std::string problem;
                const auto n = read_integer(value, problem);
                if (!n) return problem;
                const auto v = *n;
                if (v < min || v > max) {
                    return "must be between " + to_string(min) + " and " + to_string(max) +
                           ", got " + to_string(v);
                }
                cfg.*s.*f = static_cast<F>(v);
                return {};
            },
            [=](const config& cfg) { return to_string(cfg.*s.*f); }};
}

template <class S>
option boolean(std::string_view section, std::string_view key, S config::*s, bool S::*f) {
    return {section, key,
            [=](config& cfg, const raw_value& value) -> std::string {
                std::string problem;
                const auto b = read_bool(value, problem);
                if (!b) return problem;
                cfg.*s.*f = *b;
                return {};
            },
            [=](const config& cfg) { return std::string(cfg.*s.*f ? "true" : "false"); }};
}

template <class S>
option text(std::string_view section, std::string_view key, S config::*s, std::string S::*f,
            std::function<std::string(std::string_view)> redact = {}) {
    return {section, key,
            [=](config& cfg, const raw_value& value) -> std::string {
                std::string problem;
                auto str = read_string(value, problem);
                if (!str) return problem;
                if (str->empty()) return "must not be empty";
                cfg.*s.*f = std::move(*str);
                return {};
            },
            [=](const config& cfg) { return quoted(redact ? redact(cfg.*s.*f) : cfg.*s.*f); }};
}

/// A file path or similar text where "" means "not set".
template <class S>
option optional_text(std::string_view section, std::string_view key, S config::*s,
                     std::string S::*f, std::function<std::string(std::string_view)> redact = {}) {
    return {section, key,
            [=](config& cfg, const raw_value& value) -> std::string {
                std::string problem;
                auto str = read_string(value, problem);
                if (!str) return problem;
                cfg.*s.*f = std::move(*str);
                return {};
            },
            [=](const config& cfg) { return quoted(redact ? redact(cfg.*s.*f) : cfg.*s.*f); }};
}

/// A secret: shown as "***" when set.
std::string redact_secret(std::string_view secret) { return secret.empty() ? "" : "***"; }

/// A list of non-empty strings: a TOML array, or comma-separated text in the environment
/// (oslo.config's ListOpt); items are trimmed.
template <class S>
option text_list(std::string_view section, std::string_view key, S config::*s,
                 std::vector<std::string> S::*f) {
    return {section, key,
            [=](config& cfg, const raw_value& value) -> std::string {
                std::vector<std::string> items;
                if (const auto* node = std::get_if<const toml::node*>(&value)) {
                    const auto* array = (*node)->as_array();
                    if (!array) return "expected an array of strings, got a " + type_name(**node);
                    for (const auto& item : *array) {
                        const auto* str = item.as_string();
                        if (!str) return "expected an array of strings, got a " + type_name(item);
                        items.push_back(str->get());
                    }
                } else {
                    auto text = std::get<std::string_view>(value);
                    while (!text.empty()) {
                        const auto comma = text.find(',');
                        items.emplace_back(text.substr(0, comma));
                        if (comma == std::string_view::npos) break;
                        text.remove_prefix(comma + 1);
                    }
                }
                for (auto& item : items) {
                    const auto first = item.find_first_not_of(" \t");
                    const auto last = item.find_last_not_of(" \t");
                    item = first == std::string::npos ? "" : item.substr(first, last - first + 1);
                    if (item.empty()) return "items must not be empty";
                }
                cfg.*s.*f = std::move(items);
                return {};
            },
            [=](const config& cfg) {
                std::string out = "[";
                for (const auto& item : cfg.*s.*f) {
                    out += (out.size() > 1 ? ", " : "") + quoted(item);
                }
                return out + "]";
            }};
}

template <class S, class F>
option choice(std::string_view section, std::string_view key, S config::*s, F S::*f,
              std::vector<std::pair<std::string_view, F>> choices) {
    return {section, key,
            [=](config& cfg, const raw_value& value) -> std::string {
                std::string problem;
                const auto str = read_string(value, problem);
                if (!str) return problem;
                std::string expected;
                for (const auto& [name, v] : choices) {
                    if (name == *str) {
                        cfg.*s.*f = v;
                        return {};
                    }
                    expected += (expected.empty() ? "" : "|") + std::string(name);
                }
                return "unknown value " + quoted(*str) + " (expected " + expected + ")";
            },
            [=](const config& cfg) {
                for (const auto& [name, v] : choices) {
                    if (v == cfg.*s.*f) return quoted(name);
                }
                return std::string("?");
            }};
}

/// Bounds of the rate quotas: a token bucket counts microseconds between tokens.
constexpr std::int64_t max_rate = 1'000'000;
constexpr std::int64_t max_burst = 1'000'000'000;

/// The key of [quotas] that holds the per-project overrides, read after the environment.
constexpr std::string_view project_quotas_key = "project";

const std::vector<option>& options() {
    using core::limits;
    using core::quota_limits;
    using storage::driver_options;
    using storage::pooling_options;
    using storage::sync_mode;
    static const std::vector<option> table = {
        text("server", "bind", &config::server, &server_config::bind),
        integer("server", "port", &config::server, &server_config::port, 0, 65535),
        integer("server", "workers", &config::server, &server_config::workers, 0, 1024),
        boolean("server", "admin_mode", &config::server, &server_config::admin_mode),
        integer("server", "gc_interval_seconds", &config::server,
                &server_config::gc_interval_seconds, 1, 86400),
        integer("server", "shutdown_grace_seconds", &config::server,
                &server_config::shutdown_grace_seconds, 0, 3600),
        integer("server", "max_connections", &config::server, &server_config::max_connections, 1,
                1000000),
        integer("server", "max_inflight_requests", &config::server,
                &server_config::max_inflight_requests, 1, 1000000),
        integer("server", "header_timeout_seconds", &config::server,
                &server_config::header_timeout_seconds, 1, 3600),
        integer("server", "body_timeout_seconds", &config::server,
                &server_config::body_timeout_seconds, 1, 3600),
        integer("server", "idle_timeout_seconds", &config::server,
                &server_config::idle_timeout_seconds, 1, 86400),
        optional_text("server", "tls_cert_file", &config::server, &server_config::tls_cert_file),
        optional_text("server", "tls_key_file", &config::server, &server_config::tls_key_file),

        text("storage", "uri", &config::storage, &driver_options::uri, storage::redacted_uri),
        choice("storage", "sync", &config::storage, &driver_options::sync,
               {{"full", sync_mode::full}, {"normal", sync_mode::normal}, {"off", sync_mode::off}}),
        integer("storage", "read_threads", &config::storage, &driver_options::read_threads, 1, 256),
        integer("storage", "metadata_cache_seconds", &config::storage,
                &driver_options::metadata_cache_seconds, 0, 3600),

        boolean("pooling", "enabled", &config::pooling, &pooling_options::enabled),
        text("pooling", "control_uri", &config::pooling, &pooling_options::control_uri,
             storage::redacted_uri),
        choice("pooling", "placement", &config::pooling, &pooling_options::placement,
               {{"weighted", storage::pooled::placement_mode::weighted},
                {"hash", storage::pooled::placement_mode::hash}}),
        text_list("pooling", "allowed_paths", &config::pooling, &pooling_options::allowed_paths),

        integer("transport", "default_message_ttl", &config::transport,
                &limits::default_message_ttl, core::min_message_ttl),
        integer("transport", "default_message_delay", &config::transport,
                &limits::default_message_delay, core::min_message_delay),
        integer("transport", "default_claim_ttl", &config::transport, &limits::default_claim_ttl,
                core::min_claim_ttl),
        integer("transport", "default_claim_grace", &config::transport,
                &limits::default_claim_grace, core::min_claim_grace),
        integer("transport", "max_queues_per_page", &config::transport,
                &limits::max_queues_per_page, 1),
        integer("transport", "max_pools_per_page", &config::transport, &limits::max_pools_per_page,
                1),
        integer("transport", "max_flavors_per_page", &config::transport,
                &limits::max_flavors_per_page, 1),
        integer("transport", "max_messages_per_page", &config::transport,
                &limits::max_messages_per_page, 1),
        integer("transport", "max_messages_per_claim_or_pop", &config::transport,
                &limits::max_messages_per_claim_or_pop, 1),
        integer("transport", "max_queue_metadata", &config::transport, &limits::max_queue_metadata,
                1),
        integer("transport", "max_messages_post_size", &config::transport,
                &limits::max_messages_post_size, 1),
        integer("transport", "max_message_ttl", &config::transport, &limits::max_message_ttl,
                core::min_message_ttl),
        integer("transport", "max_message_delay", &config::transport, &limits::max_message_delay,
                core::min_message_delay),
        integer("transport", "max_claim_ttl", &config::transport, &limits::max_claim_ttl,
                core::min_claim_ttl),
        integer("transport", "max_claim_grace", &config::transport, &limits::max_claim_grace,
                core::min_claim_grace),
        choice("transport", "client_id_uuid_safe", &config::transport, &limits::client_id_uuid_safe,
               {{"strict", core::client_id_check::strict}, {"off", core::client_id_check::off}}),
        integer("transport", "min_length_client_id", &config::transport,
                &limits::min_length_client_id, 0),
        integer("transport", "max_length_client_id", &config::transport,
                &limits::max_length_client_id, 1),
        boolean("transport", "message_delete_with_claim_id", &config::transport,
                &limits::message_delete_with_claim_id),
        boolean("transport", "lazy_queue_get", &config::transport, &limits::lazy_queue_get),
        text_list("transport", "enable_deprecated_api_versions", &config::server,
                  &server_config::enable_deprecated_api_versions),
        text_list("transport", "subscriber_types", &config::transport, &limits::subscriber_types),
        integer("transport", "max_subscriptions_per_page", &config::transport,
                &limits::max_subscriptions_per_page, 1),
        integer("transport", "default_subscription_ttl", &config::transport,
                &limits::default_subscription_ttl, core::min_subscription_ttl),

        boolean("notification", "require_confirmation", &config::notification,
                &core::notification_options::require_confirmation),

        choice("auth", "strategy", &config::auth, &auth_config::strategy,
               {{"noauth", auth_strategy::noauth},
                {"apikeys", auth_strategy::apikeys},
                {"keystone", auth_strategy::keystone}}),
        optional_text("auth", "keys_file", &config::auth, &auth_config::keys_file),
        optional_text("auth", "policy_file", &config::auth, &auth_config::policy_file),

        optional_text("keystone_authtoken", "www_authenticate_uri", &config::keystone,
                      &keystone_config::www_authenticate_uri),
        optional_text("keystone_authtoken", "auth_url", &config::keystone,
                      &keystone_config::auth_url),
        optional_text("keystone_authtoken", "username", &config::keystone,
                      &keystone_config::username),
        optional_text("keystone_authtoken", "password", &config::keystone,
                      &keystone_config::password, redact_secret),
        optional_text("keystone_authtoken", "project_name", &config::keystone,
                      &keystone_config::project_name),
        text("keystone_authtoken", "user_domain_name", &config::keystone,
             &keystone_config::user_domain_name),
        text("keystone_authtoken", "project_domain_name", &config::keystone,
             &keystone_config::project_domain_name),
        integer("keystone_authtoken", "token_cache_time", &config::keystone,
                &keystone_config::token_cache_time, -1, 86400),
        integer("keystone_authtoken", "http_connect_timeout", &config::keystone,
                &keystone_config::http_connect_timeout, 1, 300),
        optional_text("keystone_authtoken", "cafile", &config::keystone, &keystone_config::cafile),
        optional_text("trustee", "auth_url", &config::trustee, &trustee_config::auth_url),
        optional_text("trustee", "username", &config::trustee, &trustee_config::username),
        optional_text("trustee", "password", &config::trustee, &trustee_config::password,
                      redact_secret),
        optional_text("trustee", "user_domain_name", &config::trustee,
                      &trustee_config::user_domain_name),

        text_list("cors", "allowed_origin", &config::cors, &cors_config::allowed_origin),
        boolean("cors", "allow_credentials", &config::cors, &cors_config::allow_credentials),
        text_list("cors", "expose_headers", &config::cors, &cors_config::expose_headers),
        integer("cors", "max_age", &config::cors, &cors_config::max_age, 0,
                std::numeric_limits<int>::max()),
        text_list("cors", "allow_methods", &config::cors, &cors_config::allow_methods),
        text_list("cors", "allow_headers", &config::cors, &cors_config::allow_headers),

        optional_text("websocket", "bind", &config::websocket, &websocket_config::bind),
        integer("websocket", "port", &config::websocket, &websocket_config::port, 0, 65535),
        text("websocket", "notification_bind", &config::websocket,
             &websocket_config::notification_bind),
        integer("websocket", "notification_port", &config::websocket,
                &websocket_config::notification_port, 0, 65535),
        integer("notification", "max_notifier_workers", &config::delivery,
                &notification_config::max_notifier_workers, 1, 10000),
        integer("notification", "max_notifier_workers_per_project", &config::delivery,
                &notification_config::max_notifier_workers_per_project, 1, 10000),
        text("notification", "smtp_command", &config::delivery, &notification_config::smtp_command),
        optional_text("notification", "dead_letter_queue", &config::delivery,
                      &notification_config::dead_letter_queue),
        integer("notification", "delivery_timeout_seconds", &config::delivery,
                &notification_config::delivery_timeout_seconds, 1, 3600),
        boolean("notification", "include_message_id", &config::delivery,
                &notification_config::include_message_id),

        optional_text("signed_url", "secret_key", &config::signed_url,
                      &signed_url_config::secret_key, redact_secret),

        integer("quotas", "max_queues_per_project", &config::quotas,
                &quota_limits::max_queues_per_project, 0),
        integer("quotas", "max_messages_per_queue", &config::quotas,
                &quota_limits::max_messages_per_queue, 0),
        integer("quotas", "max_subscriptions_per_queue", &config::quotas,
                &quota_limits::max_subscriptions_per_queue, 0),
        integer("quotas", "posts_per_second", &config::quotas, &quota_limits::posts_per_second, 0,
                max_rate),
        integer("quotas", "posts_burst", &config::quotas, &quota_limits::posts_burst, 0, max_burst),
        integer("quotas", "claims_per_second", &config::quotas, &quota_limits::claims_per_second, 0,
                max_rate),
        integer("quotas", "claims_burst", &config::quotas, &quota_limits::claims_burst, 0,
                max_burst),

        choice<log_config, std::string>("log", "level", &config::log, &log_config::level,
                                        {{"trace", "trace"},
                                         {"debug", "debug"},
                                         {"info", "info"},
                                         {"warn", "warn"},
                                         {"error", "error"}}),
    };
    return table;
}

/// Pairs that make every request fail when inverted; Zaqar does not check them.
struct cross_check {
    std::string_view lower;
    std::string_view upper;
    std::function<bool(const config&)> ok;
};

const std::vector<cross_check>& cross_checks() {
    static const std::vector<cross_check> table = {
        {"transport.default_message_ttl", "transport.max_message_ttl",
         [](const config& c) {
             return c.transport.default_message_ttl <= c.transport.max_message_ttl;
         }},
        {"transport.default_message_delay", "transport.max_message_delay",
         [](const config& c) {
             return c.transport.default_message_delay <= c.transport.max_message_delay;
         }},
        {"transport.default_claim_ttl", "transport.max_claim_ttl",
         [](const config& c) {
             return c.transport.default_claim_ttl <= c.transport.max_claim_ttl;
         }},
        {"transport.default_claim_grace", "transport.max_claim_grace",
         [](const config& c) {
             return c.transport.default_claim_grace <= c.transport.max_claim_grace;
         }},
        {"transport.min_length_client_id", "transport.max_length_client_id",
         [](const config& c) {
             return c.transport.min_length_client_id <= c.transport.max_length_client_id;
         }},
    };
    return table;
}

const option* find_option(std::string_view section, std::string_view key) {
    for (const auto& opt : options()) {
        if (opt.section == section && opt.key == key) return &opt;
    }
    return nullptr;
}

bool known_section(std::string_view section) {
    for (const auto& opt : options()) {
        if (opt.section == section) return true;
    }
    return false;
}

std::string name_of(const option& opt) {
    return std::string(opt.section) + "." + std::string(opt.key);
}

std::string where(const std::string& path, const toml::node& node) {
    const auto& begin = node.source().begin;
    return path + ":" + to_string(begin.line) + ":" + to_string(begin.column);
}

void apply_section(config& cfg, const std::string& path, std::string_view section,
                   const toml::table& table, std::vector<std::string>& problems) {
    for (const auto& [key, node] : table) {
        if (section == "quotas" && key.str() == project_quotas_key) continue;
        const option* opt = find_option(section, key.str());
        if (!opt) {
            problems.push_back(where(path, node) + ": unknown key " + std::string(section) + "." +
                               std::string(key.str()));
        } else if (auto problem = opt->set(cfg, &node); !problem.empty()) {
            problems.push_back(where(path, node) + ": " + name_of(*opt) + ": " + problem);
        }
    }
}

/// The parsed file, or nullopt (with the syntax error in `problems`).
std::optional<toml::table> parse_file(const std::string& path, std::vector<std::string>& problems) {
    try {
        return toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        const auto& begin = e.source().begin;
        problems.push_back(path + ":" + to_string(begin.line) + ":" + to_string(begin.column) +
                           ": " + std::string(e.description()));
        return std::nullopt;
    }
}

void apply_file(config& cfg, const std::string& path, const toml::table& root,
                std::vector<std::string>& problems) {
    for (const auto& [section, node] : root) {
        const auto name = std::string(section.str());
        if (!known_section(name)) {
            problems.push_back(where(path, node) + ": unknown section [" + name + "]");
        } else if (const auto* table = node.as_table()) {
            apply_section(cfg, path, name, *table, problems);
        } else {
            problems.push_back(where(path, node) + ": " + name + " must be a table, got a " +
                               type_name(node));
        }
    }
}

/// One [[quotas.project]] entry: its id and any [quotas] keys, over `cfg.quotas`.
void apply_project_quota(config& cfg, const std::string& path, const toml::table& entry,
                         std::vector<std::string>& problems) {
    const auto* id = entry.get_as<std::string>("id");
    if (!id || id->get().empty()) {
        problems.push_back(where(path, entry) + ": quotas.project needs a non-empty id string");
        return;
    }
    const auto name = "quotas.project \"" + id->get() + "\"";
    config scratch;  // the [quotas] options write into a config; only its quotas are kept
    scratch.quotas = cfg.quotas;
    for (const auto& [key, node] : entry) {
        if (key.str() == "id") continue;
        const option* opt = find_option("quotas", key.str());
        if (!opt) {
            problems.push_back(where(path, node) + ": " + name + ": unknown key " +
                               std::string(key.str()));
        } else if (auto problem = opt->set(scratch, &node); !problem.empty()) {
            problems.push_back(where(path, node) + ": " + name + ": " + std::string(key.str()) +
                               ": " + problem);
        }
    }
    if (!cfg.project_quotas.emplace(id->get(), scratch.quotas).second) {
        problems.push_back(where(path, entry) + ": " + name + " is given twice");
    }
}

// After the environment, so that a key an entry leaves out takes the effective [quotas] value.
void apply_project_quotas(config& cfg, const std::string& path, const toml::table& root,
                          std::vector<std::string>& problems) {
    const auto* quotas = root.get_as<toml::table>("quotas");
    const auto* node = quotas ? quotas->get(project_quotas_key) : nullptr;
    if (!node) return;
    const auto* entries = node->as_array();
    if (!entries || !entries->is_array_of_tables()) {
        problems.push_back(where(path, *node) +
                           ": quotas.project must be an array of tables ([[quotas.project]])");
        return;
    }
    for (const auto& entry : *entries) apply_project_quota(cfg, path, *entry.as_table(), problems);
}

std::string env_name(const option& opt) {
    std::string name = "MARCONI_" + std::string(opt.section) + "_" + std::string(opt.key);
    for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return name;
}

// Only known names are read: other MARCONI_* variables (e.g. the test suite's) are not ours.
void apply_env(config& cfg, std::vector<std::string>& problems) {
    for (const auto& opt : options()) {
        const auto name = env_name(opt);
        const char* value = std::getenv(name.c_str());
        if (!value) continue;
        if (auto problem = opt.set(cfg, std::string_view(value)); !problem.empty()) {
            problems.push_back("env " + name + ": " + name_of(opt) + ": " + problem);
        }
    }
}

void check_pairs(const config& cfg, std::vector<std::string>& problems) {
    for (const auto& check : cross_checks()) {
        if (!check.ok(cfg)) {
            problems.push_back(std::string(check.lower) + " must not exceed " +
                               std::string(check.upper));
        }
    }
    if (cfg.server.tls_cert_file.empty() != cfg.server.tls_key_file.empty()) {
        problems.push_back(
            "server.tls_cert_file and server.tls_key_file go together: set both "
            "for TLS, or neither");
    }
    for (const auto& version : cfg.server.enable_deprecated_api_versions) {
        if (version != "1" && version != "1.1") {
            problems.push_back("transport.enable_deprecated_api_versions: unknown version " +
                               quoted(version) +
                               " (the deprecated versions are \"1\" and \"1.1\")");
        }
    }
    if (cfg.auth.strategy == auth_strategy::apikeys && cfg.auth.keys_file.empty()) {
        problems.push_back("auth.keys_file is required when auth.strategy = \"apikeys\"");
    }
    if (cfg.auth.strategy == auth_strategy::keystone) {
        const std::pair<std::string_view, const std::string*> required[] = {
            {"auth_url", &cfg.keystone.auth_url},
            {"username", &cfg.keystone.username},
            {"password", &cfg.keystone.password},
            {"project_name", &cfg.keystone.project_name}};
        for (const auto& [key, value] : required) {
            if (value->empty()) {
                problems.push_back("keystone_authtoken." + std::string(key) +
                                   " is required when auth.strategy = \"keystone\"");
            }
        }
        if (!cfg.trustee.username.empty() && cfg.trustee.password.empty()) {
            problems.push_back("trustee.password is required when trustee.username is set");
        }
        const auto& trustee_url = cfg.trustee.auth_url;
        if (!trustee_url.empty() && !trustee_url.starts_with("http://") &&
            !trustee_url.starts_with("https://")) {
            problems.push_back("trustee.auth_url must be an http:// or https:// URL, got " +
                               quoted(trustee_url));
        }
        const auto& url = cfg.keystone.auth_url;
        if (!url.empty() && !url.starts_with("http://") && !url.starts_with("https://")) {
            problems.push_back(
                "keystone_authtoken.auth_url must be an http:// or https:// URL, "
                "got " +
                quoted(url));
        }
    }
}

}  // namespace

config load(const std::string& path) {
    config cfg;
    std::vector<std::string> problems;
    std::optional<toml::table> root;
    if (!path.empty()) root = parse_file(path, problems);
    if (root) apply_file(cfg, path, *root, problems);
    apply_env(cfg, problems);
    if (root) apply_project_quotas(cfg, path, *root, problems);
    check_pairs(cfg, problems);
    if (!problems.empty()) {
        std::string message;
        for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
        throw std::invalid_argument(message);
    }
    return cfg;
}

std::string describe(const config& cfg) {
    std::string out;
    for (const auto& opt : options()) out += name_of(opt) + " = " + opt.show(cfg) + "\n";
    for (const auto& [id, limits] : cfg.project_quotas) {
        config scratch;
        scratch.quotas = limits;
        std::string keys;
        for (const auto& opt : options()) {
            if (opt.section != "quotas") continue;
            keys += (keys.empty() ? "" : ", ") + std::string(opt.key) + " = " + opt.show(scratch);
        }
        out += "quotas.project " + quoted(id) + " = {" + keys + "}\n";
    }
    return out;
}

}  // namespace marconi::config
