// Marconi.
#include "auth/policy_rule.hpp"

#include <cctype>
#include <strings.h>
#include <utility>

namespace marconi::auth {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

struct token {
    enum class kind { open, close, and_, or_, not_, check };
    kind type;
    std::string_view text;
    std::size_t column;  ///< 1-based
};

/// oslo.policy's tokenizer: split at whitespace, then peel "(" off the front and ")" off the
/// back of each piece (a "%(name)s" inside a check never sits at either end).
std::vector<token> tokenize(std::string_view text) {
    std::vector<token> out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (is_space(text[i])) {
            ++i;
            continue;
        }
        std::size_t end = i;
        while (end < text.size() && !is_space(text[end])) ++end;
        std::string_view piece = text.substr(i, end - i);
        std::size_t column = i + 1;
        while (!piece.empty() && piece.front() == '(') {
            out.push_back({token::kind::open, "(", column});
            piece.remove_prefix(1);
            ++column;
        }
        std::size_t trailing = 0;
        while (trailing < piece.size() && piece[piece.size() - 1 - trailing] == ')') ++trailing;
        const auto word = piece.substr(0, piece.size() - trailing);
        if (!word.empty()) {
            auto type = token::kind::check;
            if (equal_ignoring_case(word, "and")) type = token::kind::and_;
            if (equal_ignoring_case(word, "or")) type = token::kind::or_;
            if (equal_ignoring_case(word, "not")) type = token::kind::not_;
            out.push_back({type, word, column});
        }
        for (std::size_t k = 0; k < trailing; ++k) {
            out.push_back({token::kind::close, ")", column + word.size() + k});
        }
        i = end;
    }
    return out;
}

bool is_literal(std::string_view kind) {
    if (kind.size() >= 2 && (kind.front() == '\'' || kind.front() == '"') &&
        kind.back() == kind.front()) {
        return true;
    }
    if (kind == "True" || kind == "False") return true;
    auto digits = kind;
    if (!digits.empty() && (digits.front() == '-' || digits.front() == '+'))
        digits.remove_prefix(1);
    if (digits.empty()) return false;
    for (const char c : digits) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

/// The text Python's str(ast.literal_eval(kind)) gives for the literals we accept.
std::string literal_text(std::string_view kind) {
    if (kind.front() == '\'' || kind.front() == '"')
        return std::string(kind.substr(1, kind.size() - 2));
    if (kind.front() == '+') kind.remove_prefix(1);
    return std::string(kind);
}

bool is_credential_name(std::string_view kind) {
    if (kind.empty()) return false;
    for (const char c : kind) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) {
            return false;
        }
    }
    return true;
}

check make_check(const token& t) {
    check out;
    if (t.text == "@") return out;  // allow
    if (t.text == "!") {
        out.type = check::kind::deny;
        return out;
    }
    if ((t.text.front() == '"' || t.text.front() == '\'') && t.text.size() >= 2 &&
        t.text.back() == t.text.front()) {
        throw policy_syntax_error(
            t.column, "a quoted string is not a check: \"" + std::string(t.text) + "\"");
    }
    const auto colon = t.text.find(':');
    if (colon == std::string_view::npos) {
        throw policy_syntax_error(t.column, "\"" + std::string(t.text) +
                                                "\" is not a check (expected KIND:MATCH, @ "
                                                "or !)");
    }
    const auto kind = t.text.substr(0, colon);
    const auto match = t.text.substr(colon + 1);
    const auto match_column = t.column + colon + 1;
    if (kind == "rule") {
        if (match.empty()) throw policy_syntax_error(match_column, "rule: needs a rule name");
        out.type = check::kind::rule;
        out.name = std::string(match);
        return out;
    }
    if (kind == "http" || kind == "https") {
        throw policy_syntax_error(t.column, std::string(kind) +
                                                ": checks (a remote policy server) are not "
                                                "supported");
    }
    out.match = match_template::parse(match, match_column);
    if (kind == "role") {
        out.type = check::kind::role;
    } else if (is_literal(kind)) {
        out.type = check::kind::constant;
        out.name = literal_text(kind);
    } else if (is_credential_name(kind)) {
        out.type = check::kind::creds;
        out.name = std::string(kind);
    } else {
        throw policy_syntax_error(
            t.column, "\"" + std::string(kind) + "\" is not a credential name or a literal");
    }
    return out;
}

/// Recursive descent over the tokens; see the grammar in policy_rule.hpp.
class parser {
public:
    parser(std::vector<token> tokens, std::size_t end_column)
        : tokens_(std::move(tokens)), end_column_(end_column) {}

    check parse() {
        auto result = parse_or();
        if (pos_ < tokens_.size()) fail(tokens_[pos_], "unexpected");
        return result;
    }

private:
    check parse_or() { return parse_list(check::kind::any_of, token::kind::or_); }

    check parse_and() { return parse_list(check::kind::all_of, token::kind::and_); }

    /// operand (op operand)*, flattened into one node.
    check parse_list(check::kind node, token::kind op) {
        auto first = node == check::kind::any_of ? parse_and() : parse_not();
        if (!at(op)) return first;
        check list;
        list.type = node;
        list.children.push_back(std::move(first));
        while (at(op)) {
            ++pos_;
            list.children.push_back(node == check::kind::any_of ? parse_and() : parse_not());
        }
        return list;
    }

