// Marconi. Zaqar's pre-signed URLs (spec sections 5.6 and 7): the signature, shared by /share,
// the router's URL-Signature check and subscription confirmation links, and its verification.
// Pure functions: no transport types, safe on any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace marconi::signing {

/// What a signature grants: these methods on these paths of this project until `expires`.
struct url_grant {
    std::vector<std::string> paths;    // full paths, e.g. /v2/queues/q/messages
    std::vector<std::string> methods;  // GET, POST, ...
    std::string project;
    std::string expires;  // "%Y-%m-%dT%H:%M:%S", UTC, no zone
};

/// Lower-case hex of HMAC-SHA256(key, data): 64 digits. Throws std::runtime_error when
/// OpenSSL fails.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

/// Whether two secrets (signatures, tags) are equal, in time that depends only on their
/// lengths (CRYPTO_memcmp).
bool same_secret(std::string_view a, std::string_view b);

/// Zaqar's signature (spec section 7): hex HMAC-SHA256 over sorted paths, sorted
/// methods, project and expires joined by the two characters '\' 'n'.
std::string sign(std::string_view secret_key, const url_grant& grant);

/// Zaqar's reading of an `expires` text (oslo parse_isotime, then normalize_time): an ISO 8601
/// date in extended format, optionally followed by 'T' or ' ' and hh:mm[:ss[.fraction]] and a
/// zone (Z, +hh, +hh:mm, +hhmm); no zone means UTC. The fraction is dropped, as Zaqar's
/// strftime drops it. nullopt: not such a date (ISO's basic format, 20160101, included).
std::optional<std::chrono::sys_seconds> parse_expires(std::string_view text);

/// "%Y-%m-%dT%H:%M:%S", the form signed and returned by /share.
std::string format_expires(std::chrono::sys_seconds when);

/// The URL-* headers of a request that claims a pre-signed grant, as sent.
struct presented_signature {
    std::string_view signature;  ///< URL-Signature
    std::string_view expires;    ///< URL-Expires
    std::string_view methods;    ///< URL-Methods, comma-separated
    std::string_view paths;      ///< URL-Paths, comma-separated
    std::string_view project;    ///< X-Project-ID
};

/// Whether `presented` lets `method` act on `path` at `now`: the method is listed, some
/// listed path covers `path` (equal to it, or a prefix of it followed by '/': a grant on
/// /v2/queues/q/messages covers /v2/queues/q/messages/ID, but not /v2/queues/q/messages2;
/// Zaqar uses each path as a regular expression instead), `expires` is in the future, and the
/// signature is Zaqar's for those values (compared in constant time). An empty key verifies
/// nothing.
bool verify(std::string_view secret_key, const presented_signature& presented,
            std::string_view method, std::string_view path,
            std::chrono::system_clock::time_point now);

}  // namespace marconi::signing
