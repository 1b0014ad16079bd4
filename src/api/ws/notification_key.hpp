// Marconi. Proof that a POST to the notification endpoint follows a subscriber URL this server
// handed out: a socket's URL carries HMAC-SHA256(key, socket id) under a per-process key.
#pragma once

#include <string>
#include <string_view>

namespace marconi::api::ws {

/// The URL travels in the subscription (the store), so whichever head delivers the
/// notification presents it unchanged: no head needs another's key. A project member who reads
/// one socket's subscriber URL learns nothing that reaches another socket. Immutable: any
/// thread.
class notification_key {
public:
    /// 32 bytes from OpenSSL's RAND_bytes; throws std::runtime_error when it fails.
    static notification_key random();
    explicit notification_key(std::string key) : key_(std::move(key)) {}

    /// 64 lower-case hex digits.
    std::string tag_of(std::string_view socket_id) const;
    /// Whether `tag` is tag_of(socket_id), compared in constant time (signing::same_secret).
    bool verify(std::string_view socket_id, std::string_view tag) const;

private:
    std::string key_;
};

}  // namespace marconi::api::ws
