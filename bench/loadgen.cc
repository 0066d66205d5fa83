// gatehouse_loadgen: a small open-loop HTTP load generator for Gatehouse's
// scenarios, plus the raw Argon2id hash-rate baseline the sign-in figure is
// compared with. Used by bench/run.sh; not a general tool.
//
// Open loop: each connection sends on a fixed schedule (rate / connections per
// second) and a request's latency counts from its scheduled send time, so a slow
// server cannot hide its queueing delay (no coordinated omission).
//
//   gatehouse_loadgen http  --port P | --ports P1,P2,...  --scenario S --rate R
//                           --seconds T --conns C
//                           (--rate 0: closed loop, each connection back-to-back)
//                           (--ports: connection i goes to port i mod n, round-robin)
//                           [--tokens FILE] [--email-prefix X] [--users N]
//                           [--target gatehouse|gotrue|better-auth]
//   gatehouse_loadgen hashrate --threads N --seconds T
//
// Scenarios against Gatehouse: refresh (each connection rotates its own
// refresh-token chain, read from --tokens, one per line), verify (POST
// /v1/token/verify with a bearer), user (GET /v1/user), signin (POST
// /v1/signin/email-password for users <prefix><i>@bench.local created by
// bench/run.py), signup (POST /v1/signup/email-password, a new
// <prefix>-c<conn>-<i>@bench.local each time).
// --target gotrue: the same server's GoTrue dialect for refresh (POST
// /auth/v1/token?grant_type=refresh_token) and user (GET /auth/v1/user).
// Against the better-auth peer (bench/peer/server.mjs, --target better-auth), with
// session tokens as bearers: refresh = GET /api/auth/token (a fresh JWT for the
// session), user = GET /api/auth/get-session, signin = POST /api/auth/sign-in/email,
// signup = POST /api/auth/sign-up/email. Prints one JSON line.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "crypto/password.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string mode, scenario, tokens_file, email_prefix = "bench", target = "gatehouse";
  std::vector<int> ports{4000};
  int conns = 16, threads = 2, users = 64;
  double rate = 1000, seconds = 10;
};

