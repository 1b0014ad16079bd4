// Marconi. What a deployment chooses about its stores: the options the factory, the drivers and
// config share ([storage] and [pooling]). Plain values, no behaviour.
#pragma once

#include <string>
#include <vector>

namespace marconi::storage {

namespace pooled {

enum class placement_mode {
    /// Zaqar's catalog: a random pool, each chosen with probability weight / total weight.
    weighted,
    /// Weighted rendezvous hashing on (project, queue): every head picks the same pool without
    /// asking anyone, and adding a pool moves only the share of new names that it takes.
    hash,
};

}  // namespace pooled

enum class sync_mode { full, normal, off };

struct driver_options {
    std::string uri = "sqlite:///./marconi-data/marconi.db";
    /// full: fsync every commit (survives power loss); normal: survives kill -9, not power
    /// loss; off: for throwaway data only.
    sync_mode sync = sync_mode::full;
    int read_threads = 2;
    /// How long a server may act on its cached copy of a queue's metadata. Changes made through
    /// the same server are seen at once; with several servers on one store, a change made
    /// through another is seen within this time. 0: read the metadata on every request.
    int metadata_cache_seconds = 5;
};

/// [pooling]: scale-out over several message stores (Zaqar's pools, flavors and catalog).
struct pooling_options {
    bool enabled = false;
    /// The control store shared by every head: pools, flavors, the catalog.
    std::string control_uri = "sqlite:///./marconi-data/control.db";
    /// weighted: Zaqar's weighted random choice; hash: consistent hashing on (project, queue).
    pooled::placement_mode placement = pooled::placement_mode::weighted;
    /// Directories where SQLite pools (PUT /v2/pools) may keep their files, symlinks followed;
    /// empty: only the directory of the default store's file (`storage.uri`).
    std::vector<std::string> allowed_paths;
};

}  // namespace marconi::storage
