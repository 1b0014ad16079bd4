// Marconi. libpq's non-blocking API attached to Asio: libpq owns the socket and the protocol,
// Asio says when the socket is ready, and pipeline mode lets many callers' statements share
// round trips.
#include "storage/postgres/connection.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace marconi::storage::postgres {

namespace {

using std::chrono::steady_clock;
constexpr auto readable = net::posix::descriptor_base::wait_read;
constexpr auto writable = net::posix::descriptor_base::wait_write;

std::string trimmed(const char* text) {
    std::string out = text ? text : "";
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

void log_notice(void*, const char* message) { spdlog::debug("postgres: {}", trimmed(message)); }

}  // namespace

connection::connection(net::io_context& io, connection_options options)
    : io_(io), options_(std::move(options)), watchdog_(io), backoff_(options_.min_backoff) {}

connection::~connection() { close(); }

void connection::close() {
    watchdog_.cancel();
    if (state_ != state::idle || !unsent_.empty() || !sent_.empty()) fail({});
}

void connection::run(std::vector<statement> statements, handler done) {
    if (state_ == state::idle && steady_clock::now() < retry_after_) {
        net::post(io_, [done = std::move(done)] { done(std::nullopt); });
        return;
    }
    unsent_.push_back({std::move(statements), {}, std::move(done)});
    if (state_ == state::idle) {
        start_connect();
    } else if (state_ == state::ready) {
        send_unsent();
    }
}

void connection::start_connect() {
    conn_ = PQconnectStart(options_.conninfo.c_str());
    if (conn_ == nullptr || PQstatus(conn_) == CONNECTION_BAD) {
        state_ = state::connecting;  // so that fail() backs off
        fail(conn_ ? trimmed(PQerrorMessage(conn_)) : "out of memory");
        return;
    }
    PQsetNoticeProcessor(conn_, &log_notice, nullptr);
    state_ = state::connecting;
    connect_wants_write_ = true;  // PQconnectStart's contract: as if PGRES_POLLING_WRITING
    attach_socket();
    arm_watchdog();
    wait(writable);
}

void connection::continue_connect() {
    switch (PQconnectPoll(conn_)) {
        case PGRES_POLLING_OK: on_connected(); return;
        case PGRES_POLLING_FAILED: fail(trimmed(PQerrorMessage(conn_))); return;
        case PGRES_POLLING_READING: connect_wants_write_ = false; break;
        default: connect_wants_write_ = true; break;
    }
    // Another host of a multi-host URI is tried on a new socket.
    attach_socket();
    if (connect_wants_write_) {
        wait(writable);
    } else {
        wait(readable);
    }
}

void connection::on_connected() {
    if (PQsetnonblocking(conn_, 1) != 0 || PQenterPipelineMode(conn_) != 1) {
        fail(trimmed(PQerrorMessage(conn_)));
        return;
    }
    state_ = state::ready;
    backoff_ = options_.min_backoff;
    retry_after_ = {};
    attach_socket();
    wait(readable);  // always armed: a server that goes away is noticed at once
    send_unsent();
}

void connection::attach_socket() {
    // Registered afresh after every connect step: when libpq gives up on one host of a
    // multi-host URI it closes that socket and opens the next, which usually gets the same fd
    // number, and the kernel has dropped the old registration with the old socket.
    detach_socket();
    const int fd = PQsocket(conn_);
    if (fd >= 0) socket_ = std::make_unique<net::posix::stream_descriptor>(io_, fd);
}

void connection::detach_socket() {
    ++generation_;  // a wait still pending on the old socket does nothing when it completes
    reading_ = writing_ = false;
    if (socket_) socket_->release();  // libpq closes its sockets itself
    socket_.reset();
}

void connection::wait(net::posix::descriptor_base::wait_type type) {
    const bool write = type == writable;
    bool& armed = write ? writing_ : reading_;
    if (armed || !socket_) return;
    armed = true;
    socket_->async_wait(type, [self = shared_from_this(), generation = generation_,
                               write](boost::system::error_code ec) {
        if (generation != self->generation_) return;
        (write ? self->writing_ : self->reading_) = false;
        if (ec) return;
        if (self->state_ == state::connecting) {
            if (self->connect_wants_write_ == write) self->continue_connect();
        } else if (write) {
            self->flush();
        } else {
            self->on_readable();
        }
    });
}

void connection::on_readable() {
    if (PQconsumeInput(conn_) == 0) {
        fail(trimmed(PQerrorMessage(conn_)));
        return;
    }
    drain_results();
    if (state_ != state::ready) return;  // a result's handler closed us
    if (PQstatus(conn_) == CONNECTION_BAD) {
        fail("the connection was lost");
        return;
    }
    wait(readable);
    flush();  // libpq: after PQconsumeInput, PQflush again if it had more to send
}

void connection::send_unsent() {
    std::vector<const char*> values;
    while (!unsent_.empty()) {
        auto& next = unsent_.front();
        for (const auto& stmt : next.statements) {
            values.clear();
            for (const auto& p : stmt.params) values.push_back(p ? p->c_str() : nullptr);
            if (PQsendQueryParams(conn_, stmt.sql.c_str(), static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0) == 0) {
                fail(trimmed(PQerrorMessage(conn_)));
                return;
            }
        }
        if (PQpipelineSync(conn_) == 0) {
            fail(trimmed(PQerrorMessage(conn_)));
            return;
        }
        next.statements = {};  // sent: only the results are needed now
        sent_.push_back(std::move(next));
        unsent_.pop_front();
    }
    arm_watchdog();
    flush();
}

void connection::flush() {
    if (state_ != state::ready) return;
    const int pending = PQflush(conn_);
    if (pending < 0) {
        fail(trimmed(PQerrorMessage(conn_)));
    } else if (pending > 0) {
        wait(writable);
    }
}

void connection::drain_results() {
    // Each statement's result is followed by a NULL; each segment ends with its Sync's
    // PGRES_PIPELINE_SYNC. Two NULLs in a row mean nothing more is ready.
    int nulls = 0;
    while (state_ == state::ready && !sent_.empty() && PQisBusy(conn_) == 0) {
        PGresult* raw = PQgetResult(conn_);
        if (raw == nullptr) {
            if (++nulls > 1) break;
            continue;
        }
        nulls = 0;
        if (PQresultStatus(raw) == PGRES_PIPELINE_SYNC) {
            PQclear(raw);
            auto finished = std::move(sent_.front());
            sent_.pop_front();
            ++completed_;
            finished.done(std::move(finished.results));
            continue;
        }
        sent_.front().results.emplace_back(raw);
    }
}

void connection::fail(const std::string& why) {
    if (!why.empty()) spdlog::warn("postgres: {}: {}", options_.redacted, why);
    if (state_ == state::connecting) {
        retry_after_ = steady_clock::now() + backoff_;
        backoff_ = std::min(backoff_ * 2, options_.max_backoff);
    }
    detach_socket();
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    state_ = state::idle;

    // Handlers run later, never inside the call that failed: they may start new work.
    std::vector<handler> failed;
    for (auto& s : sent_) failed.push_back(std::move(s.done));
    for (auto& s : unsent_) failed.push_back(std::move(s.done));
    sent_.clear();
    unsent_.clear();
    if (!failed.empty()) {
        net::post(io_, [failed = std::move(failed)] {
            for (const auto& done : failed) done(std::nullopt);
        });
    }
}

void connection::arm_watchdog() {
    if (watchdog_armed_) return;
    watchdog_armed_ = true;
    completed_at_last_check_ = completed_;
    watchdog_.expires_after(options_.command_timeout);
    watchdog_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        self->watchdog_armed_ = false;
        if (ec) return;
        if (self->state_ == state::connecting) {
            self->fail("no connection after " +
                       std::to_string(self->options_.command_timeout.count()) + " ms");
        } else if (!self->sent_.empty() && self->completed_ == self->completed_at_last_check_) {
            self->fail("no answer for " + std::to_string(self->options_.command_timeout.count()) +
                       " ms");
        } else if (!self->sent_.empty()) {
            self->arm_watchdog();
        }
    });
}

}  // namespace marconi::storage::postgres
