// Marconi. MessagePack <-> JSON for binary WebSocket frames. A small codec of its own: Debian's
// msgpack-c (libmsgpack-cxx-dev) needs Boost 1.74's headers, which conflict with the 1.81 ones
// Marconi builds with.
#pragma once

#include <boost/json/value.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/json_depth.hpp"

namespace marconi::api::ws {

/// A frame that is not one well-formed MessagePack value that JSON can hold.
class msgpack_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Decodes exactly one value filling all of `packed`. Strings (str or bin) must be UTF-8 and
/// map keys strings; extension types and nesting deeper than `max_depth` are refused.
/// Throws msgpack_error saying what is wrong.
boost::json::value msgpack_to_json(std::string_view packed,
                                   int max_depth = static_cast<int>(max_json_depth) + 1);

/// The smallest encoding of each item, as Python's msgpack.packb: integers in the fewest
/// bytes, every double as float64, strings as str.
std::string json_to_msgpack(const boost::json::value& value);

}  // namespace marconi::api::ws
