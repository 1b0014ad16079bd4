// Marconi. The API versions Marconi serves, Zaqar's v1.0, v1.1 and v2, and the path each lives
// under. v2 is always served; the deprecated two only when `[transport]
// enable_deprecated_api_versions` lists them, as in Zaqar.
#pragma once

#include <cstdint>
#include <string_view>

namespace marconi::api {

enum class api_version : std::uint8_t { v1_0, v1_1, v2 };

/// `/v1`, `/v1.1` or `/v2`: what every path of `v` starts with.
constexpr std::string_view root_of(api_version v) {
    switch (v) {
        case api_version::v1_0: return "/v1";
        case api_version::v1_1: return "/v1.1";
        case api_version::v2: break;
    }
    return "/v2";
}

/// A set of versions, such as the ones a router serves.
class api_versions {
public:
    constexpr api_versions& add(api_version v) {
        bits_ |= bit(v);
        return *this;
    }
    constexpr bool contains(api_version v) const { return (bits_ & bit(v)) != 0; }

private:
    static constexpr std::uint8_t bit(api_version v) {
        return static_cast<std::uint8_t>(1u << static_cast<unsigned>(v));
    }
    std::uint8_t bits_ = 0;
};

}  // namespace marconi::api