class Connection {
 public:
  explicit Connection(int port) : port_(port) {}
  ~Connection() { Close(); }
  // Sends `request` and reads one response; returns the status or -1.
  int RoundTrip(const std::string& request, std::string* body) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (fd_ < 0 && !Open()) return -1;
      if (SendAll(request) && ReadResponse(body)) return status_;
      Close();  // the server may have closed an idle keep-alive; retry once
    }
    return -1;
  }

 private:
  bool Open() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval tv{10, 0};  // never hang on a dead server
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      Close();
      return false;
    }
    buf_.clear();
    return true;
  }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  bool SendAll(const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
      ssize_t n = send(fd_, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }
  bool ReadResponse(std::string* body) {
    size_t header_end;
    while ((header_end = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!Fill()) return false;
    status_ = std::atoi(buf_.c_str() + 9);
    size_t length = 0;
    std::string head = buf_.substr(0, header_end);
    std::transform(head.begin(), head.end(), head.begin(), ::tolower);
    if (head.find("transfer-encoding: chunked") != std::string::npos) {  // Node's default
      buf_.erase(0, header_end + 4);
      return ReadChunked(body);
    }
    size_t cl = head.find("content-length:");
    if (cl != std::string::npos) length = std::strtoul(head.c_str() + cl + 15, nullptr, 10);
    while (buf_.size() < header_end + 4 + length)
      if (!Fill()) return false;
    if (body) *body = buf_.substr(header_end + 4, length);
    buf_.erase(0, header_end + 4 + length);
    return true;
  }
  // A chunked body: <hex size>\r\n<data>\r\n ... 0\r\n\r\n (no trailers expected).
  bool ReadChunked(std::string* body) {
    std::string out;
    for (int chunks = 0; chunks < 100000; ++chunks) {
      size_t eol;
      while ((eol = buf_.find("\r\n")) == std::string::npos)
        if (!Fill()) return false;
      size_t size = std::strtoul(buf_.c_str(), nullptr, 16);
      while (buf_.size() < eol + 2 + size + 2)
        if (!Fill()) return false;
      out.append(buf_, eol + 2, size);
      buf_.erase(0, eol + 2 + size + 2);
      if (size == 0) {
        if (body) *body = std::move(out);
        return true;
      }
    }
    return false;
  }
  bool Fill() {
    char tmp[16384];
    ssize_t n = recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }
  int port_;
  int fd_ = -1;
  int status_ = 0;
  std::string buf_;
};

std::string Post(const std::string& path, const std::string& body, const std::string& bearer = {}) {
  std::string r =
      "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
  if (!bearer.empty()) r += "Authorization: Bearer " + bearer + "\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return r;
}

std::string Get(const std::string& path, const std::string& bearer) {
  if (bearer.empty()) return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + bearer +
         "\r\n\r\n";
}

// The value of a top-level string member in a flat JSON response.
std::string JsonString(const std::string& body, const std::string& key) {
  std::string needle = "\"" + key + "\":\"";
  size_t at = body.find(needle);
  if (at == std::string::npos) return {};
  at += needle.size();
  return body.substr(at, body.find('"', at) - at);
}

int RunHttp(const Args& a) {
  std::vector<std::string> tokens;  // refresh tokens or access tokens, one per connection
  if (!a.tokens_file.empty()) {
    std::ifstream in(a.tokens_file);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) tokens.push_back(line);
  }
  const bool peer = a.target == "better-auth";
  const bool gotrue = a.target == "gotrue";
  if (a.scenario != "signin" && a.scenario != "signup" &&
      tokens.size() < static_cast<size_t>(a.conns)) {
    std::fprintf(stderr, "need %d tokens in %s, have %zu\n", a.conns, a.tokens_file.c_str(),
                 tokens.size());
    return 2;
  }
  const auto start = Clock::now() + std::chrono::milliseconds(50);
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(a.seconds));
  const bool closed_loop = a.rate <= 0;  // back-to-back: measures capacity, not latency at a rate
  const double interval_s = closed_loop ? 0.0 : a.conns / a.rate;
  std::mutex mu;
  std::vector<double> latencies_ms;
  std::atomic<long> errors{0}, ok{0};

  std::vector<std::thread> threads;
  for (int c = 0; c < a.conns; ++c) {
    threads.emplace_back([&, c] {
      Connection conn(a.ports[static_cast<size_t>(c) % a.ports.size()]);
      std::string token = c < static_cast<int>(tokens.size()) ? tokens[c] : "";
      std::vector<double> local;
      // Spread the connections' schedules evenly over one interval.
      auto next = start + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(interval_s * c / a.conns));
      for (long i = 0; next < end; ++i) {
        if (closed_loop) next = std::max(Clock::now(), start);
        std::this_thread::sleep_until(next);
        std::string req;
        const std::string password = "\"password\":\"bench-password-1\"";
        if (a.scenario == "refresh") {
          req = peer     ? Get("/api/auth/token", token)
                : gotrue ? Post("/auth/v1/token?grant_type=refresh_token",
                                "{\"refresh_token\":\"" + token + "\"}")
                         : Post("/v1/token", "{\"refreshToken\":\"" + token + "\"}");
        } else if (a.scenario == "verify") {
          req = Post("/v1/token/verify", "", token);
        } else if (a.scenario == "user") {
          req = Get(peer ? "/api/auth/get-session" : gotrue ? "/auth/v1/user" : "/v1/user", token);
        } else if (a.scenario == "signup") {
          std::string name = a.email_prefix + "-c" + std::to_string(c) + "-" + std::to_string(i);
          std::string body = "{\"email\":\"" + name + "@bench.local\"," + password;
          req = peer ? Post("/api/auth/sign-up/email", body + ",\"name\":\"" + name + "\"}")
                     : Post("/v1/signup/email-password", body + "}");
        } else {
          int user = static_cast<int>((c + i * a.conns) % a.users);
          std::string body = "{\"email\":\"" + a.email_prefix + std::to_string(user) +
                             "@bench.local\"," + password + "}";
          req = Post(peer ? "/api/auth/sign-in/email" : "/v1/signin/email-password", body);
        }
        std::string body;
        int status = conn.RoundTrip(req, &body);
        auto done = Clock::now();
        local.push_back(std::chrono::duration<double, std::milli>(done - next).count());
        if (status == 200) {
          ++ok;
          if (a.scenario == "refresh" && !peer)
            token = JsonString(body, gotrue ? "refresh_token" : "refreshToken");
        } else {
          ++errors;
          if (errors.load() <= 3) std::fprintf(stderr, "status %d: %.200s\n", status, body.c_str());
          if (a.scenario == "refresh") break;  // the chain is broken
        }
        next +=
            std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval_s));
      }
      std::lock_guard lock(mu);
      latencies_ms.insert(latencies_ms.end(), local.begin(), local.end());
    });
  }
  for (auto& t : threads) t.join();
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    if (latencies_ms.empty()) return 0.0;
    return latencies_ms[std::min(latencies_ms.size() - 1,
                                 static_cast<size_t>(p * latencies_ms.size()))];
  };
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "{\"scenario\":\"%s\",\"target_rate\":%.0f,\"rps\":%.1f,\"ok\":%ld,\"errors\":%ld,"
      "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}\n",
      a.scenario.c_str(), a.rate, ok.load() / elapsed, ok.load(), errors.load(), pct(0.50),
      pct(0.99), latencies_ms.empty() ? 0.0 : latencies_ms.back());
  return 0;
}

