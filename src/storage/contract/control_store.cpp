// Marconi. What every control store offers on top of its contract.
#include "storage/contract/control_store.hpp"

namespace marconi::storage {

net::awaitable<std::vector<core::pool_record>> all_pools(control_store& control) {
    constexpr std::int64_t page = 100;
    std::vector<core::pool_record> all;
    std::optional<std::string> marker;
    while (true) {
        auto batch = co_await control.list_pools(marker, page);
        if (batch.empty()) break;
        marker = batch.back().name;
        const bool last = static_cast<std::int64_t>(batch.size()) < page;
        all.insert(all.end(), std::make_move_iterator(batch.begin()),
                   std::make_move_iterator(batch.end()));
        if (last) break;
    }
    co_return all;
}

}  // namespace marconi::storage
