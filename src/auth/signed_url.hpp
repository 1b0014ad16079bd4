// Marconi. Zaqar's pre-signed URL signature (spec section 7), shared by /share, the router's
// URL-Signature check and subscription confirmation links.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace marconi::auth {

/// What a signature grants: these methods on these paths of this project until `expires`.
struct url_grant {
    std::vector<std::string> paths;    // full paths, e.g. /v2/queues/q/messages
    std::vector<std::string> methods;  // GET, POST, ...
    std::string project;
    std::string expires;               // "%Y-%m-%dT%H:%M:%S", UTC, no zone
};

/// Zaqar's signature (spec section 7): hex HMAC-SHA256 over sorted paths, sorted
/// methods, project and expires joined by the two characters '\' 'n'.
std::string sign(std::string_view secret_key, const url_grant& grant);

}  // namespace marconi::auth
