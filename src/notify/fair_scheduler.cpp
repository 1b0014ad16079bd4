// Marconi.
#include "notify/fair_scheduler.hpp"

#include <algorithm>

#include "common/project_key.hpp"

namespace marconi::notify {

fair_scheduler::fair_scheduler(std::size_t workers, std::size_t per_project)
    : workers_(std::max<std::size_t>(1, workers)),
      per_project_(std::clamp<std::size_t>(per_project, 1, workers_)) {}

void fair_scheduler::add(ticket t, const std::string& project, const std::string& subscriber) {
    placements_.insert_or_assign(t, placement{project, subscriber});
    auto& p = projects_[project];
    if (p.turn.empty()) project_turn_.push_back(project);
    auto& s = p.subscribers[subscriber];
    if (s.waiting.empty()) p.turn.push_back(subscriber);
    s.waiting.push_back(t);
    ++waiting_;
}

std::optional<fair_scheduler::ticket> fair_scheduler::start_in(const std::string& project,
                                                               bool include_failing) {
    auto& p = projects_.at(project);
    for (auto it = p.turn.begin(); it != p.turn.end(); ++it) {
        auto& s = p.subscribers.at(*it);
        if (s.busy || (!include_failing && failing_.contains(key_of(project, *it)))) {
            continue;
        }
        const ticket t = s.waiting.front();
        s.waiting.pop_front();
        s.busy = true;
        // Its next job, if any, waits behind every other subscriber of the project.
        auto name = std::move(*it);
        p.turn.erase(it);
        if (!s.waiting.empty()) p.turn.push_back(std::move(name));
        return t;
    }
    return std::nullopt;
}

std::optional<fair_scheduler::ticket> fair_scheduler::start() {
    if (in_flight_ >= workers_) return std::nullopt;
    for (auto it = project_turn_.begin(); it != project_turn_.end(); ++it) {
        auto& p = projects_.at(*it);
        if (p.in_flight >= per_project_) continue;
        auto t = start_in(*it, false);
        if (!t) t = start_in(*it, true);
        if (!t) continue;
        ++p.in_flight;
        ++in_flight_;
        --waiting_;
        auto name = std::move(*it);
        project_turn_.erase(it);
        if (!p.turn.empty()) project_turn_.push_back(std::move(name));
        return t;
    }
    return std::nullopt;
}

void fair_scheduler::finish(ticket t, bool delivered) {
    const auto found = placements_.find(t);
    if (found == placements_.end()) return;
    const auto [project, subscriber] = std::move(found->second);
    placements_.erase(found);
    auto& p = projects_.at(project);
    --p.in_flight;
    --in_flight_;
    p.subscribers.at(subscriber).busy = false;
    auto key = key_of(project, subscriber);
    if (delivered) {
        failing_.erase(key);
    } else {
        if (failing_.size() >= max_remembered_failures) failing_.clear();
        failing_.insert(std::move(key));
    }
    forget_if_idle(project, subscriber);
}

bool fair_scheduler::remove(ticket t) {
    const auto found = placements_.find(t);
    if (found == placements_.end()) return false;
    const auto [project, subscriber] = found->second;
    auto& p = projects_.at(project);
    auto& s = p.subscribers.at(subscriber);
    const auto at = std::find(s.waiting.begin(), s.waiting.end(), t);
    if (at == s.waiting.end()) return false;  // in flight
    s.waiting.erase(at);
    --waiting_;
    placements_.erase(found);
    if (s.waiting.empty()) p.turn.remove(subscriber);
    if (p.turn.empty()) project_turn_.remove(project);
    forget_if_idle(project, subscriber);
    return true;
}

std::vector<fair_scheduler::ticket> fair_scheduler::take_waiting() {
    std::vector<ticket> taken;
    taken.reserve(waiting_);
    for (const auto& [project, p] : projects_) {
        for (const auto& [subscriber, s] : p.subscribers) {
            taken.insert(taken.end(), s.waiting.begin(), s.waiting.end());
        }
    }
    for (const auto t : taken) remove(t);
    std::sort(taken.begin(), taken.end());  // tickets are handed out in claim order
    return taken;
}

void fair_scheduler::forget_if_idle(const std::string& project, const std::string& subscriber) {
    const auto p = projects_.find(project);
    const auto s = p->second.subscribers.find(subscriber);
    if (s->second.busy || !s->second.waiting.empty()) return;
    p->second.subscribers.erase(s);
    if (p->second.subscribers.empty() && p->second.in_flight == 0) projects_.erase(p);
}

std::size_t fair_scheduler::in_flight_of(const std::string& project) const {
    const auto p = projects_.find(project);
    return p == projects_.end() ? 0 : p->second.in_flight;
}

}  // namespace marconi::notify