    check parse_not() {
        if (pos_ >= tokens_.size()) {
            throw policy_syntax_error(end_column_,
                                      pos_ == 0 ? "empty rule" : "the rule ends too early");
        }
        const auto& t = tokens_[pos_];
        switch (t.type) {
            case token::kind::not_: {
                ++pos_;
                check negation;
                negation.type = check::kind::negate;
                negation.children.push_back(parse_not());
                return negation;
            }
            case token::kind::open: {
                ++pos_;
                auto inner = parse_or();
                if (!at(token::kind::close)) {
                    if (pos_ < tokens_.size()) fail(tokens_[pos_], "expected \")\" before");
                    throw policy_syntax_error(t.column, "this \"(\" is never closed");
                }
                ++pos_;
                return inner;
            }
            case token::kind::check: ++pos_; return make_check(t);
            default: fail(t, "expected a check, \"not\" or \"(\" before");
        }
    }

    bool at(token::kind type) const { return pos_ < tokens_.size() && tokens_[pos_].type == type; }

    [[noreturn]] static void fail(const token& t, std::string_view what) {
        throw policy_syntax_error(t.column, std::string(what) + " \"" + std::string(t.text) + "\"");
    }

    std::vector<token> tokens_;
    std::size_t end_column_;
    std::size_t pos_ = 0;
};

std::optional<std::string_view> credential(const policy_credentials& creds, std::string_view key) {
    if (key == "project_id" || key == "project" || key == "tenant" || key == "tenant_id") {
        return creds.project_id;
    }
    if (key == "user_id" || key == "user") return creds.user_id;
    if (key == "is_admin") return creds.is_admin ? "True" : "False";
    return std::nullopt;
}

}  // namespace

match_template match_template::parse(std::string_view text, std::size_t column) {
    match_template out;
    out.pieces_.push_back({});
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            if (out.pieces_.back().variable) out.pieces_.push_back({});
            out.pieces_.back().text.push_back(text[i]);
            continue;
        }
        if (i + 1 < text.size() && text[i + 1] == '%') {
            if (out.pieces_.back().variable) out.pieces_.push_back({});
            out.pieces_.back().text.push_back('%');
            ++i;
            continue;
        }
        const auto close = text.find(")s", i);
        if (i + 1 >= text.size() || text[i + 1] != '(' || close == std::string_view::npos ||
            close == i + 2) {
            throw policy_syntax_error(column + i, "\"%\" must start %(name)s (or be doubled)");
        }
        out.pieces_.push_back({true, std::string(text.substr(i + 2, close - i - 2))});
        out.has_variables_ = true;
        i = close + 1;
    }
    return out;
}

std::optional<std::string> match_template::expand(const policy_target& target) const {
    std::string out;
    for (const auto& p : pieces_) {
        if (!p.variable) {
            out += p.text;
        } else if (p.text == "project_id" || p.text == "tenant_id" || p.text == "tenant") {
            out += target.project_id;
        } else {
            return std::nullopt;  // oslo: a KeyError makes the check false
        }
    }
    return out;
}

check parse_rule(std::string_view text) {
    check result;  // "" allows everything
    if (text.empty()) return result;
    return parser(tokenize(text), text.size() + 1).parse();
}

bool evaluate(const check& rule, const policy_credentials& creds, const policy_target& target) {
    switch (rule.type) {
        case check::kind::allow: return true;
        case check::kind::deny: return false;
        case check::kind::role: {
            if (!creds.roles) return false;
            std::optional<std::string> expanded;
            if (rule.match.has_variables()) {
                expanded = rule.match.expand(target);
                if (!expanded) return false;
            }
            const std::string_view wanted = expanded ? *expanded : rule.match.literal();
            for (const auto& role : *creds.roles) {
                if (equal_ignoring_case(role, wanted)) return true;
            }
            return false;
        }
        case check::kind::rule: return rule.linked && evaluate(*rule.linked, creds, target);
        case check::kind::creds: {
            const auto expected = rule.match.expand(target);
            if (!expected) return false;
            if (rule.name == "roles") {
                if (!creds.roles) return false;
                for (const auto& role : *creds.roles) {
                    if (role == *expected) return true;
                }
                return false;
            }
            const auto actual = credential(creds, rule.name);
            return actual && *actual == *expected;
        }
        case check::kind::constant: {
            const auto expected = rule.match.expand(target);
            return expected && *expected == rule.name;
        }
        case check::kind::all_of:
            for (const auto& child : rule.children) {
                if (!evaluate(child, creds, target)) return false;
            }
            return true;
        case check::kind::any_of:
            for (const auto& child : rule.children) {
                if (evaluate(child, creds, target)) return true;
            }
            return false;
        case check::kind::negate: return !evaluate(rule.children.front(), creds, target);
    }
    return false;
}

bool reads_is_admin(const check& rule) {
    if (rule.type == check::kind::creds && rule.name == "is_admin") return true;
    for (const auto& child : rule.children) {
        if (reads_is_admin(child)) return true;
    }
    return false;
}

}  // namespace marconi::auth