int RunHashRate(const Args& a) {
  gh::crypto::PasswordHasher hasher;  // the same parameters the server uses
  const std::string hash = hasher.Hash("bench-password-1");
  std::atomic<long> count{0};
  const auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(a.seconds));
  std::vector<std::thread> threads;
  for (int t = 0; t < a.threads; ++t)
    threads.emplace_back([&] {
      while (Clock::now() < end) {
        (void)hasher.Verify("bench-password-1", hash);
        ++count;
      }
    });
  for (auto& t : threads) t.join();
  std::printf("{\"scenario\":\"argon2id-verify\",\"threads\":%d,\"per_second\":%.1f}\n", a.threads,
              count.load() / a.seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (argc < 2) {
    std::fprintf(stderr, "usage: gatehouse_loadgen http|hashrate [options]\n");
    return 2;
  }
  a.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--port")
      a.ports = {std::stoi(v)};
    else if (k == "--ports") {
      a.ports.clear();
      for (size_t at = 0; at < v.size();) {
        size_t comma = v.find(',', at);
        if (comma == std::string::npos) comma = v.size();
        a.ports.push_back(std::stoi(v.substr(at, comma - at)));
        at = comma + 1;
      }
    } else if (k == "--target")
      a.target = v;
    else if (k == "--scenario")
      a.scenario = v;
    else if (k == "--rate")
      a.rate = std::stod(v);
    else if (k == "--seconds")
      a.seconds = std::stod(v);
    else if (k == "--conns")
      a.conns = std::stoi(v);
    else if (k == "--threads")
      a.threads = std::stoi(v);
    else if (k == "--users")
      a.users = std::stoi(v);
    else if (k == "--tokens")
      a.tokens_file = v;
    else if (k == "--email-prefix")
      a.email_prefix = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (a.ports.empty() ||
      (a.target != "gatehouse" && a.target != "gotrue" && a.target != "better-auth")) {
    std::fprintf(stderr, "bad --ports or --target\n");
    return 2;
  }
  if (a.mode == "hashrate") return RunHashRate(a);
  if (a.mode == "http") return RunHttp(a);
  std::fprintf(stderr, "unknown mode %s\n", a.mode.c_str());
  return 2;
}
