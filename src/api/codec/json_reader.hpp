// Marconi. Reading a client's JSON: Boost.JSON's value builder with our limits on depth and
// numbers. Pure functions, thread-safe.
#pragma once

#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>

#include "common/json_depth.hpp"

namespace marconi::api {

/// Why a document was refused.
enum class json_problem {
    none,
    malformed,          ///< not JSON
    too_deep,           ///< arrays and objects nested deeper than the limit
    integer_too_large,  ///< an integer literal outside [-2^63, 2^63 - 1]
    not_finite,         ///< a number beyond double's range (1e400), which JSON cannot spell
};

struct json_reading {
    boost::json::value value;  ///< null unless problem is none
    json_problem problem = json_problem::none;
    boost::system::error_code error;  ///< the parser's, for malformed and too_deep
};

/// Parses one whole document. Boost.JSON alone would read an integer beyond 64 bits as a
/// double and 1e400 as infinity, silently changing what the client sent; Zaqar refuses
/// integers outside int64 ("JSON contains integer that is too large."), and so do we.
json_reading read_client_json(std::string_view text, std::size_t max_depth = max_json_depth);

/// What a request body's 400 says about `problem` (not none): Zaqar's texts, and ours naming
/// the depth limit.
std::string describe(json_problem problem);

}  // namespace marconi::api
