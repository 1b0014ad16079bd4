// Marconi. Micro-benchmarks of the request hot paths (Google Benchmark). Not a test: `make bench`
// runs it before the load scenarios; docs/performance.md explains how to read it.
#include <benchmark/benchmark.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "api/codec/bodies.hpp"
#include "api/codec/render.hpp"
#include "api/http/router.hpp"
#include "common/clock.hpp"
#include "core/services.hpp"
#include "storage/factory/make_driver.hpp"

namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using namespace marconi;

constexpr const char* client_uuid = "3381af92-2b9e-11e3-b191-71861300734c";
constexpr const char* project = "bench";

// --- helpers -------------------------------------------------------------------------------

/// Runs one coroutine to completion on `io` (the calling thread) and returns its result. The
/// driver holds work on `io` while a call is in flight, so run() returns only when it is done.
template <class T>
T run(net::io_context& io, net::awaitable<T> task) {
    std::optional<T> result;
    std::exception_ptr failure;
    net::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
        if (e) {
            failure = e;
        } else {
            result.emplace(std::move(value));
        }
    });
    io.restart();
    io.run();
    if (failure) std::rethrow_exception(failure);
    if (!result) throw std::logic_error("io_context ran out of work before the task finished");
    return std::move(*result);
}

inline void run(net::io_context& io, net::awaitable<void> task) {
    bool done = false;
    std::exception_ptr failure;
    net::co_spawn(io, std::move(task), [&](std::exception_ptr e) {
        failure = e;
        done = true;
    });
    io.restart();
    io.run();
    if (failure) std::rethrow_exception(failure);
    if (!done) throw std::logic_error("io_context ran out of work before the task finished");
}

api::method to_method(http::verb verb) {
    switch (verb) {
        case http::verb::get: return api::method::get;
        case http::verb::head: return api::method::head;
        case http::verb::post: return api::method::post;
        case http::verb::put: return api::method::put;
        case http::verb::patch: return api::method::patch;
        case http::verb::delete_: return api::method::delete_;
        default: return api::method::other;
    }
}

/// Raw bytes -> Beast parser -> api::request: the same steps as listener.cpp's session loop
/// and to_request (kept in step by hand: that function is private to the listener).
api::request parse_raw(const std::string& raw) {
    http::request_parser<http::string_body> parser;
    parser.eager(true);
    boost::beast::error_code ec;
    const auto used = parser.put(net::buffer(raw), ec);
    if (ec || used != raw.size() || !parser.is_done()) {
        throw std::runtime_error("raw request did not parse in one piece: " + ec.message());
    }
    auto in = parser.release();
    api::request out;
    out.method = to_method(in.method());
    const std::string target_text{in.target()};
    auto target = boost::urls::parse_origin_form(target_text);
    if (!target) throw std::runtime_error("bad target");
    out.path = std::string(target->path());
    if (target->has_query()) out.query = api::query_params(std::string(target->encoded_query()));
    out.headers.reserve(8);
    for (const auto& field : in) {
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(in.body());
    return out;
}

std::string raw_request(std::string_view method, std::string_view target, std::string body) {
    std::string raw;
    raw += method;
    raw += ' ';
    raw += target;
    raw += " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: marconi-micro-bench\r\n";
    raw += "Accept: application/json\r\nClient-ID: ";
    raw += client_uuid;
    raw += "\r\nX-Project-ID: ";
    raw += project;
    raw += "\r\n";
    if (!body.empty()) {
        raw += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size());
        raw += "\r\n";
    }
    raw += "\r\n";
    raw += body;
    return raw;
}

/// `{"messages":[{"body":{...},"ttl":300}, ...]}` with `n` small object bodies.
std::string message_batch(int n) {
    std::string body = "{\"messages\":[";
    for (int i = 0; i < n; ++i) {
        if (i) body += ',';
        body += R"({"body":{"event":"backup","host":"node-)" + std::to_string(i) +
                R"(","size":123456,"tags":["a","b"]},"ttl":300})";
    }
    body += "]}";
    return body;
}

std::vector<core::new_message> new_messages(int n) {
    std::vector<core::new_message> batch;
    batch.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        batch.push_back(core::new_message{
            R"({"event":"backup","host":"node-)" + std::to_string(i) + R"(","size":123456})", 300,
            0});
    }
    return batch;
}

