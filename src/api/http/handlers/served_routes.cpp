// Marconi. The route tables a server serves: v2's always, a deprecated version's when listed.
#include "api/http/router.hpp"

namespace marconi::api {

std::vector<route> served_routes(api_versions deprecated) {
    const auto v2 = v2_routes();
    std::vector<route> all(v2.begin(), v2.end());
    if (deprecated.contains(api_version::v1_1)) {
        const auto v1_1 = v1_1_routes();
        all.insert(all.end(), v1_1.begin(), v1_1.end());
    }
    if (deprecated.contains(api_version::v1_0)) {
        const auto v1_0 = v1_0_routes();
        all.insert(all.end(), v1_0.begin(), v1_0.end());
    }
    return all;
}

}  // namespace marconi::api
