// Marconi. Handing finished jobs back to their callers' executors.
#include "storage/sqlite/job.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <deque>
#include <iterator>

namespace marconi::storage::sqlite {

void complete_later(std::unique_ptr<job> work) {
    auto executor = work->executor();
    if (!executor) {
        work->complete();
        return;
    }
    net::post(*executor, [work = std::move(work)] { work->complete(); });
}

void complete_all(std::vector<std::unique_ptr<job>>& jobs) {
    using group = std::pair<net::any_io_executor, std::vector<std::unique_ptr<job>>>;
    // A batch's callers sit on a few io threads: a short linear scan finds their group. (A deque:
    // a vector would copy groups when it grows, any_io_executor's move not being noexcept.)
    std::deque<group> groups;
    for (auto& work : jobs) {
        auto executor = work->executor();
        if (!executor) {
            work->complete();
            continue;
        }
        auto it = std::find_if(groups.begin(), groups.end(),
                               [&](const group& g) { return g.first == *executor; });
        if (it == groups.end()) {
            groups.emplace_back(std::move(*executor), std::vector<std::unique_ptr<job>>{});
            it = std::prev(groups.end());
        }
        it->second.push_back(std::move(work));
    }
    jobs.clear();
    for (auto& [executor, members] : groups) {
        net::post(executor, [members = std::move(members)] {
            for (const auto& work : members) work->complete();
        });
    }
}

}  // namespace marconi::storage::sqlite
