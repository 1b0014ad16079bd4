// Marconi. The map key of a name scoped by its project: a queue, a topic, a subscriber.
#pragma once

#include <string>
#include <string_view>

namespace marconi {

/// `project` NUL `name`. Distinct pairs give distinct keys: a project id never holds a NUL (it
/// comes from an HTTP header; internal ones add only '\x1f').
inline std::string key_of(std::string_view project, std::string_view name) {
    std::string key;
    key.reserve(project.size() + 1 + name.size());
    key += project;
    key += '\0';
    key += name;
    return key;
}

}  // namespace marconi
