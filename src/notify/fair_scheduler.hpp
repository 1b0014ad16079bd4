// Marconi. Which claimed notification job gets the next free delivery worker: at most one
// attempt in flight per subscriber, at most `per_project` per project, round robin between
// projects with ready work, and a subscriber whose last attempt failed waits behind the others
// of its project. So a tenant whose subscribers hang holds its own share of the workers and
// no more; other tenants' jobs start beside it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace marconi::notify {

/// Pure bookkeeping (no I/O, no clock); not thread-safe: the dispatcher uses it on its strand.
class fair_scheduler {
public:
    using ticket = std::uint64_t;

    fair_scheduler(std::size_t workers, std::size_t per_project);

    /// A job waits for a worker; `subscriber` names its endpoint within `project`.
    void add(ticket t, const std::string& project, const std::string& subscriber);
    /// The next job allowed to start, now in flight; nullopt when all workers are busy or
    /// every waiting job is held back by its subscriber's or its project's limit.
    std::optional<ticket> start();
    /// An in-flight job ended; a failure (an error answer, a timeout) sends its subscriber
    /// behind the others of its project until one of its attempts succeeds.
    void finish(ticket t, bool delivered);
    /// Removes every waiting job (to hand them back to the outbox), oldest first.
    std::vector<ticket> take_waiting();
    /// Removes one waiting job; false if it is not waiting.
    bool remove(ticket t);

    std::size_t in_flight() const { return in_flight_; }
    std::size_t waiting() const { return waiting_; }
    std::size_t in_flight_of(const std::string& project) const;

private:
    struct subscriber_state {
        std::deque<ticket> waiting;
        bool busy = false;
    };
    struct project_state {
        std::unordered_map<std::string, subscriber_state> subscribers;
        std::list<std::string> turn;  ///< subscribers with waiting jobs, next first
        std::size_t in_flight = 0;
    };
    struct placement {
        std::string project;
        std::string subscriber;
    };

    std::optional<ticket> start_in(const std::string& project, bool include_failing);
    void forget_if_idle(const std::string& project, const std::string& subscriber);

    static constexpr std::size_t max_remembered_failures = 4096;

    const std::size_t workers_;
    const std::size_t per_project_;
    std::size_t in_flight_ = 0;
    std::size_t waiting_ = 0;
    std::unordered_map<std::string, project_state> projects_;
    std::list<std::string> project_turn_;  ///< projects with waiting jobs, next first
    std::unordered_map<ticket, placement> placements_;
    std::unordered_set<std::string> failing_;  ///< subscribers whose last attempt failed
};

}  // namespace marconi::notify
