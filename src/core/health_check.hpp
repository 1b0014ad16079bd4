// Marconi. Zaqar's admin health check: a live round trip through every storage operation on a
// throwaway queue of a private project. GET /v2/health and the WebSocket check_node_health
// action answer with its report.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "core/services.hpp"

namespace marconi::core {

struct health_report {
    bool reachable = true;  ///< every step succeeded
    /// `{"storage_reachable", "operation_status": {step: {"succeeded","seconds","ref"}}}`.
    boost::json::object report;
};

/// Runs the steps one after another; a failing step is recorded, never thrown.
net::awaitable<health_report> check_health(services& svc);

}  // namespace marconi::core
