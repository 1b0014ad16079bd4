// Marconi. Queue metadata PATCH after Zaqar 15.0.0: Validator.queue_patching
// (zaqar/transport/validation.py:82-249) and ItemResource._do_* (wsgi/v2_0/queues.py:222).
// Python's whitespace is approximated by its ASCII/Latin-1 members.
#include "core/json_patch.hpp"

#include <boost/json/serialize.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.hpp"
#include "core/queue_settings.hpp"
#include "storage/contract/error.hpp"

namespace marconi::core {
namespace {

namespace json = boost::json;

enum class op { add, remove, replace };

struct change {
    op kind;
    std::string key;                   ///< decoded second path segment
    std::optional<json::value> value;  ///< absent for remove
};

// Zaqar shows every malformed-patch failure as HTTPBadRequestBody ("Invalid request body").
[[noreturn]] void fail(std::string description) {
    throw error(errc::invalid_body, std::move(description));
}

bool py_space(char c) { return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20); }

std::string_view py_strip(std::string_view s) {
    while (!s.empty() && py_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && py_space(s.back())) s.remove_suffix(1);
    return s;
}

// Python's str.replace: one left-to-right pass.
std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        if (s.substr(i, from.size()) == from) {
            out += to;
            i += from.size();
        } else {
            out += s[i++];
        }
    }
    return out;
}

// What Python's str() prints for a JSON value, close enough for an error message.
std::string py_str(const json::value& v) {
    if (v.is_string()) return std::string(v.get_string());
    if (v.is_bool()) return v.get_bool() ? "True" : "False";
    return json::serialize(v);
}

// re.search(r'/\s*?/', s): two slashes with only whitespace between them.
bool has_adjacent_slashes(std::string_view s) {
    for (std::size_t i = s.find('/'); i != std::string_view::npos; i = s.find('/', i + 1)) {
        std::size_t j = i + 1;
        while (j < s.size() && py_space(s[j])) ++j;
        if (j < s.size() && s[j] == '/') return true;
    }
    return false;
}

// re.search(r'~[^01]', s) or s.endswith('~').
bool has_bad_escape(std::string_view s) {
    for (std::size_t i = s.find('~'); i != std::string_view::npos; i = s.find('~', i + 1)) {
        if (i + 1 == s.size() || (s[i + 1] != '0' && s[i + 1] != '1')) return true;
    }
    return false;
}

void validate_pointer(const std::string& pointer) {
    const auto quoted = "Pointer `" + pointer + "` ";
    if (!pointer.starts_with('/')) fail(quoted + "does not start with \"/\".");
    const std::string_view rest = std::string_view(pointer).substr(1);
    if (has_adjacent_slashes(rest)) fail(quoted + "contains adjacent \"/\".");
    if (pointer.size() > 1 && pointer.ends_with('/')) fail(quoted + "end with \"/\".");
    if (py_strip(rest) == "/") fail(quoted + "does not contains valid token.");
    if (has_bad_escape(pointer)) {
        fail(quoted + "contains \"~\" not part of a recognized escape sequence.");
    }
}

// Zaqar drops every leading '/' (so "//metadata/k" works) and strips each segment.
std::vector<std::string> decode_pointer(std::string_view pointer) {
    const auto first = pointer.find_first_not_of('/');
    pointer.remove_prefix(first == std::string_view::npos ? pointer.size() : first);
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
        const auto end = pointer.find('/', start);
        const auto raw = pointer.substr(start, end - start);
        parts.emplace_back(py_strip(replace_all(replace_all(raw, "~1", "/"), "~0", "~")));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "/" : "") + parts[i];
    return out;
}