/// A store plus the full request stack over it: driver -> services -> router.
struct stack {
    explicit stack(storage::driver_options options)
        : driver(storage::make_driver(options, clock)),
          services(*driver, limits, clock),
          router(api::v2_routes(), services, clock, /*admin_mode=*/false) {}

    system_clock clock;
    core::limits limits;
    std::unique_ptr<storage::data_driver> driver;
    core::services services;
    api::router router;
};

std::unique_ptr<stack> memory_stack() {
    storage::driver_options options;
    options.uri = "sqlite://:memory:";
    options.sync = storage::sync_mode::off;
    return std::make_unique<stack>(options);
}

/// A durable store (sync = full) in a private temp directory, removed on destruction.
struct file_store {
    explicit file_store(storage::sync_mode sync)
        : dir(std::filesystem::temp_directory_path() /
              ("marconi-micro-bench-" + std::to_string(::getpid()))) {
        std::filesystem::remove_all(dir);
        storage::driver_options options;
        options.uri = "sqlite:///" + (dir / "bench.db").string();
        options.sync = sync;
        s = std::make_unique<stack>(options);
    }
    ~file_store() {
        s.reset();
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    }
    std::filesystem::path dir;
    std::unique_ptr<stack> s;
};

core::queue_address queue_address(std::string name) {
    return core::queue_address{core::project_id{project}, core::queue_name{std::move(name)}};
}

void check_status(benchmark::State& state, const api::response& reply, unsigned expected) {
    if (reply.status != expected) {
        state.SkipWithError(
            ("unexpected status " + std::to_string(reply.status) + ": " + reply.body).c_str());
    }
}

// --- HTTP parse and route --------------------------------------------------------------------

/// Raw bytes of a GET /v2/ping -> api::request (Beast parser + target parse + header copy).
void bm_http_parse_ping(benchmark::State& state) {
    const auto raw = raw_request("GET", "/v2/ping", "");
    for (auto _ : state) benchmark::DoNotOptimize(parse_raw(raw));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * raw.size()));
}
BENCHMARK(bm_http_parse_ping);

/// The same for a POST of a 10-message batch (~1 KB body).
void bm_http_parse_post10(benchmark::State& state) {
    const auto raw = raw_request("POST", "/v2/queues/bench/messages", message_batch(10));
    for (auto _ : state) benchmark::DoNotOptimize(parse_raw(raw));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * raw.size()));
}
BENCHMARK(bm_http_parse_post10);

/// Parse + route match + Zaqar header checks + the ping handler. Neither method touches storage:
/// GET answers from the storage probe's flag, HEAD always 204.
void bm_parse_route_ping(benchmark::State& state, const char* method) {
    auto s = memory_stack();
    net::io_context io;
    const auto raw = raw_request(method, "/v2/ping", "");
    for (auto _ : state) {
        auto reply = run(io, s->router.dispatch(parse_raw(raw)));
        benchmark::DoNotOptimize(reply);
    }
    check_status(state, run(io, s->router.dispatch(parse_raw(raw))), 204);
}
BENCHMARK_CAPTURE(bm_parse_route_ping, head, "HEAD")->UseRealTime();
BENCHMARK_CAPTURE(bm_parse_route_ping, get, "GET")->UseRealTime();

/// Parse + route + POST of 10 messages into SQLite in RAM (sync off): the whole request path
/// minus the socket and fsync. One writer round trip per iteration (no concurrency to group).
void bm_parse_route_post10_memory(benchmark::State& state) {
    auto s = memory_stack();
    net::io_context io;
    const auto raw = raw_request("POST", "/v2/queues/bench/messages", message_batch(10));
    std::int64_t n = 0;
    for (auto _ : state) {
        auto reply = run(io, s->router.dispatch(parse_raw(raw)));
        benchmark::DoNotOptimize(reply);
        if (++n % 2000 == 0) {  // keep the store small so late iterations cost what early ones do
            state.PauseTiming();
            run(io, s->driver->purge_messages(queue_address("bench")));
            state.ResumeTiming();
        }
    }
    check_status(state, run(io, s->router.dispatch(parse_raw(raw))), 201);
    state.SetItemsProcessed(state.iterations() * 10);
}
BENCHMARK(bm_parse_route_post10_memory)->UseRealTime();

// --- JSON codec ------------------------------------------------------------------------------

