// Marconi.
#include "auth/signed_url.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <stdexcept>

namespace marconi::auth {

namespace {

std::string sorted_and_joined(std::vector<std::string> items) {
    std::sort(items.begin(), items.end());
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out.push_back(',');
        out += item;
    }
    return out;
}

}  // namespace

std::string sign(std::string_view secret_key, const url_grant& grant) {
    // Zaqar formats the body with a raw string, r'%(paths)s\n...': each separator is the two
    // characters backslash and 'n', not a newline. Sorting uses byte order, as Python's does
    // for ASCII.
    static constexpr std::string_view separator = "\\n";
    std::string body = sorted_and_joined(grant.paths);
    body += separator;
    body += sorted_and_joined(grant.methods);
    body += separator;
    body += grant.project;
    body += separator;
    body += grant.expires;

    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (HMAC(EVP_sha256(), secret_key.data(), static_cast<int>(secret_key.size()),
             reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac,
             &size) == nullptr) {
        throw std::runtime_error("OpenSSL HMAC-SHA256 failed");
    }
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(size * 2);
    for (unsigned int i = 0; i < size; ++i) {
        hex.push_back(digits[mac[i] >> 4]);
        hex.push_back(digits[mac[i] & 0xf]);
    }
    return hex;
}

}  // namespace marconi::auth
