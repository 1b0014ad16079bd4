// Marconi.
#include "api/ws/notification_key.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace marconi::api::ws {

namespace {

constexpr std::size_t key_bytes = 32;
constexpr std::size_t tag_digits = 64;  // hex of a SHA-256 HMAC

}  // namespace

notification_key notification_key::random() {
    std::string key(key_bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) !=
        1) {
        throw std::runtime_error("OpenSSL RAND_bytes failed: no notification endpoint key");
    }
    return notification_key{std::move(key)};
}

std::string notification_key::tag_of(std::string_view socket_id) const {
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int size = 0;
    if (HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
             reinterpret_cast<const unsigned char*>(socket_id.data()), socket_id.size(), mac.data(),
             &size) == nullptr) {
        throw std::runtime_error("OpenSSL HMAC-SHA256 failed");
    }
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (unsigned int i = 0; i < size; ++i) {
        out.push_back(digits[mac[i] >> 4]);
        out.push_back(digits[mac[i] & 0xf]);
    }
    return out;
}

bool notification_key::verify(std::string_view socket_id, std::string_view tag) const {
    if (tag.size() != tag_digits) return false;  // the length is no secret
    const auto expected = tag_of(socket_id);
    return CRYPTO_memcmp(expected.data(), tag.data(), tag_digits) == 0;
}

}  // namespace marconi::api::ws
