// Marconi.
#include "auth/errc.hpp"

#include <string>

namespace marconi::auth {

namespace {

class auth_category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "marconi.auth"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::missing_token: return "no authentication token";
            case errc::invalid_token: return "invalid authentication token";
            case errc::unavailable: return "identity backend unavailable";
        }
        return "unknown auth error";
    }
};

}  // namespace

const boost::system::error_category& category() noexcept {
    static const auth_category instance;
    return instance;
}

}  // namespace marconi::auth