/// Request body of 10 messages -> core::message_input (parse, then re-serialize each body).
void bm_json_decode_batch10(benchmark::State& state) {
    const auto body = message_batch(10);
    for (auto _ : state) benchmark::DoNotOptimize(api::parse_message_batch(body));
    state.SetItemsProcessed(state.iterations() * 10);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(bm_json_decode_batch10);

/// A 20-message listing page -> response JSON (bodies spliced in as stored text).
void bm_json_encode_page20(benchmark::State& state) {
    const time_point now = system_clock{}.now();
    std::vector<core::message> page;
    for (int i = 0; i < 20; ++i) {
        core::message m;
        m.id = core::message_id{"0000000000001a2b" + std::to_string(10000000 + i)};
        m.body_json = R"({"event":"backup","host":"node-)" + std::to_string(i) +
                      R"(","size":123456,"tags":["a","b"]})";
        m.created = now - std::chrono::seconds{5};
        m.expires = m.created + std::chrono::seconds{300};
        if (i % 2) m.claim = core::claim_id{"5b0d4a5c7e3f4e8a"};
        page.push_back(std::move(m));
    }
    const auto path = api::queue_path(core::queue_name{"bench"});
    const std::optional<std::string> next{"/v2/queues/bench/messages?marker=21&limit=20"};
    std::size_t bytes = 0;
    for (auto _ : state) {
        auto out = api::render_message_page(page, path, now, next);
        bytes = out.size();
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(state.iterations() * 20);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(bm_json_encode_page20);

// --- SQLite driver ---------------------------------------------------------------------------

/// One producer/consumer cycle on the driver: post 10, claim them, delete them under the
/// claim. Three write transactions per iteration, each its own group-commit batch.
void sqlite_cycle(benchmark::State& state, storage::data_driver& driver) {
    net::io_context io;
    const auto queue = queue_address("cycle");
    const core::client_id client{client_uuid};
    core::claim_options claim;
    claim.ttl = 60;
    claim.grace = 60;
    claim.limit = 10;
    for (auto _ : state) {
        auto ids = run(io, driver.post_messages(queue, client, new_messages(10)));
        auto claimed = run(io, driver.create_claim(queue, claim, std::nullopt));
        if (!claimed || claimed->messages.size() != ids.size()) {
            state.SkipWithError("claim did not return the 10 posted messages");
            break;
        }
        std::vector<core::message_id> done;
        for (auto& m : claimed->messages) done.push_back(m.id);
        run(io, driver.delete_messages(queue, std::move(done),
                                       std::vector<core::claim_id>{claimed->id}));
    }
    state.SetItemsProcessed(state.iterations() * 10);
}

void bm_sqlite_post_claim_delete_memory(benchmark::State& state) {
    auto s = memory_stack();
    sqlite_cycle(state, *s->driver);
}
BENCHMARK(bm_sqlite_post_claim_delete_memory)->UseRealTime();

/// The same on a file with sync = full: three fsyncs per iteration, so this is mostly the disk.
void bm_sqlite_post_claim_delete_file_full(benchmark::State& state) {
    file_store store(storage::sync_mode::full);
    sqlite_cycle(state, *store.s->driver);
}
BENCHMARK(bm_sqlite_post_claim_delete_file_full)->UseRealTime()->MinTime(1.0);

/// Listing 20 messages through the reader pool (the observer's storage cost).
void bm_sqlite_list20_memory(benchmark::State& state) {
    auto s = memory_stack();
    net::io_context io;
    const auto queue = queue_address("listing");
    const core::client_id poster{"00000000-0000-4000-8000-000000000001"};
    for (int i = 0; i < 10; ++i) run(io, s->driver->post_messages(queue, poster, new_messages(10)));
    core::message_list_options options;
    options.limit = 20;
    options.client = core::client_id{client_uuid};
    for (auto _ : state) {
        auto page = run(io, s->driver->list_messages(queue, options));
        if (page.messages.size() != 20) {
            state.SkipWithError("listing did not return 20 messages");
            break;
        }
        benchmark::DoNotOptimize(page);
    }
    state.SetItemsProcessed(state.iterations() * 20);
}
BENCHMARK(bm_sqlite_list20_memory)->UseRealTime();

}  // namespace

// Benchmarks that involve the driver's threads measure wall time (UseRealTime): the CPU time
// column then shows only this thread's share, and items/s follow the wall clock.
int main(int argc, char** argv) {
    spdlog::set_level(spdlog::level::warn);  // the driver logs each open at info
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
