// Marconi. Which SQLite files a pool registered through the admin API (/v2/pools) may name.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "storage/contract/options.hpp"

namespace marconi::storage {

/// Keeps the SQLite files of pools inside `[pooling] allowed_paths` and off the files that
/// already belong to a store. It lives here, beside make_driver, because only storage knows
/// what a URI names on disk; the pool service, which knows the registered pools, calls it.
/// URIs of other schemes name no local file and pass. Immutable once made: any thread.
class pool_uri_guard {
public:
    /// Resolves `pooling.allowed_paths` now; empty means the directory of `storage.uri`'s
    /// file (none when the default store is not a SQLite file). Throws std::runtime_error
    /// naming an allowed directory that does not exist.
    pool_uri_guard(const driver_options& storage, const pooling_options& pooling);

    /// Throws core::error{invalid_body} when `uri` is a SQLite URI that is `:memory:`, has no
    /// file path, lies in a directory that does not exist, resolves (symlinks and `..`
    /// followed) outside the allowed directories, names something other than a regular file,
    /// or shares a database file (or its -wal, -shm, -journal) with the default store, the
    /// control store or one of `other_pools` (their URIs). Creates nothing.
    void check(std::string_view uri, const std::vector<std::string>& other_pools) const;

    const std::vector<std::filesystem::path>& allowed_directories() const { return allowed_; }

private:
    std::vector<std::filesystem::path> allowed_;  ///< canonical
    std::vector<std::string> store_uris_;         ///< the default and the control store
};

}  // namespace marconi::storage
