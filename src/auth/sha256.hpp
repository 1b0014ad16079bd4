// Marconi. SHA-256 (OpenSSL) and a constant-time comparison, for API key hashes.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace marconi::auth {

using sha256_digest = std::array<unsigned char, 32>;

sha256_digest sha256(std::string_view data);

/// Lower-case hex, 64 characters.
std::string to_hex(const sha256_digest& digest);

/// 64 hex digits (either case) -> digest; nullopt for anything else.
std::optional<sha256_digest> digest_from_hex(std::string_view hex);

/// Compares without an early exit, so the time taken says nothing about where they differ.
bool constant_time_equal(const sha256_digest& a, const sha256_digest& b) noexcept;

}  // namespace marconi::auth
