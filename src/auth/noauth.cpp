// Marconi.
#include "auth/noauth.hpp"

#include <utility>

namespace marconi::auth {

std::vector<std::string> split_roles(std::string_view roles) {
    std::vector<std::string> out;
    while (!roles.empty()) {
        const auto comma = roles.find(',');
        auto item = roles.substr(0, comma);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        roles.remove_prefix(comma + 1);
    }
    return out;
}

net::awaitable<boost::system::result<identity>> noauth_authenticator::authenticate(
    request_credentials creds) const {
    identity who;
    if (creds.user_id) who.user_id = std::move(*creds.user_id);
    if (creds.roles) who.roles = split_roles(*creds.roles);
    co_return who;
}

}  // namespace marconi::auth
