// Marconi.
#include "auth/keystone_trusts.hpp"

#include <boost/asio/error.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "auth/keystone.hpp"
#include "common/iso_time.hpp"
#include "storage/contract/error.hpp"

namespace marconi::auth {

namespace json = boost::json;
using boost::system::result;

namespace {

/// The string at JSON `pointer` ("/trust/id") of a reply body, or "".
std::string string_at_pointer(std::string_view body, std::string_view pointer) {
    boost::system::error_code ec;
    const auto value = json::parse(body, ec);
    if (ec) return {};
    const auto* found = value.find_pointer(pointer, ec);
    return found && found->is_string() ? std::string(found->get_string()) : std::string();
}

/// The trustee's login, scoped to `trust_id` (unscoped when empty).
outbound::http_request auth_request(const trustee_options& options, const std::string& trust_id) {
    json::object scope;
    if (!trust_id.empty()) scope["OS-TRUST:trust"] = json::object{{"id", trust_id}};
    return password_token_request(options.v3_path, options.username, options.password,
                                  options.user_domain_name, std::move(scope));
}

}  // namespace

std::string trust_request_body(const core::trustor& who, const std::string& trustee_user_id,
                               const std::string& project, std::optional<time_point> expires) {
    json::array roles;
    for (const auto& r : who.roles) roles.push_back(json::object{{"name", r}});
    json::object trust{{"trustor_user_id", who.user_id},
                       {"trustee_user_id", trustee_user_id},
                       {"project_id", project},
                       {"impersonation", true},
                       {"roles", std::move(roles)}};
    trust["expires_at"] =
        expires ? json::value(iso8601(*expires, /*with_millis=*/true)) : json::value(nullptr);
    return json::serialize(json::object{{"trust", std::move(trust)}});
}

std::string trustee_auth_body(const trustee_options& options, const std::string& trust_id) {
    return auth_request(options, trust_id).body;
}

keystone_trust_broker::keystone_trust_broker(trustee_options options,
                                             std::unique_ptr<outbound::http_transport> transport,
                                             const clock& clock)
    : options_(std::move(options)),
      transport_(std::move(transport)),
      clock_(clock),
      tokens_(clock, std::chrono::hours{24}, options_.max_cached_tokens, when_full::sweep) {}

net::awaitable<std::string> keystone_trust_broker::trustee_user_id(std::string& error) {
    {
        std::lock_guard lock(mutex_);
        if (!trustee_id_.empty()) co_return trustee_id_;
    }
    auto reply = co_await transport_->send(auth_request(options_, ""));
    if (!reply) {
        error = "cannot reach Keystone at " + transport_->origin() + ": " + reply.error().message();
        co_return std::string();
    }
    if (reply->status != 201 && reply->status != 200) {
        error = "Keystone refused the trustee \"" + options_.username + "\" (" +
                std::to_string(reply->status) + "): check [trustee]";
        co_return std::string();
    }
    auto id = string_at_pointer(reply->body, "/token/user/id");
    if (id.empty()) {
        error = "Keystone's trustee login answer names no user: " + excerpt(reply->body);
        co_return std::string();
    }
    std::lock_guard lock(mutex_);
    trustee_id_ = id;
    co_return id;
}

net::awaitable<std::string> keystone_trust_broker::create_trust(core::trustor who,
                                                                std::string project,
                                                                std::optional<time_point> expires) {
    std::string error;
    const auto trustee = co_await trustee_user_id(error);
    if (trustee.empty()) {
        spdlog::error("keystone trusts: {}", error);
        throw core::error(core::errc::unavailable,
                          "The trust for a trust+ subscriber could not be created; try again.");
    }
    // Keystone refuses (409) a second trust with the same trustor, trustee, project and
    // expires_at: two subscriptions made within the same millisecond expire 1 ms apart.
    result<outbound::http_response> reply = make_error_code(boost::asio::error::not_connected);
    for (int attempt = 0; attempt < 3; ++attempt) {
        outbound::http_request request;
        request.method = "POST";
        request.target = options_.v3_path + "/OS-TRUST/trusts";
        request.headers = {{"X-Auth-Token", who.token},
                           {"Content-Type", "application/json"},
                           {"Accept", "application/json"}};
        request.body = trust_request_body(who, trustee, project, expires);
        reply = co_await transport_->send(std::move(request));
        if (!reply || reply->status != 409 || !expires) break;
        *expires += std::chrono::milliseconds{1};
    }
    if (!reply) {
        spdlog::warn("keystone trusts: cannot reach {}: {}", transport_->origin(),
                     reply.error().message());
        throw core::error(core::errc::unavailable,
                          "The trust for a trust+ subscriber could not be created; try again.");
    }
    auto id = reply->status == 201 ? string_at_pointer(reply->body, "/trust/id") : std::string();
    if (id.empty()) {
        spdlog::warn("keystone trusts: creating a trust from user {} answered {}: {}", who.user_id,
                     reply->status, excerpt(reply->body));
        throw core::error(core::errc::unavailable,
                          "The trust for a trust+ subscriber could not be created; try again.");
    }
    spdlog::debug("keystone trusts: trust {} from user {} on project {}", id, who.user_id, project);
    co_return id;
}

net::awaitable<core::trust_token> keystone_trust_broker::token_for(std::string trust_id) {
    if (auto cached = tokens_.find(trust_id)) co_return core::trust_token{std::move(*cached), {}};
    auto reply = co_await transport_->send(auth_request(options_, trust_id));
    if (!reply) {
        co_return core::trust_token{{},
                                    "keystone trust: cannot reach " + transport_->origin() + ": " +
                                        reply.error().message()};
    }
    const auto token = reply->header("X-Subject-Token");
    if ((reply->status != 201 && reply->status != 200) || !token || token->empty()) {
        co_return core::trust_token{
            {},
            "keystone trust " + trust_id + ": no token (" + std::to_string(reply->status) + ")"};
    }
    // Reused until a minute before it expires (half its life when shorter).
    const auto expires = parse_keystone_time(string_at_pointer(reply->body, "/token/expires_at"));
    if (expires) {
        const auto life = *expires - clock_.now();
        const auto margin = std::min<std::chrono::milliseconds>(
            std::chrono::minutes{1},
            std::chrono::duration_cast<std::chrono::milliseconds>(life) / 2);
        if (life > margin) tokens_.insert(trust_id, std::string(*token), *expires - margin);
    }
    co_return core::trust_token{std::string(*token), {}};
}

}  // namespace marconi::auth
