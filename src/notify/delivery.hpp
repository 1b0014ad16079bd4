// Marconi. The outcome of one delivery attempt, whatever carried it.
#pragma once

#include <string>

namespace marconi::notify {

struct attempt_result {
    bool delivered = false;
    std::string error;  ///< why not, for logs and the dead-letter record
};

}  // namespace marconi::notify
