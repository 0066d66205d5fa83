// Applying GoTrue's names (gotrue_rules.cc) to a Config: precedence, the
// disagreement check and what `config check` reports.
#include <sstream>
#include <unordered_map>

#include "config/gotrue_env.h"
#include "config/provider_settings.h"
#include "config/settings.h"

namespace gh::config::internal {
namespace {

const Setting* FindSetting(const std::string& key) {
  static const std::unordered_map<std::string, const Setting*> by_key = [] {
    std::unordered_map<std::string, const Setting*> m;
    for (const Setting& s : Settings()) m.emplace(s.key, &s);
    return m;
  }();
  auto it = by_key.find(key);
  return it == by_key.end() ? nullptr : it->second;
}

const GotrueRule* FindRule(const std::string& name) {
  for (const GotrueRule& r : GotrueRules())
    if (!r.prefix && r.name == name) return &r;
  for (const GotrueRule& r : GotrueRules())
    if (r.prefix && name.starts_with(r.name)) return &r;
  return nullptr;
}

bool IsGotrueName(const std::string& name) {
  if (name.starts_with("GOTRUE_")) return true;
  const GotrueRule* r = FindRule(name);
  return r && !r->prefix;  // API_EXTERNAL_URL, SITE_URL
}

std::string Shown(const Setting& s, const Config& c) {
  std::string v = s.get(c);
  return s.secret && !v.empty() ? "(set)" : v;
}

class Applier {
 public:
  Applier(Config& config, const std::map<std::string, std::string>& env,
          const std::map<std::string, std::string>& file_env, ForeignReport* report,
          std::vector<std::string>* set_keys)
      : config_(config), env_(env), file_env_(file_env), report_(report), set_keys_(set_keys) {}

  void Name(const std::string& name, const std::string& value, const std::string& label,
            bool from_file) {
    const GotrueRule* rule = FindRule(name);
    if (!rule) {
      Ignored(label + ": ignored: not a GoTrue setting Gatehouse knows");
      return;
    }
    if (!rule->sms_family.empty()) {
      std::string provider = Lookup("GOTRUE_SMS_PROVIDER");
      if (Trim(provider) != rule->sms_family) {
        Ignored(label + ": ignored: read only when GOTRUE_SMS_PROVIDER is " + rule->sms_family);
        return;
      }
    }
    if (rule->targets.empty()) {
      NoCounterpart(*rule, value, label);
      return;
    }
    for (const GotrueTarget& t : rule->targets) Target(t, value, label, from_file);
  }

  std::vector<std::string> problems;

 private:
  struct Claim {
    std::string by;
    bool from_env;
  };

  std::string Lookup(const std::string& name) const {
    if (auto it = env_.find(name); it != env_.end()) return it->second;
    if (auto it = file_env_.find(name); it != file_env_.end()) return it->second;
    return {};
  }

  void Read(std::string line) {
    if (report_) report_->read.push_back(std::move(line));
  }
  void Ignored(std::string line) {
    if (report_) report_->ignored.push_back(std::move(line));
  }

  void NoCounterpart(const GotrueRule& rule, const std::string& value, const std::string& label) {
    if (rule.agrees_when >= 0) {
      auto b = ParseBool(value);
      if (b && *b == (rule.agrees_when == 1)) {
        Read(label + " = " + Trim(value) + ": nothing to set (" + rule.note + ")");
        return;
      }
    } else if (Trim(value).empty()) {
      Read(label + " is empty: nothing to set");
      return;
    }
    Ignored(label + ": ignored: " + rule.note);
  }

  // Who else set this setting: a table alias in the environment (AUTH_*,
  // DATABASE_URL) or an earlier GoTrue name.
  const Claim* Competitor(const Setting& s) {
    if (auto it = claims_.find(s.key); it != claims_.end()) return &it->second;
    for (const std::string& alias : s.aliases) {
      if (env_.count(alias) != 0) return &claims_.emplace(s.key, Claim{alias, true}).first->second;
    }
    return nullptr;
  }

