// Marconi. Pools and flavors.
#include "core/pool_service.hpp"

#include "core/validation.hpp"
#include "storage/contract/error.hpp"
#include "storage/contract/redacted_uri.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace marconi::core {

namespace {

constexpr std::size_t max_name_length = 64;

[[noreturn]] void pool_not_found(const std::string& name) {
    throw error{errc::pool_not_found, "Pool " + name + " does not exist"};
}

[[noreturn]] void flavor_not_found(const std::string& name) {
    throw error{errc::flavor_not_found, "Flavor " + name + " does not exist"};
}

}  // namespace

void validate_pool_or_flavor_name(std::string_view name, std::string_view what) {
    const bool valid = !name.empty() && name.size() <= max_name_length &&
                       std::all_of(name.begin(), name.end(), [](char c) {
                           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                  (c >= '0' && c <= '9') || c == '_' || c == '-';
                       });
    if (!valid) {
        throw error{errc::invalid_request,
                    std::string{what} +
                        " names may only contain ASCII letters, digits, "
                        "underscores and dashes, and be at most 64 characters."};
    }
}

pool_service::pool_service(storage::control_store& control, store_opener open, uri_check check_uri,
                           std::function<void()> changed)
    : control_(control),
      open_(std::move(open)),
      check_uri_(std::move(check_uri)),
      changed_(std::move(changed)) {}

std::vector<std::string> pool_service::capabilities_of(const std::string& uri) {
    {
        std::lock_guard lock(mutex_);
        if (auto it = capabilities_.find(uri); it != capabilities_.end()) return it->second;
    }
    std::vector<std::string> caps;
    try {
        caps = open_(uri)->capabilities();
    } catch (const std::exception& e) {
        spdlog::warn("pooling: cannot open {}: {}", storage::redacted_uri(uri), e.what());
        return {};
    }
    std::lock_guard lock(mutex_);
    capabilities_[uri] = caps;
    return caps;
}

net::awaitable<void> pool_service::check_uri(const std::string& uri, const std::string& name) {
    std::vector<std::string> others;
    const auto pools = co_await storage::all_pools(control_);
    for (const auto& pool : pools) {
        if (pool.name == name) continue;
        // Zaqar's unique index on the pool URI (mongodb control store).
        if (pool.uri == uri)
            throw error{errc::conflict, "The database URI is in use by another pool."};
        others.push_back(pool.uri);
    }
    check_uri_(uri, others);
}

net::awaitable<std::vector<std::string>> pool_service::test_connect(std::string uri) {
    std::unique_ptr<storage::data_driver> store;
    try {
        store = open_(uri);
    } catch (const std::exception& e) {
        spdlog::info("pooling: test-connect to {} failed: {}", storage::redacted_uri(uri),
                     e.what());
    }
    if (!store || !co_await store->ping()) {
        throw error{errc::invalid_request, "cannot connect to " + uri};
    }
    auto caps = store->capabilities();
    std::lock_guard lock(mutex_);
    capabilities_[uri] = caps;
    co_return caps;
}

net::awaitable<std::vector<std::string>> pool_service::pools_of_flavor(std::string flavor) {
    std::vector<std::string> out;
    const auto pools = co_await storage::all_pools(control_);
    for (const auto& p : pools) {
        if (p.flavor == flavor) out.push_back(p.name);
    }
    co_return out;
}

// --- pools ----------------------------------------------------------------------------------

net::awaitable<void> pool_service::create_pool(std::string name, pool_input input) {
    validate_pool_or_flavor_name(name, "Pool");
    pool_record pool{name, input.uri.value_or(""), input.weight.value_or(0), std::nullopt,
                     input.options_json.value_or("{}")};
    if (input.flavor && !input.flavor->empty()) pool.flavor = input.flavor;
    co_await check_uri(pool.uri, name);
    const auto caps = co_await test_connect(pool.uri);
    if (pool.flavor) {
        const auto peers = co_await storage::all_pools(control_);
        for (const auto& peer : peers) {
            if (peer.flavor != pool.flavor || peer.name == name) continue;
            if (capabilities_of(peer.uri) != caps) {
                throw titled_error{errc::invalid_request, "Unable to create pool",
                                   "The capabilities of " + pool.uri +
                                       " do not match those of the other pools of flavor " +
                                       *pool.flavor + "."};
            }
            break;  // the flavor's pools all match one another
        }
    }
    // A PUT of an existing pool replaces it, as Zaqar's upsert does.
    if (!co_await control_.create_pool(pool)) co_await control_.update_pool(std::move(pool));
    changed_();
}

net::awaitable<pool_record> pool_service::get_pool(std::string name) {
    auto pool = co_await control_.get_pool(name);
    if (!pool) pool_not_found(name);
    co_return std::move(*pool);
}

net::awaitable<std::vector<pool_record>> pool_service::list_pools(std::optional<std::string> marker,
                                                                  std::int64_t limit) {
    co_return co_await control_.list_pools(std::move(marker), limit);
}

