// Marconi. PostgreSQL rows as contract values.
#include "storage/postgres/rows.hpp"

#include "storage/contract/row_key.hpp"

namespace marconi::storage::postgres {

std::string key_at(const result& r, int row, int column) {
    return encode_key({r.int64(row, column), static_cast<std::uint32_t>(r.int64(row, column + 1))});
}

core::message read_message(const result& r, int row, millis now) {
    core::message m;
    m.id = core::message_id{key_at(r, row, 0)};
    m.created = from_millis(r.int64(row, 2));
    m.expires = from_millis(r.int64(row, 3));
    if (!r.is_null(row, 4) && !r.is_null(row, 5) && !r.is_null(row, 6) && r.int64(row, 6) > now) {
        m.claim = core::claim_id{key_at(r, row, 4)};
    }
    m.claim_count = r.int64(row, 7);
    m.body_json = std::string{r.text(row, 8)};
    return m;
}

}  // namespace marconi::storage::postgres
