// Marconi. Redis Cluster key slots: CRC16 (XMODEM) of the key's hash tag, mod 16384.
#pragma once

#include <cstdint>
#include <string_view>

namespace marconi::storage::redis {

inline constexpr int cluster_slots = 16384;

/// The slot Redis Cluster assigns `key`: only the part inside the first non-empty {...} counts,
/// which is how every key of one queue lands in one slot.
int hash_slot(std::string_view key);

}  // namespace marconi::storage::redis
