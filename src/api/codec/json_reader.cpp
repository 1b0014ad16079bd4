// Marconi.
#include "api/codec/json_reader.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

namespace marconi::api {

namespace json = boost::json;

namespace {

/// boost::json::parser's handler (a value_stack fed by basic_parser), which also sees each
/// number's text: that is the only place an integer literal read as a double can be told
/// from a decimal one.
class checking_handler {
public:
    static constexpr std::size_t max_object_size = json::object::max_size();
    static constexpr std::size_t max_array_size = json::array::max_size();
    static constexpr std::size_t max_key_size = json::string::max_size();
    static constexpr std::size_t max_string_size = json::string::max_size();

    checking_handler() { stack_.reset(); }

    json::value release() { return stack_.release(); }
    json_problem problem() const { return problem_; }

    bool on_document_begin(json::error_code&) { return true; }
    bool on_document_end(json::error_code&) { return true; }
    bool on_object_begin(json::error_code&) { return true; }
    bool on_object_end(std::size_t n, json::error_code&) {
        stack_.push_object(n);
        return true;
    }
    bool on_array_begin(json::error_code&) { return true; }
    bool on_array_end(std::size_t n, json::error_code&) {
        stack_.push_array(n);
        return true;
    }
    bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
        stack_.push_chars(s);
        return true;
    }
    bool on_key(json::string_view s, std::size_t, json::error_code&) {
        stack_.push_key(s);
        return true;
    }
    bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
        stack_.push_chars(s);
        return true;
    }
    bool on_string(json::string_view s, std::size_t, json::error_code&) {
        stack_.push_string(s);
        return true;
    }
    bool on_number_part(json::string_view s, json::error_code&) {
        decimal_ = decimal_ || is_decimal(s);
        return true;
    }
    bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
        decimal_ = false;
        stack_.push_int64(i);
        return true;
    }
    bool on_uint64(std::uint64_t, json::string_view, json::error_code& ec) {
        return refuse(json_problem::integer_too_large, ec);  // above 2^63 - 1
    }
    bool on_double(double d, json::string_view s, json::error_code& ec) {
        const bool decimal = decimal_ || is_decimal(s);
        decimal_ = false;
        if (!decimal) return refuse(json_problem::integer_too_large, ec);
        if (!std::isfinite(d)) return refuse(json_problem::not_finite, ec);
        stack_.push_double(d);
        return true;
    }
    bool on_bool(bool b, json::error_code&) {
        stack_.push_bool(b);
        return true;
    }
    bool on_null(json::error_code&) {
        stack_.push_null();
        return true;
    }
    bool on_comment_part(json::string_view, json::error_code&) { return true; }
    bool on_comment(json::string_view, json::error_code&) { return true; }

private:
    /// A fraction or an exponent: a number Zaqar's json.loads reads as a float too.
    static bool is_decimal(json::string_view text) {
        return text.find_first_of(".eE") != json::string_view::npos;
    }

    bool refuse(json_problem problem, json::error_code& ec) {
        problem_ = problem;
        ec = boost::system::errc::make_error_code(boost::system::errc::result_out_of_range);
        return false;
    }

    json::value_stack stack_;
    json_problem problem_ = json_problem::none;
    bool decimal_ = false;  ///< the current number's earlier parts had a '.', 'e' or 'E'
};

}  // namespace

json_reading read_client_json(std::string_view text, std::size_t max_depth) {
    json::parse_options options;
    options.max_depth = max_depth;
    json::basic_parser<checking_handler> parser(options);
    json::error_code ec;
    const auto used = parser.write_some(false, text.data(), text.size(), ec);
    if (!ec && used < text.size()) ec = json::error::extra_data;
    if (!ec) return {parser.handler().release(), json_problem::none, {}};
    if (parser.handler().problem() != json_problem::none) {
        return {{}, parser.handler().problem(), ec};
    }
    if (ec == json::error::too_deep) return {{}, json_problem::too_deep, ec};
    return {{}, json_problem::malformed, ec};
}

std::string describe(json_problem problem) {
    switch (problem) {
        case json_problem::integer_too_large:
            return "JSON contains integer that is too large.";  // Zaqar's text
        case json_problem::too_deep:
            return "Request body could not be parsed: arrays and objects may nest at most " +
                   std::to_string(max_json_depth) + " levels deep.";
        case json_problem::none:
        case json_problem::malformed:
        case json_problem::not_finite: break;
    }
    return "Request body could not be parsed.";
}

}  // namespace marconi::api
