// Marconi. Storage URIs as logs and messages may show them: never with a password.
#pragma once

#include <string>
#include <string_view>

namespace marconi::storage {

/// `uri` with "***" for the password of its userinfo and of any password= query parameter:
/// "postgresql://user:secret@host/db?password=x" -> "postgresql://user:***@host/db?password=***".
std::string redacted_uri(std::string_view uri);

}  // namespace marconi::storage
