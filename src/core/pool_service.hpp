// Marconi. The admin side of pooling (Zaqar's /v2/pools and /v2/flavors): validation,
// test-connecting a pool before it is registered, and keeping each pool's `flavor` field in
// step with the flavor's pool list.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/contract/control_store.hpp"
#include "storage/contract/driver.hpp"
#include "storage/contract/pool_model.hpp"

namespace marconi::core {

namespace net = boost::asio;

/// A pool's fields as a request gives them; absent ones stay as they are (PATCH) or are
/// required (PUT: uri and weight). An empty flavor clears it.
struct pool_input {
    std::optional<std::string> uri;
    std::optional<std::int64_t> weight;
    std::optional<std::string> flavor;
    std::optional<std::string> options_json;
};

/// A flavor as the API shows it.
struct flavor_view {
    std::string name;
    std::vector<std::string> pool_list;     ///< the pools whose `flavor` names it
    std::vector<std::string> capabilities;  ///< its first pool's
};

/// Thread-safe.
class pool_service {
public:
    /// Opens a message store from a URI (make_driver): to test-connect a pool and read its
    /// capabilities.
    using store_opener = std::function<std::unique_ptr<storage::data_driver>(const std::string&)>;
    /// Refuses (throws core::error) a URI that may not hold a pool, given the URIs of the other
    /// registered pools: storage's pool_uri_guard, which knows what a URI names on disk.
    using uri_check =
        std::function<void(const std::string& uri, const std::vector<std::string>& other_pools)>;

    /// `changed` runs after every change, so the server's pooled driver stops trusting its
    /// cached pool list.
    pool_service(storage::control_store& control, store_opener open, uri_check check_uri,
                 std::function<void()> changed);

    /// Creates the pool, or replaces the one of that name (Zaqar's PUT is an upsert). Throws
    /// conflict when another pool has the same URI, invalid_body when `check_uri` refuses it,
    /// invalid_request when it cannot be reached or its capabilities differ from those of its
    /// flavor's other pools.
    net::awaitable<void> create_pool(std::string name, pool_input input);
    net::awaitable<pool_record> get_pool(std::string name);
    net::awaitable<std::vector<pool_record>> list_pools(std::optional<std::string> marker,
                                                        std::int64_t limit);
    /// A new URI is checked and test-connected as in create_pool.
    net::awaitable<pool_record> update_pool(std::string name, pool_input patch);
    /// Throws forbidden while a flavor uses the pool or queues live in it.
    net::awaitable<void> delete_pool(std::string name);

    /// Creates or replaces the flavor and points every listed pool at it.
    net::awaitable<void> put_flavor(project_id project, std::string name,
                                    std::vector<std::string> pool_list);
    net::awaitable<flavor_view> get_flavor(project_id project, std::string name);
    net::awaitable<std::vector<flavor_view>> list_flavors(project_id project,
                                                          std::optional<std::string> marker,
                                                          std::int64_t limit, bool detailed);
    /// Replaces the pool list: new pools point at the flavor, dropped ones no longer do.
    net::awaitable<flavor_view> patch_flavor(project_id project, std::string name,
                                             std::vector<std::string> pool_list);
    /// Idempotent; its pools no longer name it.
    net::awaitable<void> delete_flavor(project_id project, std::string name);

private:
    /// Runs check_uri_ on `uri` against every registered pool but `name`. Before test_connect,
    /// which would create the file.
    net::awaitable<void> check_uri(const std::string& uri, const std::string& name);
    /// Opens the URI's store and pings it; its capabilities, or invalid_request.
    net::awaitable<std::vector<std::string>> test_connect(std::string uri);
    std::vector<std::string> capabilities_of(const std::string& uri);
    net::awaitable<std::vector<std::string>> pools_of_flavor(std::string flavor);
    net::awaitable<void> check_pools_exist(const std::vector<std::string>& pool_list,
                                           const std::string& flavor, std::string_view action);
    net::awaitable<void> set_flavor(std::string pool, std::optional<std::string> flavor);
    net::awaitable<flavor_view> view_of(std::string name, bool with_capabilities);

    storage::control_store& control_;
    store_opener open_;
    uri_check check_uri_;
    std::function<void()> changed_;
    std::mutex mutex_;
    std::map<std::string, std::vector<std::string>> capabilities_;  // by URI; guarded by mutex_
};

/// Pool and flavor names: ASCII letters, digits, '_' and '-', 1 to 64 characters. Throws
/// invalid_request naming `what`.
void validate_pool_or_flavor_name(std::string_view name, std::string_view what);

}  // namespace marconi::core
