// Marconi.
#include "notify/webhook_sender.hpp"

#include <boost/url/parse.hpp>

#include "net/http_client.hpp"

namespace marconi::notify {

webhook_sender::~webhook_sender() = default;

std::shared_ptr<const outbound::client> webhook_sender::client_for(bool tls,
                                                                   const std::string& host,
                                                                   const std::string& port) {
    outbound::url origin{tls, host, port, ""};
    auto key = origin.origin();
    std::lock_guard lock(mutex_);
    if (auto it = clients_.find(key); it != clients_.end()) return it->second;
    if (clients_.size() >= max_clients) clients_.clear();  // in-flight sends keep theirs alive
    outbound::client_options options;
    options.timeout = timeout_;
    options.body_limit = 64 * 1024;  // the reply's body is not used
    auto client = std::make_shared<const outbound::client>(std::move(origin), options);
    clients_.emplace(std::move(key), client);
    return client;
}

net::awaitable<attempt_result> webhook_sender::send(
    std::string url, std::vector<std::pair<std::string, std::string>> headers, std::string body) {
    auto parsed = boost::urls::parse_uri(url);  // a std::string: Boost.URL 1.81 wants the NUL
    if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") ||
        parsed->host_address().empty()) {
        co_return attempt_result{false, "not an http(s) URL: " + url};
    }
    const bool tls = parsed->scheme() == "https";
    std::string host = parsed->host_address();
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    const std::string port =
        parsed->has_port() ? std::string(parsed->port()) : (tls ? "443" : "80");
    std::shared_ptr<const outbound::client> client;
    try {
        client = client_for(tls, host, port);
    } catch (const std::exception& e) {
        co_return attempt_result{false, e.what()};
    }
    outbound::http_request request;
    request.method = "POST";
    request.target = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
    if (parsed->has_query()) request.target += "?" + std::string(parsed->encoded_query());
    request.headers = std::move(headers);
    request.body = std::move(body);
    auto reply = co_await client->send(std::move(request));
    if (!reply) co_return attempt_result{false, reply.error().message()};
    const auto status = reply->status;
    if (status >= 200 && status < 500) co_return attempt_result{true, {}};
    co_return attempt_result{false, "HTTP " + std::to_string(status)};
}

}  // namespace marconi::notify
