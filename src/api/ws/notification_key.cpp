// Marconi.
#include "api/ws/notification_key.hpp"

#include <openssl/rand.h>

#include <stdexcept>

#include "net/signed_url.hpp"

namespace marconi::api::ws {

namespace {

constexpr std::size_t key_bytes = 32;

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
    return signing::hmac_sha256_hex(key_, socket_id);
}

bool notification_key::verify(std::string_view socket_id, std::string_view tag) const {
    return signing::same_secret(tag_of(socket_id), tag);
}

}  // namespace marconi::api::ws
