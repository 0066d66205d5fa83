#include "core/clock.h"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace gh::core {

namespace {

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {  // H. Hinnant's algorithm
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

UnixMillis SystemClock::NowMillis() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

const SystemClock& SystemClock::Instance() {
  static const SystemClock clock;
  return clock;
}

std::string FormatRfc3339(UnixMillis t) {
  std::time_t secs = static_cast<std::time_t>(t / 1000);
  int millis = static_cast<int>(t % 1000);
  if (millis < 0) {  // times before 1970
    millis += 1000;
    secs -= 1;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

std::optional<UnixMillis> ParseTimestamp(std::string_view s) {
  size_t i = 0;
  auto digits = [&](int n, int& out) {
    if (i + n > s.size()) return false;
    out = 0;
    for (int k = 0; k < n; ++k) {
      char c = s[i + k];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    i += n;
    return true;
  };
  auto lit = [&](char c) {
    if (i < s.size() && s[i] == c) return ++i, true;
    return false;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!digits(4, y) || !lit('-') || !digits(2, mo) || !lit('-') || !digits(2, d))
    return std::nullopt;
  if (!lit('T') && !lit('t') && !lit(' ')) return std::nullopt;
  if (!digits(2, h) || !lit(':') || !digits(2, mi) || !lit(':') || !digits(2, se))
    return std::nullopt;
  int millis = 0;
  if (lit('.')) {
    int n = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++n)
      if (n < 3) millis = millis * 10 + (s[i] - '0');
    if (n == 0) return std::nullopt;
    for (; n < 3; ++n) millis *= 10;
  }
  int offset_minutes = 0;
  if (i < s.size() && !lit('Z') && !lit('z')) {
    if (s[i] != '+' && s[i] != '-') return std::nullopt;
    const int sign = s[i] == '+' ? 1 : -1;
    ++i;
    int oh = 0, om = 0;
    if (!digits(2, oh)) return std::nullopt;
    if (i < s.size()) {
      lit(':');
      if (!digits(2, om)) return std::nullopt;
    }
    if (oh > 23 || om > 59) return std::nullopt;
    offset_minutes = sign * (oh * 60 + om);
  }
  if (i != s.size()) return std::nullopt;
  static constexpr int kDaysIn[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > kDaysIn[mo - 1] || h > 23 || mi > 59 || se > 60)
    return std::nullopt;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo == 2 && d == 29 && !leap) return std::nullopt;
  const int64_t seconds =
      DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
      mi * 60 + std::min(se, 59) - offset_minutes * 60;
  return seconds * 1000 + millis;
}

}  // namespace gh::core
