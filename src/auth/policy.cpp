// Marconi.
#include "auth/policy.hpp"

#include <boost/json/stream_parser.hpp>
#include <boost/json/value.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace marconi::auth {

namespace {

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

enum class visit_state { unseen, in_progress, done };

/// Depth-first walk over rule references; reports each cycle once as "a -> b -> a".
void find_cycles(const std::string& name, const check& root,
                 std::map<const check*, visit_state>& state,
                 std::map<const check*, std::string>& names, std::vector<std::string>& path,
                 std::vector<std::string>& cycles) {
    auto& s = state[&root];
    if (s == visit_state::done) return;
    if (s == visit_state::in_progress) {
        std::string cycle;
        bool on = false;
        for (const auto& step : path) {
            on = on || step == name;
            if (on) cycle += step + " -> ";
        }
        cycles.push_back(cycle + name);
        return;
    }
    s = visit_state::in_progress;
    path.push_back(name);
    std::vector<const check*> targets;
    for_each_reference(root, [&](const check& ref) {
        if (ref.linked) targets.push_back(ref.linked);
    });
    for (const auto* target : targets)
        find_cycles(names[target], *target, state, names, path, cycles);
    path.pop_back();
    state[&root] = visit_state::done;
}

std::string line_and_column(std::string_view text, std::size_t offset) {
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace

policy::policy() : policy({}, "policy defaults") {}

policy::policy(const std::vector<std::pair<std::string, std::string>>& overrides,
               const std::string& source) {
    std::map<std::string, std::string, std::less<>> texts;
    for (const auto& d : zaqar_policy_defaults()) texts[std::string(d.name)] = std::string(d.check);
    std::set<std::string, std::less<>> extra;  // names the file adds
    for (const auto& [name, text] : overrides) {
        if (!texts.contains(name)) extra.insert(name);
        texts[name] = text;
    }

    std::vector<std::string> problems;
    for (const auto& [name, text] : texts) {
        try {
            rules_.emplace(name, std::make_unique<check>(parse_rule(text)));
        } catch (const policy_syntax_error& e) {
            problems.push_back(source + ": rule " + quoted(name) + ": column " +
                               std::to_string(e.column()) + ": " + e.what() + " (in " +
                               quoted(text) + ")");
        }
    }

    std::set<std::string, std::less<>> referenced;
    std::map<const check*, std::string> names;
    for (auto& [rule_name, rule] : rules_) {
        const std::string& name = rule_name;  // (clang 14 cannot capture a structured binding)
        names[rule.get()] = name;
        for_each_reference(*rule, [&](check& ref) {
            referenced.insert(ref.name);
            const auto target = rules_.find(ref.name);
            if (target != rules_.end()) {
                ref.linked = target->second.get();
            } else if (!texts.contains(ref.name)) {  // (a target that failed to parse is reported)
                problems.push_back(source + ": rule " + quoted(name) + ": rule:" + ref.name +
                                   " names no rule");
            }
        });
    }
    std::map<const check*, visit_state> state;
    std::vector<std::string> path;
    std::vector<std::string> cycles;
    for (const auto& [name, rule] : rules_) find_cycles(name, *rule, state, names, path, cycles);
    for (const auto& cycle : cycles) {
        problems.push_back(source + ": rules refer to each other in a cycle: " + cycle);
    }
    if (!problems.empty()) {
        std::string message;
        for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
        throw std::invalid_argument(message);
    }

    context_is_admin_ = find("context_is_admin");
    for (const auto& [name, rule] : rules_)
        reads_is_admin_ = reads_is_admin_ || reads_is_admin(*rule);
    for (const auto& name : extra) {
        if (!referenced.contains(name)) unused_.push_back(name);
    }
}

policy policy::from_json(std::string_view json_text, const std::string& source) {
    boost::json::stream_parser parser;
    boost::system::error_code ec;
    const auto consumed = parser.write(json_text.data(), json_text.size(), ec);
    if (!ec) parser.finish(ec);
    if (ec) {
        throw std::invalid_argument(source + ":" + line_and_column(json_text, consumed) +
                                    ": not valid JSON: " + ec.message());
    }
    const auto document = parser.release();
    const auto* rules = document.if_object();
    if (!rules) {
        throw std::invalid_argument(source +
                                    ": expected a JSON object of "
                                    "{\"rule name\": \"check string\"}");
    }
    std::vector<std::pair<std::string, std::string>> overrides;
    std::vector<std::string> problems;
    for (const auto& [name, value] : *rules) {
        if (const auto* text = value.if_string()) {
            overrides.emplace_back(std::string(name), std::string(*text));
        } else {
            problems.push_back(source + ": rule " + quoted(name) +
                               ": expected a check string (oslo's old list syntax is not "
                               "supported)");
        }
    }
    if (!problems.empty()) {
        std::string message;
        for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
        throw std::invalid_argument(message);
    }
    return policy(overrides, source);
}

policy policy::load_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument(path + ": cannot open the policy file");
    std::ostringstream text;
    text << in.rdbuf();
    return from_json(text.str(), path);
}

const check* policy::find(std::string_view name) const {
    const auto it = rules_.find(name);
    return it == rules_.end() ? nullptr : it->second.get();
}

bool policy::allows(const check& rule, const identity& who, std::string_view project_id) const {
    policy_credentials creds{project_id, who.user_id, &who.roles, false};
    const policy_target target{project_id};
    if (reads_is_admin_ && context_is_admin_) {
        creds.is_admin = evaluate(*context_is_admin_, creds, target);
    }
    return evaluate(rule, creds, target);
}

}  // namespace marconi::auth