op parse_op(const json::object& raw) {
    constexpr std::string_view available = "It must be one of the following: add, remove, replace.";
    const auto* value = raw.if_contains("op");
    if (!value || value->is_null()) {
        fail("Unable to find `op` in JSON Schema change. " + std::string(available));
    }
    if (value->is_string()) {
        if (value->get_string() == "add") return op::add;
        if (value->get_string() == "remove") return op::remove;
        if (value->get_string() == "replace") return op::replace;
    }
    fail("Invalid operation: `" + py_str(*value) + "`. " + std::string(available));
}

std::string_view op_name(op kind) {
    switch (kind) {
        case op::add: return "add";
        case op::remove: return "remove";
        case op::replace: return "replace";
    }
    return {};
}

bool is_metadata_root(std::string_view root) {
    constexpr std::string_view expected = "metadata";
    if (root.size() != expected.size()) return false;
    for (std::size_t i = 0; i < root.size(); ++i) {
        const char c = root[i] >= 'A' && root[i] <= 'Z' ? char(root[i] - 'A' + 'a') : root[i];
        if (c != expected[i]) return false;
    }
    return true;
}

change parse_change(const json::value& raw_value) {
    if (!raw_value.is_object()) fail("Operations must be JSON objects.");
    const auto& raw = raw_value.get_object();
    const op kind = parse_op(raw);
    const auto* pointer = raw.if_contains("path");
    if (!pointer) fail("Unable to find 'path' in JSON Schema change");
    // Zaqar answers 503 here (AttributeError on a non-string); a 400 is the honest answer.
    if (!pointer->is_string()) fail("The value of \"path\" must be a string.");
    const std::string pointer_text(pointer->get_string());
    validate_pointer(pointer_text);
    const auto path = decode_pointer(pointer_text);
    if (path.size() != 2) {
        fail("Invalid JSON pointer for this resource: '/" + join(path) + ", e.g /metadata/key'");
    }
    change result{kind, path[1], std::nullopt};
    if (kind == op::remove) return result;  // Zaqar skips the root check for remove
    const auto* value = raw.if_contains("value");
    if (!value) {
        fail("Operation \"" + std::string(op_name(kind)) + "\" requires a member named \"value\".");
    }
    result.value = *value;
    if (!is_metadata_root(path[0])) fail("The root of path must be metadata, e.g /metadata/key.");
    return result;
}

// Replace and remove may name a reserved key that is not stored: exactly the keys GET fills in.
bool is_reserved(std::string_view key, metadata_owner owner) {
    static const json::object queue = metadata_with_defaults({}, limits{});
    static const json::object topic = metadata_with_defaults({}, limits{}, metadata_owner::topic);
    return (owner == metadata_owner::topic ? topic : queue).contains(key);
}

void apply(json::object& metadata, const change& c, metadata_owner owner) {
    switch (c.kind) {
        case op::add: metadata[c.key] = *c.value; return;
        case op::replace:
            if (!metadata.contains(c.key) && !is_reserved(c.key, owner)) {
                throw error(errc::conflict, "Can't replace non-existent object " + c.key + ".");
            }
            metadata[c.key] = *c.value;
            return;
        case op::remove:
            if (metadata.contains(c.key)) {
                metadata.stable_erase(c.key);  // keep the other keys' order, as Python does
            } else if (!is_reserved(c.key, owner)) {
                throw error(errc::conflict, "Can't remove non-existent object " + c.key + ".");
            }
            return;
    }
}

}  // namespace

json::object apply_metadata_patch(const json::object& metadata, const json::value& patch,
                                  metadata_owner owner) {
    // wsgi_utils.sanitize(doctype=list) runs first, and read_json refuses scalars.
    if (patch.is_object()) fail("Document type not supported.");
    if (!patch.is_array()) fail("Request body could not be parsed.");

    // Every change is checked before any applies, as in Validator.queue_patching.
    std::vector<change> changes;
    for (const auto& raw : patch.get_array()) changes.push_back(parse_change(raw));

    json::object result = metadata;
    for (const auto& c : changes) apply(result, c, owner);
    return result;
}

}  // namespace marconi::core
