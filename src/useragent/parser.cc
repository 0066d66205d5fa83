// useragent::Parser: lazy rules, the LRU cache (see parser.h).

#include "useragent/parser.h"

#include <spdlog/spdlog.h>

#include <list>
#include <mutex>
#include <unordered_map>

#include "useragent/uap_rules.h"

namespace gh::useragent {

namespace {
// Longer strings are cut: real user agents are a few hundred bytes, and the
// sessions store keeps 512.
constexpr size_t kMaxBytes = 1024;
}  // namespace

struct Parser::Rules {
  std::unique_ptr<UapRules> uap;  // null when the file could not be loaded
  std::string error;
};

struct Parser::Once {
  std::once_flag flag;
};

// Most recently used at the front; the map points into the list.
struct Parser::Cache {
  explicit Cache(size_t capacity) : capacity(capacity < 1 ? 1 : capacity) {}
  size_t capacity;
  std::mutex mu;
  std::list<ParsedUserAgent> order;
  std::unordered_map<std::string_view, std::list<ParsedUserAgent>::iterator> index;
};

Parser::Parser(std::string rules_path, size_t cache_capacity)
    : rules_path_(std::move(rules_path)),
      rules_(std::make_unique<Rules>()),
      cache_(std::make_unique<Cache>(cache_capacity)),
      once_(std::make_unique<Once>()) {}

Parser::~Parser() = default;

const Parser::Rules* Parser::EnsureRules() {
  std::call_once(once_->flag, [this] {
    rules_->uap = UapRules::Load(rules_path_, &rules_->error);
    if (!rules_->uap) {
      spdlog::warn("user agents will not be parsed (the sessions list shows them raw): {}",
                   rules_->error);
    } else {
      spdlog::info("user-agent rules loaded: {} patterns from {}", rules_->uap->size(),
                   rules_path_);
    }
  });
  return rules_.get();
}

bool Parser::RulesLoaded() { return EnsureRules()->uap != nullptr; }

std::string Parser::LoadError() { return EnsureRules()->error; }

UapResult Parser::ParseRules(std::string_view user_agent) {
  const Rules* rules = EnsureRules();
  if (!rules->uap) return UapResult{};
  return rules->uap->Match(user_agent.substr(0, kMaxBytes));
}

ParsedUserAgent Parser::Parse(std::string_view user_agent) {
  user_agent = user_agent.substr(0, kMaxBytes);
  {
    std::lock_guard lock(cache_->mu);
    auto it = cache_->index.find(user_agent);
    if (it != cache_->index.end()) {
      cache_->order.splice(cache_->order.begin(), cache_->order, it->second);
      return *it->second;
    }
  }
  // Matched outside the lock: two threads may parse one new string at once,
  // and the second insert below is then a no-op.
  const Rules* rules = EnsureRules();
  ParsedUserAgent parsed;
  if (rules->uap) {
    parsed = Derive(user_agent, rules->uap->Match(user_agent));
  } else {
    parsed.ua = std::string(user_agent);
  }
  std::lock_guard lock(cache_->mu);
  if (cache_->index.count(user_agent) != 0) return parsed;
  cache_->order.push_front(parsed);
  cache_->index.emplace(cache_->order.front().ua, cache_->order.begin());
  if (cache_->order.size() > cache_->capacity) {
    cache_->index.erase(cache_->order.back().ua);
    cache_->order.pop_back();
  }
  return parsed;
}

}  // namespace gh::useragent
