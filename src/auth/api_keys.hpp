// Marconi. auth_strategy = apikeys: static API keys from a TOML file, stored as SHA-256 hashes.
// A client sends its key as X-Auth-Token (what python-zaqarclient sends); the identity
// (project, roles) comes from the key's entry, never from the request's headers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "auth/authenticator.hpp"
#include "auth/sha256.hpp"

namespace marconi::auth {

/// One entry of the key file.
struct api_key {
    std::string name;  ///< for logs; becomes the identity's user_id
    sha256_digest hash;
    std::string project_id;
    std::vector<std::string> roles;
};

/// Shorter keys are refused by `marconi hash-key`: an unsalted hash is only safe for keys
/// with plenty of entropy (e.g. `openssl rand -hex 32`).
constexpr std::size_t min_key_length = 16;

/// Parses key-file TOML (format in docs/config.md):
///   [[keys]]
///   name = "ops"  sha256 = "<64 hex>"  project = "acme"  roles = ["admin"]
/// `source` names the file in messages. Throws std::invalid_argument listing every problem,
/// one per line, each with file:line:column.
std::vector<api_key> parse_api_keys(std::string_view toml_text, const std::string& source);

/// Reads and parses a key file; an unreadable file throws std::invalid_argument too.
std::vector<api_key> load_api_keys(const std::string& path);

/// The line `marconi hash-key` prints for `key`: `sha256 = "<hex>"`. Throws
/// std::invalid_argument for a key that could never authenticate or is too weak: shorter
/// than min_key_length, or not visible ASCII (it travels in an HTTP header).
std::string hash_key_line(std::string_view key);

/// Immutable after construction; safe on any thread. Compares the token's hash with every
/// key's hash in constant time, and looks at all of them whatever matches.
class api_key_authenticator final : public authenticator {
public:
    explicit api_key_authenticator(std::vector<api_key> keys);

    net::awaitable<boost::system::result<identity>> authenticate(
        request_credentials creds) const override;
    std::string_view challenge() const override { return R"(Token realm="marconi")"; }
    std::string_view name() const override { return "apikeys"; }

    std::size_t size() const { return keys_.size(); }

private:
    std::vector<api_key> keys_;
};

}  // namespace marconi::auth
