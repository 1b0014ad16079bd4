// Marconi.
#include "auth/keystone.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cstring>
#include <exception>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <variant>

#include "auth/pending_result.hpp"
#include "auth/sha256.hpp"
#include "common/expiring_cache.hpp"

namespace marconi::auth {

namespace json = boost::json;
using boost::system::result;

namespace {

struct digest_hash {
    std::size_t operator()(const sha256_digest& d) const noexcept {
        std::size_t h = 0;
        std::memcpy(&h, d.data(), sizeof h);
        return h;
    }
};

/// What one Keystone validation established. Only definite answers (valid, or refused by
/// Keystone) are cached; "could not ask" never is.
struct validation {
    result<identity> who = make_error_code(errc::unavailable);
    time_point expires_at{};  ///< valid tokens: Keystone's expires_at
    bool cacheable = false;

    static validation unavailable() { return {}; }
    static validation refused() { return {make_error_code(errc::invalid_token), {}, true}; }
};

/// A service token and when to replace it.
struct service_token {
    std::string token;
    time_point expires_at{};
    time_point refresh_at{};
};

const json::object* object_at(const json::object& parent, std::string_view key) {
    const auto* found = parent.if_contains(key);
    return found ? found->if_object() : nullptr;
}

std::optional<std::string> string_at(const json::object& parent, std::string_view key) {
    const auto* found = parent.if_contains(key);
    const auto* str = found ? found->if_string() : nullptr;
    if (!str) return std::nullopt;
    return std::string(*str);
}

/// {"token": {...}} -> the token object, or nullptr.
const json::object* token_object(const json::value& body) {
    const auto* root = body.if_object();
    return root ? object_at(*root, "token") : nullptr;
}

json::value parse_json(std::string_view text) {
    boost::system::error_code ec;
    auto value = json::parse(text, ec);
    if (ec) return nullptr;
    return value;
}

outbound::http_request validation_request(const keystone_options& options,
                                          const std::string& service, const std::string& subject) {
    outbound::http_request request;
    request.method = "GET";
    // nocatalog: the service catalog is of no use here and is most of a token's size.
    request.target = options.v3_path + "/auth/tokens?nocatalog";
    request.headers = {
        {"X-Auth-Token", service}, {"X-Subject-Token", subject}, {"Accept", "application/json"}};
    return request;
}

outbound::http_request login_request(const keystone_options& options) {
    json::object project{{"name", options.project_name},
                         {"domain", json::object{{"name", options.project_domain_name}}}};
    return password_token_request(options.v3_path, options.username, options.password,
                                  options.user_domain_name,
                                  json::object{{"project", std::move(project)}});
}

}  // namespace

outbound::http_request password_token_request(std::string_view v3_path, std::string_view username,
                                              std::string_view password,
                                              std::string_view user_domain_name,
                                              json::object scope) {
    json::object user{{"name", username},
                      {"domain", json::object{{"name", user_domain_name}}},
                      {"password", password}};
    json::object identity_part{{"methods", json::array{"password"}},
                               {"password", json::object{{"user", std::move(user)}}}};
    json::object auth{{"identity", std::move(identity_part)}};
    if (!scope.empty()) auth["scope"] = std::move(scope);
    outbound::http_request request;
    request.method = "POST";
    request.target = std::string(v3_path) + "/auth/tokens?nocatalog";
    request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    request.body = json::serialize(json::object{{"auth", std::move(auth)}});
    return request;
}

std::string excerpt(std::string_view body) {
    constexpr std::size_t max = 200;
    std::string out(body.substr(0, max));
    for (auto& c : out) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return body.size() > max ? out + "..." : out;
}

std::string keystone_v3_path(std::string_view path) {
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    if (path.ends_with("/v3")) return std::string(path);
    return std::string(path) + "/v3";
}

std::optional<time_point> parse_keystone_time(std::string_view t) {
    auto number = [&](std::size_t pos, std::size_t len, int& out) {
        const char* first = t.data() + pos;
        const auto [end, ec] = std::from_chars(first, first + len, out);
        return ec == std::errc{} && end == first + len;
    };
    if (t.size() < 19 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != ' ') ||
        t[13] != ':' || t[16] != ':') {
        return std::nullopt;
    }
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!number(0, 4, year) || !number(5, 2, month) || !number(8, 2, day) || !number(11, 2, hour) ||
        !number(14, 2, minute) || !number(17, 2, second)) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    int millis = 0;
    if (pos < t.size() && t[pos] == '.') {
        ++pos;
        std::size_t digits = 0;
        while (pos < t.size() && std::isdigit(static_cast<unsigned char>(t[pos]))) {
            if (digits < 3) millis = millis * 10 + (t[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0) return std::nullopt;
        for (; digits < 3; ++digits) millis *= 10;
    }
    const auto zone = t.substr(pos);
    if (!zone.empty() && zone != "Z" && zone != "+00:00" && zone != "+0000") return std::nullopt;
    const std::chrono::year_month_day date{std::chrono::year{year},
                                           std::chrono::month{static_cast<unsigned>(month)},
                                           std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
    return time_point{std::chrono::sys_days{date} + std::chrono::hours{hour} +
                      std::chrono::minutes{minute} + std::chrono::seconds{second} +
                      std::chrono::milliseconds{millis}};
}

/// Everything the authenticator shares with the Keystone calls it starts. Those calls hold it
/// by shared_ptr, so it lives until the last one ends or its io_context drops it.
struct keystone_authenticator::state {
    using lookup = pending_result<result<identity>>;
    using login = pending_result<result<std::string>>;

    state(keystone_options o, std::unique_ptr<outbound::http_transport> t, const clock& c,
          net::any_io_executor e)
        : options(std::move(o)),
          transport(std::move(t)),
          clock(c),
          executor(std::move(e)),
          valid(c, options.token_cache_time, options.max_cached_tokens, when_full::sweep),
          invalid(c, options.token_cache_time, options.max_cached_invalid_tokens,
                  when_full::sweep) {}

    const keystone_options options;
    const std::unique_ptr<outbound::http_transport> transport;
    const marconi::clock& clock;
    const net::any_io_executor executor;

    std::atomic<std::uint64_t> cache_hits{0};
    std::atomic<std::uint64_t> validations{0};
    std::atomic<std::uint64_t> service_logins{0};
    std::atomic<std::uint64_t> unavailable{0};

    /// Definite answers by token digest, fresh for token_cache_time and never past a valid
    /// token's expiry; a digest is in at most one of them. Used under `mutex` (although
    /// thread-safe on their own), so that a lookup and its in_flight entry change together.
    expiring_cache<sha256_digest, identity, digest_hash> valid;
    expiring_cache<sha256_digest, std::monostate, digest_hash> invalid;

    // Guards everything below. Held only for map and string operations, never across a wait.
    std::mutex mutex;
    std::unordered_map<sha256_digest, std::shared_ptr<lookup>, digest_hash> in_flight;
    service_token service;
    std::shared_ptr<login> service_login;  // set while a login is in progress

    /// A fresh cached answer for `key`; a stale entry is dropped on the way. Locked.
    std::optional<result<identity>> find_cached(const sha256_digest& key) {
        if (auto who = valid.find(key)) return result<identity>(std::move(*who));
        if (invalid.find(key)) return result<identity>(make_error_code(errc::invalid_token));
        valid.erase(key);
        invalid.erase(key);
        return std::nullopt;
    }

    /// Locked.
    void store(const sha256_digest& key, const validation& v) {
        if (v.who) {
            if (valid.insert(key, *v.who, v.expires_at)) invalid.erase(key);
        } else {
            if (invalid.insert(key, std::monostate{})) valid.erase(key);
        }
    }

    /// Publishes a validation's outcome to its waiters and (when definite) to the cache. The
    /// first call for a lookup wins; a late one (after the watchdog) only fills the cache.
    void finish(const sha256_digest& key, const std::shared_ptr<lookup>& flight,
                const validation& v) {
        {
            std::lock_guard lock(mutex);
            if (auto it = in_flight.find(key); it != in_flight.end() && it->second == flight) {
                in_flight.erase(it);
            }
            if (v.cacheable) store(key, v);
        }
        flight->set(v.who);
    }

    /// Forgets the service token Keystone just refused, unless a newer one replaced it.
    void forget_service_token(const std::string& refused) {
        std::lock_guard lock(mutex);
        if (service.token == refused) service = {};
    }

    /// Interprets Keystone's 200 to GET /v3/auth/tokens.
    validation accept(const outbound::http_response& reply) {
        const auto body = parse_json(reply.body);
        const auto* token = token_object(body);
        const auto expires = token ? string_at(*token, "expires_at") : std::nullopt;
        const auto expires_at = expires ? parse_keystone_time(*expires) : std::nullopt;
        if (!expires_at) {
            spdlog::error("keystone: unexpected token validation answer (no token.expires_at): {}",
                          excerpt(reply.body));
            return validation::unavailable();
        }
        if (*expires_at <= clock.now()) {
            spdlog::debug("keystone: token expired at {}", *expires);
            return validation::refused();
        }
        const auto* project = object_at(*token, "project");
        auto project_id = project ? string_at(*project, "id") : std::nullopt;
        if (!project_id || project_id->empty()) {
            // A domain- or system-scoped (or unscoped) token names no project to act in;
            // keystonemiddleware would pass no X-Project-ID and Zaqar would refuse it.
            spdlog::debug("keystone: token is not scoped to a project");
            return validation::refused();
        }
        identity who;
        who.project_id = std::move(project_id);
        who.expires = *expires_at;
        if (const auto* user = object_at(*token, "user")) {
            who.user_id = string_at(*user, "id").value_or("");
        }
        if (const auto* roles = token->if_contains("roles"); roles && roles->is_array()) {
            for (const auto& role : roles->get_array()) {
                const auto* entry = role.if_object();
                auto name = entry ? string_at(*entry, "name") : std::nullopt;
                if (name && !name->empty()) who.roles.push_back(std::move(*name));
            }
        }
        return {std::move(who), *expires_at, true};
    }

    static net::awaitable<result<service_token>> log_in(std::shared_ptr<state> self);
    static net::awaitable<result<std::string>> current_service_token(std::shared_ptr<state> self);
    static net::awaitable<validation> validate(std::shared_ptr<state> self, std::string token);
    static net::awaitable<void> run_lookup(std::shared_ptr<state> self, sha256_digest key,
                                           std::string token, std::shared_ptr<lookup> flight);
    static net::awaitable<void> run_first_login(std::shared_ptr<state> self);
};

/// POST /v3/auth/tokens with the service user's password, scoped to its project.
net::awaitable<result<service_token>> keystone_authenticator::state::log_in(
    std::shared_ptr<state> self) {
    auto request = login_request(self->options);
    ++self->service_logins;
    auto reply = co_await self->transport->send(std::move(request));
    if (!reply) {
        spdlog::warn("keystone: cannot reach {} to log in the service user: {}",
                     self->transport->origin(), reply.error().message());
        co_return make_error_code(errc::unavailable);
    }
    if (reply->status == 401) {
        spdlog::error(
            "keystone: {} refused the service credentials (user \"{}\" in domain "
            "\"{}\", project \"{}\" in domain \"{}\"): check [keystone_authtoken]",
            self->transport->origin(), self->options.username, self->options.user_domain_name,
            self->options.project_name, self->options.project_domain_name);
        co_return make_error_code(errc::unavailable);
    }
    if (reply->status != 201 && reply->status != 200) {
        spdlog::error("keystone: service login answered {}: {}", reply->status,
                      excerpt(reply->body));
        co_return make_error_code(errc::unavailable);
    }
    const auto token = reply->header("X-Subject-Token");
    const auto body = parse_json(reply->body);
    const auto* object = token_object(body);
    const auto expires = object ? string_at(*object, "expires_at") : std::nullopt;
    const auto expires_at = expires ? parse_keystone_time(*expires) : std::nullopt;
    if (!token || token->empty() || !expires_at) {
        spdlog::error(
            "keystone: service login answer lacks X-Subject-Token or "
            "token.expires_at: {}",
            excerpt(reply->body));
        co_return make_error_code(errc::unavailable);
    }
    // Replace the token well before it expires, as keystoneauth does (it renews within two
    // minutes of expiry); short-lived tokens are renewed at half their remaining life.
    const auto now = self->clock.now();
    const auto life = *expires_at - now;
    const auto margin = std::min<std::chrono::milliseconds>(std::chrono::minutes{2}, life / 2);
    spdlog::debug("keystone: service user \"{}\" logged in at {}; token valid until {}",
                  self->options.username, self->transport->origin(), *expires);
    co_return service_token{std::string(*token), *expires_at, *expires_at - margin};
}

/// The service token, logging in first when there is none or it is due for renewal. One
/// login at a time: concurrent callers wait for the one in progress.
net::awaitable<result<std::string>> keystone_authenticator::state::current_service_token(
    std::shared_ptr<state> self) {
    std::shared_ptr<login> flight;
    bool leader = false;
    std::string current;
    {
        std::lock_guard lock(self->mutex);
        if (!self->service.token.empty() && self->clock.now() < self->service.refresh_at) {
            current = self->service.token;
        } else if (self->service_login) {
            flight = self->service_login;
        } else {
            flight = self->service_login = std::make_shared<login>();
            leader = true;
        }
    }
    if (!current.empty()) co_return current;
    if (!leader) {
        auto shared = co_await flight->async_wait(net::use_awaitable);
        co_return shared;
    }
    result<service_token> fresh = make_error_code(errc::unavailable);
    try {
        fresh = co_await log_in(self);
    } catch (const std::exception& e) {
        spdlog::error("keystone: service login failed: {}", e.what());
    }
    result<std::string> outcome = make_error_code(errc::unavailable);
    {
        std::lock_guard lock(self->mutex);
        if (fresh) {
            self->service = *fresh;
            outcome = fresh->token;
        }
        self->service_login.reset();
    }
    flight->set(outcome);
    co_return outcome;
}

/// GET /v3/auth/tokens for `token`. A 401 means Keystone refused the service token (expired
/// early, revoked, or Keystone's keys rotated): log in again and retry once, as
/// keystonemiddleware does.
net::awaitable<validation> keystone_authenticator::state::validate(std::shared_ptr<state> self,
                                                                   std::string token) {
    for (int attempt = 1;; ++attempt) {
        auto service = co_await current_service_token(self);
        if (!service) co_return validation::unavailable();
        auto request = validation_request(self->options, *service, token);
        ++self->validations;
        auto reply = co_await self->transport->send(std::move(request));
        if (!reply) {
            spdlog::warn("keystone: cannot reach {} to validate a token: {}",
                         self->transport->origin(), reply.error().message());
            co_return validation::unavailable();
        }
        switch (reply->status) {
            case 200: co_return self->accept(*reply);
            case 404:  // Keystone's answer for unknown, expired and revoked tokens
                spdlog::debug("keystone: token refused: {}", excerpt(reply->body));
                co_return validation::refused();
            case 401:
                if (attempt == 1) {
                    spdlog::info("keystone: the service token was refused; logging in again");
                    self->forget_service_token(*service);
                    continue;
                }
                spdlog::error("keystone: {} refused a fresh service token: {}",
                              self->transport->origin(), excerpt(reply->body));
                co_return validation::unavailable();
            default:
                // 403: the service user may not validate tokens (it needs the service or
                // admin role); 5xx: Keystone is in trouble. Either way, not the client's fault.
                spdlog::error("keystone: token validation answered {}: {}", reply->status,
                              excerpt(reply->body));
                co_return validation::unavailable();
        }
    }
}

/// One shared validation of `token`: its outcome goes to every request waiting on `flight`
/// and to the cache. A watchdog answers 503 to the waiters if Keystone takes longer than the
/// timeout (a slow name lookup is not bounded by the socket timeouts); the call itself then
/// still finishes in the background and may fill the cache.
net::awaitable<void> keystone_authenticator::state::run_lookup(std::shared_ptr<state> self,
                                                               sha256_digest key, std::string token,
                                                               std::shared_ptr<lookup> flight) {
    net::steady_timer watchdog(co_await net::this_coro::executor);
    watchdog.expires_after(self->options.timeout);
    watchdog.async_wait([self, key, flight](const boost::system::error_code& ec) {
        if (ec) return;
        spdlog::warn("keystone: no answer from {} within {} ms", self->transport->origin(),
                     self->options.timeout.count());
        self->finish(key, flight, validation::unavailable());
    });
    auto outcome = validation::unavailable();
    try {
        outcome = co_await validate(self, std::move(token));
    } catch (const std::exception& e) {
        spdlog::error("keystone: token validation failed: {}", e.what());
    }
    watchdog.cancel();
    self->finish(key, flight, outcome);
}

net::awaitable<void> keystone_authenticator::state::run_first_login(std::shared_ptr<state> self) {
    auto token = co_await current_service_token(self);
    if (token) {
        spdlog::info("keystone: service user \"{}\" logged in at {}", self->options.username,
                     self->transport->origin());
    }
}

keystone_authenticator::keystone_authenticator(keystone_options options,
                                               std::unique_ptr<outbound::http_transport> transport,
                                               const clock& clock, net::any_io_executor executor)
    : state_(std::make_shared<state>(std::move(options), std::move(transport), clock,
                                     std::move(executor))),
      challenge_("Keystone uri=\"" + state_->options.www_authenticate_uri + "\"") {
    net::co_spawn(net::make_strand(state_->executor), state::run_first_login(state_),
                  net::detached);
}

keystone_authenticator::~keystone_authenticator() {
    // Requests still waiting for Keystone hold the shared state, which holds what they wait
    // on: drop the waiters so that the io_context's destruction frees everything.
    std::unordered_map<sha256_digest, std::shared_ptr<state::lookup>, digest_hash> lookups;
    std::shared_ptr<state::login> login;
    {
        std::lock_guard lock(state_->mutex);
        lookups.swap(state_->in_flight);
        login = std::move(state_->service_login);
    }
    for (auto& [key, flight] : lookups) flight->abandon();
    if (login) login->abandon();
}

net::awaitable<result<identity>> keystone_authenticator::authenticate(
    request_credentials creds) const {
    if (!creds.token || creds.token->empty()) co_return make_error_code(errc::missing_token);
    auto self = state_;
    const auto key = sha256(*creds.token);
    std::optional<result<identity>> answer;
    std::shared_ptr<state::lookup> flight;
    bool start = false;
    {
        std::lock_guard lock(self->mutex);
        answer = self->find_cached(key);
        if (!answer) {
            auto& slot = self->in_flight[key];
            if (!slot) {
                slot = std::make_shared<state::lookup>();
                start = true;
            }
            flight = slot;
        }
    }
    if (answer) {
        ++self->cache_hits;
        co_return std::move(*answer);
    }
    if (start) {
        net::co_spawn(net::make_strand(self->executor),
                      state::run_lookup(self, key, std::move(*creds.token), flight), net::detached);
    }
    auto outcome = co_await flight->async_wait(net::use_awaitable);
    if (!outcome && outcome.error() == errc::unavailable) ++self->unavailable;
    co_return outcome;
}

keystone_authenticator::statistics keystone_authenticator::stats() const {
    return {state_->cache_hits.load(), state_->validations.load(), state_->service_logins.load(),
            state_->unavailable.load()};
}

}  // namespace marconi::auth
