// Marconi. Fuzz target: raw bytes on a connection -> api::request_reader (Beast's parser under
// the server's framing rules and limits) -> api::request -> router::dispatch over the real
// SQLite driver (in memory) and the v2 routes, in admin mode. Up to 8 pipelined requests per
// input, as on a keep-alive connection; a refused request ends the input, as it closes the
// connection. Every request the reader frames must be the one an independent reading of RFC
// 9112 frames from the same bytes (reference_framer.hpp). Every answer must be a known status;
// a body must be JSON with Content-Type application/json(-home); 1xx/204/304 carry none; no 500
// (an unexpected exception); and the Beast response the listener would write must serialize
// and parse back to the same status and body.
//
// One driver, router and io_context per process (each `sqlite://:memory:` driver is a file in
// /dev/shm), so the store keeps what earlier inputs wrote. The manual clock moves 1 s per
// request; every 1024 inputs it jumps 15 days and the GC sweeps, so the store stays small.
//
//
// Message and claim ids are random, so the harness substitutes "$M" and "$C" in a request target
// with the last message and claim id an earlier answer of the same input mentioned.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/codec/error_mapping.hpp"
#include "api/http/beast_adapter.hpp"
#include "api/http/listener.hpp"
#include "api/http/request_reader.hpp"
#include "api/http/router.hpp"
#include "common/clock.hpp"
#include "core/services.hpp"
#include "fuzz_support.hpp"
#include "reference_framer.hpp"
#include "storage/factory/make_driver.hpp"

namespace marconi::fuzz {

namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
namespace net = boost::asio;

namespace {

constexpr int max_requests_per_input = 8;
constexpr unsigned inputs_per_sweep = 1024;

/// The server's composition (app/server_app.cpp), once per process.
struct environment {
    net::io_context io{1};
    manual_clock clock;
    core::limits limits;
    api::listener_options listener;
    std::unique_ptr<storage::data_driver> driver;
    std::unique_ptr<core::services> services;
    /// Every version's routes, the deprecated ones too.
    const std::vector<api::route> routes = api::served_routes(
        api::api_versions{}.add(api::api_version::v1_0).add(api::api_version::v1_1));
    std::unique_ptr<api::router> router;
    unsigned inputs = 0;

    environment() {
        storage::driver_options options;
        options.uri = "sqlite://:memory:";
        options.read_threads = 1;
        driver = storage::make_driver(options, clock);
        services = std::make_unique<core::services>(*driver, limits, clock);
        router = std::make_unique<api::router>(routes, *services, clock, true);
        // As server_app's listener_options_from: the largest body any route accepts.
        listener.body_limit = static_cast<std::size_t>(
            std::max(limits.max_messages_post_size, limits.max_queue_metadata));
    }
    ~environment() {
        router.reset();
        services.reset();
        driver.reset();  // drains the driver's threads and deletes the /dev/shm file
    }