  void Target(const GotrueTarget& t, const std::string& value, const std::string& label,
              bool from_file) {
    Converted c = t.convert(value);
    if (c.kind == Converted::kSkip) return;
    if (c.kind == Converted::kError) {
      problems.push_back(label + ": " + c.text);
      return;
    }
    if (c.kind == Converted::kIgnore) {
      Ignored(label + ": ignored: " + c.text);
      return;
    }
    const Setting* s = FindSetting(t.key);
    if (!s) {
      problems.push_back(label + ": maps to unknown setting " + t.key + " (a defect)");
      return;
    }
    if (env_.count(s->env) != 0) {
      Ignored(label + ": ignored: superseded by " + s->env + " (" + s->key + ")");
      return;
    }
    if (t.soft && s->get(config_) != s->get(Config{})) return;
    Config trial = config_;
    if (auto err = s->set(trial, c.text)) {
      problems.push_back(label + ": " + *err);
      return;
    }
    if (const Claim* other = Competitor(*s)) {
      if (s->get(trial) == s->get(config_)) {
        Read(label + " -> " + s->key + " = " + Shown(*s, config_) + " (as " + other->by + ")");
      } else if (from_file && other->from_env) {
        Ignored(label + ": ignored: " + other->by + " sets " + s->key +
                " (the environment wins over the file)");
      } else {
        problems.push_back(label + " and " + other->by + " disagree on " + s->key + " (" +
                           Shown(*s, trial) + " vs " + Shown(*s, config_) +
                           "): set one of "
                           "them, or " +
                           s->env + ", which wins over both");
      }
      return;
    }
    config_ = std::move(trial);
    claims_.emplace(s->key, Claim{label, !from_file});
    if (set_keys_) set_keys_->push_back(s->key);
    Read(label + " -> " + s->key + " = " + Shown(*s, config_));
  }

  Config& config_;
  const std::map<std::string, std::string>& env_;
  const std::map<std::string, std::string>& file_env_;
  ForeignReport* report_;
  std::vector<std::string>* set_keys_;
  std::map<std::string, Claim> claims_;
};

}  // namespace

std::vector<std::string> ApplyGotrue(Config& config, const std::map<std::string, std::string>& env,
                                     const std::map<std::string, std::string>& file_env,
                                     const std::map<std::string, std::string>& file_sources,
                                     ForeignReport* report, std::vector<std::string>* set_keys) {
  Applier a(config, env, file_env, report, set_keys);
  for (const auto& [name, value] : env)
    if (IsGotrueName(name)) a.Name(name, value, name, false);
  for (const auto& [name, value] : file_env) {
    auto src = file_sources.find(name);
    std::string label = src == file_sources.end() ? name : src->second + " (" + name + ")";
    if (env.count(name) != 0) {
      if (report)
        report->ignored.push_back(label + ": ignored: the environment's " + name +
                                  " wins over the file");
      continue;
    }
    a.Name(name, value, label, true);
  }
  return std::move(a.problems);
}

std::string RenderGotrueMarkdown() {
  std::ostringstream out;
  out << "\n## GoTrue (supabase/auth) names\n\n"
         "A supabase/auth container's environment configures Gatehouse too: each GoTrue name "
         "below is read as the setting of ours that means the same, converted to our units. "
         "`GATEHOUSE_*` wins over every alias; two aliases of one setting that disagree are a "
         "configuration error; agreeing ones are fine. A Supabase CLI `supabase/config.toml` "
         "passed with `--config` is read as the GoTrue names the CLI derives from its `[auth]` "
         "tables (`env(NAME)` values resolved from the environment), and the environment wins "
         "over it. Names without a counterpart are ignored; `gatehouse config check` lists what "
         "it read and what it ignored and why. GoTrue's defaults are not adopted: a name that is "
         "not set leaves our default.\n\n"
         "| GoTrue name | setting | notes |\n"
         "|---|---|---|\n";
  for (const GotrueRule& r : GotrueRules()) {
    out << "| `" << r.name << (r.prefix ? "*" : "") << "` | ";
    for (size_t i = 0; i < r.targets.size(); ++i)
      out << (i ? ", " : "") << "`" << r.targets[i].key << "`"
          << (r.targets[i].soft ? " (implied)" : "");
    if (r.targets.empty()) out << "none";
    std::string note = r.note;
    if (r.targets.empty() && r.agrees_when >= 0)
      note = std::string(r.agrees_when ? "`true`" : "`false`") + " is what Gatehouse does; " +
             (r.agrees_when ? "`false`" : "`true`") + " is ignored: " + note;
    else if (r.targets.empty())
      note = "ignored: " + note;
    out << " | " << note << " |\n";
  }
  return out.str();
}

}  // namespace gh::config::internal
