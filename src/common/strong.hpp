// Marconi. Distinct value types over one representation, so ids cannot be mixed up.
#pragma once

#include <compare>
#include <functional>
#include <string>
#include <utility>

namespace marconi {

/// `strong<std::string, struct claim_id_tag>` is a string that only converts explicitly, so a
/// claim id cannot be passed where a message id belongs.
template <class T, class Tag>
class strong {
public:
    strong() = default;
    explicit strong(T value) : value_(std::move(value)) {}

    const T& value() const noexcept { return value_; }
    T& value() noexcept { return value_; }

    friend auto operator<=>(const strong&, const strong&) = default;

private:
    T value_{};
};

}  // namespace marconi

template <class T, class Tag>
struct std::hash<marconi::strong<T, Tag>> {
    std::size_t operator()(const marconi::strong<T, Tag>& s) const noexcept {
        return std::hash<T>{}(s.value());
    }
};
