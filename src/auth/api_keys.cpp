// Marconi.
#include "auth/api_keys.hpp"

#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace marconi::auth {

namespace {

/// Zaqar bounds X-Project-ID to this length (PROJECT_ID_MAX_LEN).
constexpr std::size_t max_project_length = 256;

std::string where(const std::string& source, const toml::node& node) {
    const auto& begin = node.source().begin;
    return source + ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column);
}

std::string type_name(const toml::node& node) {
    std::ostringstream out;
    out << node.type();
    return out.str();
}

/// Parses one [[keys]] table into `key`, appending problems; says whether its sha256 parsed
/// (so duplicates are found even among broken entries).
bool parse_entry(const toml::table& table, const std::string& at, const std::string& source,
                 api_key& key, std::vector<std::string>& problems) {
    bool hash_ok = false;
    auto text = [&](std::string_view field) -> std::optional<std::string> {
        const auto* node = table.get(field);
        if (!node) {
            problems.push_back(at + ": missing " + std::string(field));
            return std::nullopt;
        }
        const auto* str = node->as_string();
        if (!str) {
            problems.push_back(where(source, *node) + ": " + std::string(field) +
                               ": expected a string, got a " + type_name(*node));
            return std::nullopt;
        }
        if (str->get().empty()) {
            problems.push_back(where(source, *node) + ": " + std::string(field) +
                               " must not be empty");
            return std::nullopt;
        }
        return str->get();
    };
    for (const auto& [field, node] : table) {
        const auto name = field.str();
        if (name != "name" && name != "sha256" && name != "project" && name != "roles") {
            problems.push_back(where(source, node) + ": unknown key " + std::string(name) +
                               " (expected name, sha256, project, roles)");
        }
    }
    if (auto name = text("name")) key.name = std::move(*name);
    if (auto hex = text("sha256")) {
        if (auto digest = digest_from_hex(*hex)) {
            key.hash = *digest;
            hash_ok = true;
        } else {
            problems.push_back(where(source, *table.get("sha256")) +
                               ": sha256 must be 64 hex digits (the output of marconi "
                               "hash-key), not the key itself");
        }
    }
    if (auto project = text("project")) {
        if (project->size() > max_project_length) {
            problems.push_back(where(source, *table.get("project")) +
                               ": project must be at most 256 characters");
        }
        key.project_id = std::move(*project);
    }
    if (const auto* node = table.get("roles")) {
        const auto* array = node->as_array();
        if (!array) {
            problems.push_back(where(source, *node) +
                               ": roles: expected an array of strings, "
                               "got a " +
                               type_name(*node));
        } else {
            for (const auto& item : *array) {
                const auto* role = item.as_string();
                if (!role || role->get().empty()) {
                    problems.push_back(where(source, item) + ": roles must be non-empty strings");
                    continue;
                }
                key.roles.push_back(role->get());
            }
        }
    }
    return hash_ok;
}

}  // namespace

std::vector<api_key> parse_api_keys(std::string_view toml_text, const std::string& source) {
    toml::table root;
    try {
        root = toml::parse(toml_text, source);
    } catch (const toml::parse_error& e) {
        const auto& begin = e.source().begin;
        throw std::invalid_argument(source + ":" + std::to_string(begin.line) + ":" +
                                    std::to_string(begin.column) + ": " +
                                    std::string(e.description()));
    }
    std::vector<std::string> problems;
    std::vector<api_key> keys;
    for (const auto& [name, node] : root) {
        if (name.str() != "keys") {
            problems.push_back(where(source, node) + ": unknown key " + std::string(name.str()) +
                               " (expected [[keys]] tables)");
        }
    }
    const auto* entries = root.get("keys");
    const auto* array = entries ? entries->as_array() : nullptr;
    if (entries && (!array || !array->is_array_of_tables())) {
        problems.push_back(where(source, *entries) + ": keys must be [[keys]] tables");
    } else if (!array || array->empty()) {
        problems.push_back(source + ": no [[keys]] entries: every request would be refused");
    } else {
        std::set<std::string> names;
        std::set<sha256_digest> hashes;
        for (const auto& node : *array) {
            const auto at = where(source, node);
            api_key key;
            const bool hash_ok = parse_entry(*node.as_table(), at, source, key, problems);
            if (!key.name.empty() && !names.insert(key.name).second) {
                problems.push_back(at + ": duplicate key name \"" + key.name + "\"");
            }
            if (hash_ok && !hashes.insert(key.hash).second) {
                problems.push_back(at + ": key \"" + key.name +
                                   "\" has the same sha256 as an earlier key");
            }
            keys.push_back(std::move(key));
        }
    }
    if (!problems.empty()) {
        std::string message;
        for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
        throw std::invalid_argument(message);
    }
    return keys;
}

std::vector<api_key> load_api_keys(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument(path + ": cannot open the keys file");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_api_keys(text.str(), path);
}

std::string hash_key_line(std::string_view key) {
    for (const char c : key) {
        if (c < 0x21 || c > 0x7e) {
            throw std::invalid_argument(
                "the key must be visible ASCII without spaces: it is sent as the "
                "X-Auth-Token header");
        }
    }
    if (key.size() < min_key_length) {
        throw std::invalid_argument("the key is too short (" + std::to_string(key.size()) +
                                    " characters; at least " + std::to_string(min_key_length) +
                                    "): use a random one, e.g. `openssl rand -hex 32`");
    }
    return "sha256 = \"" + to_hex(sha256(key)) + "\"";
}

api_key_authenticator::api_key_authenticator(std::vector<api_key> keys) : keys_(std::move(keys)) {}

net::awaitable<boost::system::result<identity>> api_key_authenticator::authenticate(
    request_credentials creds) const {
    if (!creds.token || creds.token->empty()) co_return make_error_code(errc::missing_token);
    const auto presented = sha256(*creds.token);
    const api_key* found = nullptr;
    for (const auto& key : keys_) {
        const bool same = constant_time_equal(presented, key.hash);
        if (same && !found) found = &key;
    }
    if (!found) co_return make_error_code(errc::invalid_token);
    identity who;
    who.user_id = found->name;
    who.project_id = found->project_id;
    who.roles = found->roles;
    co_return who;
}

}  // namespace marconi::auth