net::awaitable<pool_record> pool_service::update_pool(std::string name, pool_input patch) {
    auto pool = co_await control_.get_pool(name);
    if (!pool) pool_not_found(name);
    if (patch.uri && *patch.uri != pool->uri) {
        co_await check_uri(*patch.uri, name);
        co_await test_connect(*patch.uri);
        pool->uri = *patch.uri;
    }
    if (patch.weight) pool->weight = *patch.weight;
    if (patch.flavor) {
        pool->flavor = patch.flavor->empty() ? std::nullopt : patch.flavor;
    }
    if (patch.options_json) pool->options_json = *patch.options_json;
    if (!co_await control_.update_pool(*pool)) pool_not_found(name);
    changed_();
    co_return std::move(*pool);
}

net::awaitable<void> pool_service::delete_pool(std::string name) {
    auto pool = co_await control_.get_pool(name);
    if (!pool) co_return;  // idempotent, as in Zaqar
    if (pool->flavor) {
        throw titled_error{
            errc::forbidden, "Unable to delete",
            "This pool is used by flavors " + *pool->flavor + "; It cannot be deleted."};
    }
    // Not in Zaqar: deleting a pool that holds queues would strand their messages.
    if (const auto queues = co_await control_.count_pool_queues(name); queues > 0) {
        throw titled_error{
            errc::forbidden, "Unable to delete",
            "This pool holds " + std::to_string(queues) + " queues; It cannot be deleted."};
    }
    co_await control_.delete_pool(std::move(name));
    changed_();
}

// --- flavors --------------------------------------------------------------------------------

net::awaitable<void> pool_service::check_pools_exist(const std::vector<std::string>& pool_list,
                                                     const std::string& flavor,
                                                     std::string_view action) {
    if (pool_list.empty()) {
        throw titled_error{errc::invalid_request, "Unable to create", "Bad Request"};
    }
    for (const auto& pool : pool_list) {
        if (!co_await control_.get_pool(pool)) {
            throw titled_error{errc::invalid_request, "Unable to create",
                               "Flavor " + flavor + " " + std::string{action} + ", error:Pool " +
                                   pool + " does not exist"};
        }
    }
}

net::awaitable<void> pool_service::set_flavor(std::string pool, std::optional<std::string> flavor) {
    auto record = co_await control_.get_pool(pool);
    if (!record || record->flavor == flavor) co_return;
    record->flavor = std::move(flavor);
    co_await control_.update_pool(std::move(*record));
}

net::awaitable<flavor_view> pool_service::view_of(std::string name, bool with_capabilities) {
    flavor_view view;
    view.pool_list = co_await pools_of_flavor(name);
    if (with_capabilities && !view.pool_list.empty()) {
        auto first = co_await control_.get_pool(view.pool_list.front());
        if (first) view.capabilities = capabilities_of(first->uri);
    }
    view.name = std::move(name);
    co_return view;
}

net::awaitable<void> pool_service::put_flavor(project_id project, std::string name,
                                              std::vector<std::string> pool_list) {
    validate_pool_or_flavor_name(name, "Flavor");
    co_await check_pools_exist(pool_list, name, "could not be created");
    flavor_record record{std::move(project), name};
    co_await control_.create_flavor(std::move(record));  // false: it existed, as good
    for (const auto& pool : pool_list) co_await set_flavor(pool, name);
    changed_();
}

net::awaitable<flavor_view> pool_service::get_flavor(project_id project, std::string name) {
    flavor_record record{std::move(project), name};
    if (!co_await control_.flavor_exists(std::move(record))) flavor_not_found(name);
    co_return co_await view_of(std::move(name), true);
}

net::awaitable<std::vector<flavor_view>> pool_service::list_flavors(
    project_id project, std::optional<std::string> marker, std::int64_t limit, bool detailed) {
    std::vector<flavor_view> out;
    auto flavors = co_await control_.list_flavors(std::move(project), std::move(marker), limit);
    for (auto& f : flavors) out.push_back(co_await view_of(std::move(f.name), detailed));
    co_return out;
}

net::awaitable<flavor_view> pool_service::patch_flavor(project_id project, std::string name,
                                                       std::vector<std::string> pool_list) {
    if (pool_list.empty()) {
        throw titled_error{errc::invalid_request, "Unable to create", "Bad Request"};
    }
    flavor_record record{std::move(project), name};
    if (!co_await control_.flavor_exists(std::move(record))) flavor_not_found(name);
    co_await check_pools_exist(pool_list, name, "cant be updated");
    const auto old_pools = co_await pools_of_flavor(name);
    for (const auto& pool : pool_list) co_await set_flavor(pool, name);
    for (const auto& pool : old_pools) {
        if (std::find(pool_list.begin(), pool_list.end(), pool) == pool_list.end()) {
            co_await set_flavor(pool, std::nullopt);
        }
    }
    changed_();
    co_return co_await view_of(std::move(name), true);
}

net::awaitable<void> pool_service::delete_flavor(project_id project, std::string name) {
    const auto pools = co_await pools_of_flavor(name);
    for (const auto& pool : pools) co_await set_flavor(pool, std::nullopt);
    flavor_record record{std::move(project), std::move(name)};
    co_await control_.delete_flavor(std::move(record));
    changed_();
}

}  // namespace marconi::core
