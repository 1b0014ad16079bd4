// Marconi. Runs one coroutine to completion from synchronous test code.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <utility>

namespace marconi::conformance {

namespace net = boost::asio;

/// Spawns `task` on `io`, runs `io` on the calling thread until it has no work left, and returns
/// the task's result or rethrows its exception. Drivers keep `io` busy while a call is in
/// flight (work guards), so run() returning early would itself be a driver bug.
template <class T>
T run(net::io_context& io, net::awaitable<T> task) {
    auto result = net::co_spawn(io, std::move(task), net::use_future);
    io.restart();
    io.run();
    return result.get();
}

}  // namespace marconi::conformance
