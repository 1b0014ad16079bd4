// Marconi.
#include "api/codec/admin_render.hpp"

#include <boost/json/parse.hpp>

namespace marconi::api {

namespace json = boost::json;

namespace {

json::array strings(const std::vector<std::string>& items) {
    json::array out;
    for (const auto& item : items) out.emplace_back(item);
    return out;
}

}  // namespace

std::string pool_path(std::string_view name, api_version version) {
    return std::string(root_of(version)) + "/pools/" + std::string{name};
}

std::string flavor_path(std::string_view name, api_version version) {
    return std::string(root_of(version)) + "/flavors/" + std::string{name};
}

json::object render_pool(const core::pool_record& pool, bool detailed, api_version version) {
    json::object out{{"name", pool.name},
                     {"uri", pool.uri},
                     {"weight", pool.weight},
                     {"flavor", pool.flavor ? json::value(*pool.flavor) : json::value(nullptr)},
                     {"href", pool_path(pool.name, version)}};
    if (detailed) out["options"] = json::parse(pool.options_json);
    return out;
}

json::object render_flavor(const core::flavor_view& flavor, api_version version) {
    return {{"name", flavor.name},
            {"pool_list", strings(flavor.pool_list)},
            {"capabilities", strings(flavor.capabilities)},
            {"href", flavor_path(flavor.name, version)}};
}

json::object render_flavor_item(const core::flavor_view& flavor, bool detailed,
                                api_version version) {
    json::object item{{"name", flavor.name}, {"href", flavor_path(flavor.name, version)}};
    if (!flavor.pool_list.empty()) item["pool_list"] = strings(flavor.pool_list);
    if (detailed) item["capabilities"] = strings(flavor.capabilities);
    return item;
}

}  // namespace marconi::api