    template <class T>
    T run(net::awaitable<T> task) {
        auto result = net::co_spawn(io, std::move(task), net::use_future);
        io.restart();
        io.run();
        return result.get();
    }
};

environment& env() {
    static environment instance;
    return instance;
}

bool is_token_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

void check_header(const std::string& name, const std::string& value) {
    check(!name.empty(), "response header name is empty");
    for (char c : name) check(is_token_char(c), "response header name is not a token", name);
    for (char c : value) {
        check(c != '\r' && c != '\n' && c != '\0', "response header value has CR, LF or NUL",
              name + ": " + value);
    }
}

/// `bare_404`: the request is one whose 404 Zaqar answers without a body (see may_be_bare_404).
void check_response(const api::response& reply, const std::string& context, bool bare_404) {
    const auto status = http::int_to_status(reply.status);
    check(reply.status >= 100 && reply.status <= 599 && status != http::status::unknown,
          "unknown response status", std::to_string(reply.status) + " for " + context);
    check(reply.status != 500, "500: an unexpected exception reached the router",
          context + " -> " + reply.body);
    const bool bodiless = reply.status < 200 || reply.status == 204 || reply.status == 304;
    if (reply.content_type.empty()) {
        check(reply.body.empty(), "body without Content-Type", context);
    } else {
        // application/json, or application/json-home for GET /v2.
        check(reply.content_type.starts_with("application/json"),
              "Content-Type is not application/json", reply.content_type);
        check(!bodiless || reply.body.empty(), "1xx/204/304 response with a body", context);
        if (!reply.body.empty()) {
            beast::error_code ec;
            json::parse(reply.body, ec);
            check(!ec, "response body is not JSON", context + " -> " + reply.body);
        }
    }
    if (reply.status >= 400 && !(bare_404 && reply.status == 404)) {
        check(!reply.body.empty(), "error response without a body", context);
    }
    for (const auto& [name, value] : reply.headers) check_header(name, value);
}

/// What the listener writes must read back as the same response.
void check_wire_form(api::response reply, unsigned version, bool keep_alive, bool head) {
    const auto status = reply.status;
    const auto body = head ? std::string{} : reply.body;
    std::ostringstream wire;
    wire << api::to_beast(std::move(reply), version, keep_alive, head);
    const std::string text = wire.str();

    http::response_parser<http::string_body> parser;
    parser.skip(head);
    parser.eager(true);
    beast::error_code ec;
    std::size_t used = parser.put(net::buffer(text), ec);
    if (!ec && !parser.is_done()) {
        used += parser.put(net::buffer(text.data() + used, text.size() - used), ec);
    }
    if (ec == http::error::need_more || (!ec && !parser.is_done())) parser.put_eof(ec);
    check(!ec && parser.is_done(), "serialized response does not parse back",
          ec.message() + "\n" + text);
    check(parser.get().result_int() == status, "serialized response changed its status", text);
    check(parser.get().body() == body, "serialized response changed its body", text);
}

/// The last "/messages/<id>" or "/claims/<id>" an answer mentions.
void remember_ids(const api::response& reply, std::string& message_id, std::string& claim_id) {
    auto scan = [](std::string_view text, std::string_view marker, std::string& out) {
        for (auto at = text.find(marker); at != std::string_view::npos;
             at = text.find(marker, at + 1)) {
            auto end = at + marker.size();
            while (end < text.size() && std::isxdigit(static_cast<unsigned char>(text[end]))) ++end;
            if (end > at + marker.size())
                out = text.substr(at + marker.size(), end - at - marker.size());
        }
    };
    scan(reply.body, "/messages/", message_id);
    scan(reply.body, "/claims/", claim_id);
    for (const auto& [name, value] : reply.headers) {
        scan(value, "/messages/", message_id);
        scan(value, "/claims/", claim_id);
    }
}

std::string substitute_ids(std::string_view target, const std::string& message_id,
                           const std::string& claim_id) {
    std::string out;
    for (std::size_t i = 0; i < target.size(); ++i) {
        if (target[i] == '$' && i + 1 < target.size() &&
            (target[i + 1] == 'M' || target[i + 1] == 'C')) {
            out += target[i + 1] == 'M' ? message_id : claim_id;
            ++i;
        } else {
            out += target[i];
        }
    }
    return out;
}

/// The differential oracle: a request the server frames must be the request an independent
/// reading of RFC 9112 frames from the same bytes (reference_framer.hpp): same end, method,
/// target, version, body and header fields (no trailer among them).
void check_same_framing(const std::string& sent, std::size_t consumed,
                        const api::beast_request& seen) {
    const auto expected = frame_request(sent);
    if (expected.result == framed_request::outcome::unsure) return;
    const auto shown = sent.substr(0, std::min<std::size_t>(sent.size(), 400));
    check(expected.result == framed_request::outcome::framed,
          "the server framed a request the reference framer does not", shown);
    check(expected.length == consumed, "the request ends elsewhere than the reference's",
          std::to_string(consumed) + " bytes vs " + std::to_string(expected.length) + ": " + shown);
    check(expected.method == seen.method_string() && expected.target == seen.target() &&
              expected.version == seen.version(),
          "the request line differs from the reference's", shown);
    check(expected.body == seen.body(), "the body differs from the reference's", shown);
    std::vector<std::pair<std::string, std::string>> fields;
    for (const auto& field : seen) {
        fields.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    auto wanted = expected.fields;
    std::sort(fields.begin(), fields.end());
    std::sort(wanted.begin(), wanted.end());
    check(fields == wanted, "the header fields differ from the reference's (a trailer?)", shown);
}

/// Zaqar answers a bare 404 to every failed pre-signed request (verify_pre_signed_url; spec
/// section 7) and to v1.0's queue existence check, GET or HEAD /v1/queues/<name> (v1_0/queues.py).
bool may_be_bare_404(const api::beast_request& request) {
    if (request.count("URL-Signature") > 0) return true;
    if (request.method() != http::verb::get && request.method() != http::verb::head) return false;
    std::string_view path = request.target();
    path = path.substr(0, path.find('?'));
    constexpr std::string_view v1_queues = "/v1/queues/";
    if (!path.starts_with(v1_queues)) return false;
    const auto name = path.substr(v1_queues.size());
    return !name.empty() && name.find('/') == std::string_view::npos;
}

}  // namespace

int http_request_one_input(const std::uint8_t* data, std::size_t size) {
    auto& e = env();
    if (++e.inputs % inputs_per_sweep == 0) {
        e.clock.advance(std::chrono::hours{24 * 15});  // past every ttl, grace and delay
        e.run(e.driver->collect_garbage());
    }

    beast::flat_buffer buffer;
    buffer.commit(net::buffer_copy(buffer.prepare(size), net::const_buffer{data, size}));
    std::string message_id = "0";
    std::string claim_id = "0";
    for (int n = 0; n < max_requests_per_input && buffer.size() > 0; ++n) {
        // As listener.cpp's run_session: a reader per request, the server's limits, and the
        // peer closing after the input's last byte.
        const std::string sent{api::unparsed_text(buffer)};
        api::request_reader reader{e.listener.header_limit, e.listener.body_limit};
        auto ec = reader.parse_header(buffer);
        std::optional<api::response> refusal;
        if (!ec && reader.header_done()) refusal = reader.refusal();
        if (!ec && !refusal && reader.header_done()) ec = reader.parse_body(buffer);
        if (!ec && !reader.done() && !refusal) ec = http::error::partial_message;
        if (ec) refusal = reader.answer_to(ec, api::unparsed_text(buffer));
        if (refusal) {
            check_response(*refusal, "a refused request", false);
            check_wire_form(std::move(*refusal), 11, false, false);
        }
        if (ec || refusal) break;  // the connection closes: nothing after it runs

        auto request = reader.release();
        check_same_framing(sent, sent.size() - buffer.size(), request);
        request.target(substitute_ids(request.target(), message_id, claim_id));
        const std::string context =
            std::string(request.method_string()) + " " + std::string(request.target());
        const auto version = request.version();
        const bool keep_alive = request.keep_alive();
        const bool head = request.method() == http::verb::head;
        const bool bare_404 = may_be_bare_404(request);

        api::response reply;
        try {
            reply = e.run(e.router->dispatch(api::to_request(std::move(request))));
        } catch (const core::error& error) {  // to_request: a target not in origin form
            reply = api::error_response(error);
        }
        e.clock.advance(std::chrono::seconds{1});

        check_response(reply, context, bare_404);
        remember_ids(reply, message_id, claim_id);
        check_wire_form(std::move(reply), version, keep_alive, head);
        if (!keep_alive) break;
    }
    return 0;
}

}  // namespace marconi::fuzz

MARCONI_FUZZ_ENTRY_POINT(http_request_one_input)
