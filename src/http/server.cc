// Server: HTTP/1.1 on Boost.Beast, after Beast's advanced async server example.
//
// A Listener accepts connections. Each connection is a Session that owns its
// socket, read buffer, parser and response, and loops through three steps on
// its own strand (so nothing inside a session needs a lock):
//   1. read a request    (WaitForRequest -> ReadHeader -> ReadBody)
//   2. dispatch it       (Dispatch: hand it to the Pipeline, which runs the
//                         handler on a pool thread and calls back a Responder)
//   3. write the answer  (Write, posted onto the strand by the Responder)
// then back to 1 for keep-alive, or close.
//
// io threads never run handlers and never block. A Responder holds a
// shared_ptr to its Session, so a connection outlives a slow handler.
//
// Connection caps: the Listener admits each accepted socket against the global
// and the per-IP cap (ConnectionTable::Admit). At a cap it sheds the connection
// that has been idle longest within it (waiting for a first or next request,
// nothing in flight): a flood of idle sockets then costs the flooder its oldest
// ones, not everyone else their service. With nothing idle, the new one is closed.

#include <atomic>
#include <chrono>
#include <iterator>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "http/connection_table.h"
#include "http/fd_limits.h"
#include "http/pipeline.h"
#include "http/server.h"
#include "http/text.h"

namespace gh::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class Session;

// How long a refused request's connection keeps reading (and discarding) what
// the client is still sending, so that closing it does not reset the
// connection before the client has read our 400/413.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kLingerMaxBytes = 4 << 20;
constexpr size_t kReadChunk = 4096;

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// What every connection shares with the Server.
struct Shared {
  ServerOptions options;
  Pipeline* pipeline = nullptr;
  std::atomic<bool> stopping{false};
  ConnectionTable connections;
};

std::string PeerIp(const tcp::socket& socket) {
  beast::error_code ec;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return "";
  net::ip::address addr = peer.address();
  // A dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d.
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
    addr = net::ip::make_address_v4(net::ip::v4_mapped, addr.to_v6());
  }
  return addr.to_string();
}

// Boost 1.74's string_view is not std::string_view.
std::string_view Sv(beast::string_view s) { return {s.data(), s.size()}; }

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

class Session final : public Connection, public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Shared> shared, std::string peer_ip)
      : stream_(std::move(socket)), shared_(std::move(shared)), peer_ip_(std::move(peer_ip)) {
    // Nothing read yet: idle from the start, so that a flood of fresh sockets
    // can be shed before their first read is even posted.
    idle_since_ms_.store(SteadyMs(), std::memory_order_relaxed);
    idle_.store(true, std::memory_order_relaxed);
  }

  ~Session() override { shared_->connections.Remove(this); }

  void Start() {
    // Accepted on the listener's strand; move onto our own before touching state.
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->WaitForRequest(); });
  }

  // ---- Connection (read by the ConnectionTable from other threads) --------

  const std::string& peer_ip() const override { return peer_ip_; }
  bool idle() const override { return idle_.load(std::memory_order_relaxed); }
  int64_t idle_since_ms() const override { return idle_since_ms_.load(std::memory_order_relaxed); }

  void Shed() override {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kIdle) {
        self->idle_.store(false);
        self->stream_.cancel();
      } else {
        self->ClearShed();  // a request began meanwhile: serve it
      }
    });
  }

  // Called by Server::Stop: an idle keep-alive connection is closed now; a busy
  // one finishes its request and closes after the response.
  void OnServerStopping() override {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kIdle) self->stream_.cancel();
    });
  }

 private:
  enum class State { kIdle, kReading, kHandling, kWriting, kClosing };

  // ---- Step 1: read one request -------------------------------------------

  // Waits for the first byte of the next request. A fresh connection gets the
  // request timeout; a kept-alive one the (usually longer) idle timeout.
  void WaitForRequest() {
    // Chosen for shedding before its first read was posted (cancel had nothing to cancel).
    if (shared_->stopping || shedding()) return Close();
    parser_.emplace();
    parser_->body_limit(static_cast<uint64_t>(std::max<int64_t>(0, options().body_limit_bytes)));
    parser_->header_limit(static_cast<uint32_t>(std::max(1024, options().header_limit_bytes)));
    if (buffer_.size() > 0) return ReadHeader();  // pipelined bytes already here

    state_ = State::kIdle;
    idle_since_ms_.store(SteadyMs(), std::memory_order_relaxed);
    idle_.store(true, std::memory_order_relaxed);
    stream_.expires_after(std::chrono::seconds(served_one_ ? options().idle_timeout_seconds
                                                           : options().request_timeout_seconds));
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            beast::bind_front_handler(&Session::OnFirstBytes, shared_from_this()));
  }

  void OnFirstBytes(beast::error_code ec, size_t n) {
    idle_.store(false, std::memory_order_relaxed);
    if (ec) return Close();  // client went away, idle timeout, shed, or server stopping
    buffer_.commit(n);
    ReadHeader();
  }

  void ReadHeader() {
    state_ = State::kReading;
    // From the first byte on, the whole request must arrive within this.
    stream_.expires_after(std::chrono::seconds(options().request_timeout_seconds));
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    if (parser_->is_done()) return Dispatch();
    // curl and others wait for "100 Continue" before sending a large body.
    if (beast::iequals(parser_->get()[bhttp::field::expect], "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(stream_, net::buffer(kContinue),
                       [self = shared_from_this()](beast::error_code wec, size_t) {
                         if (wec) return self->Close();
                         self->ReadBody();
                       });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnBody, shared_from_this()));
  }

  void OnBody(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    Dispatch();
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      return Refuse(core::Error(core::errc::kPayloadTooLarge, "Request body is too large"), 0);
    }
    if (ec == bhttp::error::header_limit) {
      // A code of its own, so that the dialect's body says 431 as the status line does.
      return Refuse(core::Error(core::errc::kHeadersTooLarge, "Request headers are too large"), 0);
    }
    // end_of_stream / partial_message: the client hung up mid-request; there
    // is nobody to answer.
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      return Refuse(core::Error(core::errc::kInvalidRequest, "Malformed HTTP request"), 400);
    }
    Close();  // timeout, reset, server stopping
  }

  // ---- Step 2: dispatch ---------------------------------------------------

  Request TakeRequest() {
    Request r;
    r.remote_ip = peer_ip_;
    if (!parser_) return r;
    if (!parser_->is_header_done()) {
      // Refused mid-header (too large, a malformed field): Beast has parsed the
      // request line by then, and its target decides which dialect's shape the
      // refusal takes. Empty when the line itself was unreadable.
      auto& partial = parser_->get();
      r.method = std::string(Sv(partial.method_string()));
      r.target = std::string(Sv(partial.target()));
      return r;
    }
    auto& msg = parser_->get();
    r.method = std::string(Sv(msg.method_string()));
    head_request_ = msg.method() == bhttp::verb::head;
    r.target = std::string(Sv(msg.target()));
    r.headers.reserve(std::distance(msg.begin(), msg.end()));
    for (const auto& field : msg) {
      r.headers.emplace_back(ToLower(Sv(field.name_string())), std::string(Sv(field.value())));
    }
    version_ = msg.version();
    return r;
  }

  void Dispatch() {
    state_ = State::kHandling;
    stream_.expires_never();  // a slow handler is bounded by the handler, not the socket
    Request request = TakeRequest();
    request.body = std::move(parser_->get().body());
    keep_alive_ = parser_->get().keep_alive();
    shared_->pipeline->Handle(std::move(request), MakeResponder());
  }

  // A request refused while reading: answer, then close without reading on.
  void Refuse(const core::Error& error, int status) {
    state_ = State::kHandling;
    stream_.expires_never();
    keep_alive_ = false;
    linger_ = true;
    shared_->pipeline->Reject(TakeRequest(), error, status, MakeResponder());
  }

  // The Pipeline guarantees one call; posting keeps all session state on the
  // strand whichever thread the handler answered from.
  Responder MakeResponder() {
    return [self = shared_from_this()](Response response) {
      net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->Write(std::move(response));
      });
    };
  }

  // ---- Step 3: write the response ------------------------------------------

  void Write(Response r) {
    if (state_ != State::kHandling) return;  // defensive: one response per request
    state_ = State::kWriting;
    response_ = {};
    response_.version(version_);
    response_.result(r.status >= 100 && r.status <= 999 ? static_cast<unsigned>(r.status) : 500u);
    response_.set(bhttp::field::server, "Gatehouse");
    // A response without a body (204) names no content type.
    if (!r.content_type.empty()) response_.set(bhttp::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) {
      // A handler must not be able to split the response with a crafted value.
      if (name.empty() || HasLineBreak(name) || HasLineBreak(value)) continue;
      response_.insert(name, value);
    }
    response_.body() = std::move(r.body);
    response_.keep_alive(keep_alive_ && !shared_->stopping);
    response_.prepare_payload();
    // A HEAD answer states the length of the body it does not send.
    if (head_request_) response_.body().clear();
    stream_.expires_after(std::chrono::seconds(options().request_timeout_seconds));
    bhttp::async_write(stream_, response_,
                       beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, size_t) {
    if (ec) return Close();
    served_one_ = true;
    if (linger_) return LingerClose();
    if (!response_.keep_alive()) return Close();
    WaitForRequest();
  }

  // ---- Closing ---------------------------------------------------------------

  void Close() {
    state_ = State::kClosing;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  // Half-closes, then discards what the client still sends (bounded in time
  // and bytes) until it closes its side.
  void LingerClose() {
    state_ = State::kClosing;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    buffer_.clear();
    stream_.expires_after(kLingerTime);
    Discard(0);
  }

  void Discard(size_t so_far) {
    if (so_far > kLingerMaxBytes) return stream_.close();
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = shared_from_this(), so_far](beast::error_code ec, size_t n) {
                              if (ec) return self->stream_.close();
                              self->Discard(so_far + n);
                            });
  }

  const ServerOptions& options() const { return shared_->options; }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;  // alive until the write completes
  std::shared_ptr<Shared> shared_;
  std::string peer_ip_;
  State state_ = State::kIdle;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool served_one_ = false;
  bool head_request_ = false;  // the request being answered is HEAD: send no body
  bool linger_ = false;
  std::atomic<bool> idle_{false};
  std::atomic<int64_t> idle_since_ms_{0};
};

// Accepts connections and starts a Session for each, each on its own strand.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, std::shared_ptr<Shared> shared)
      : ioc_(ioc),
        acceptor_(net::make_strand(ioc)),
        retry_timer_(ioc),
        shared_(std::move(shared)) {}

  core::Result<void> Bind(const tcp::endpoint& endpoint) {
    beast::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      beast::error_code ignored;
      acceptor_.close(ignored);
      return core::Error(core::errc::kInternal, ec.message());
    }
    return core::Ok();
  }

  int port() const {
    beast::error_code ec;
    return acceptor_.local_endpoint(ec).port();
  }

  void Accept() {
    acceptor_.async_accept(net::make_strand(ioc_),
                           beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
  }

  void Stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
      self->retry_timer_.cancel();
    });
  }

 private:
  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (shared_->stopping || !acceptor_.is_open()) return;
    if (ec) {
      // Typically EMFILE: something else took the reserve. Free a descriptor by
      // shedding the connection idle longest, and back off briefly instead of
      // spinning on the error; one log line per interval, not per failure.
      ++accept_failures_;
      const int64_t now = SteadyMs();
      if (now - last_accept_log_ms_ >= 10'000) {
        spdlog::warn("http: accept failed: {} ({} times since the last report)", ec.message(),
                     accept_failures_);
        accept_failures_ = 0;
        last_accept_log_ms_ = now;
      }
      shared_->connections.ShedOneIdle();
      retry_timer_.expires_after(std::chrono::milliseconds(100));
      retry_timer_.async_wait([self = shared_from_this()](beast::error_code tec) {
        if (!tec) self->Accept();
      });
      return;
    }
    std::string ip = PeerIp(socket);
    auto session = std::make_shared<Session>(std::move(socket), shared_, std::move(ip));
    if (shared_->connections.Admit(session)) {
      session->Start();
    } else {
      Refused();  // every connection within the cap is busy; dropping it closes the socket
    }
    Accept();
  }

  // One warning per interval, with how many were refused, instead of a line
  // per connection while a flood lasts.
  void Refused() {
    ++refused_;
    const int64_t now = SteadyMs();
    if (now - last_refused_log_ms_ < 10'000) return;
    const ConnectionTable::Caps& caps = shared_->connections.caps();
    spdlog::warn("http: connection cap reached ({} in all, {} per IP): {} connections refused",
                 caps.max_connections, caps.max_per_ip, refused_);
    refused_ = 0;
    last_refused_log_ms_ = now;
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_timer_;
  std::shared_ptr<Shared> shared_;
  int64_t refused_ = 0;  // these four: on the acceptor's strand only
  int64_t last_refused_log_ms_ = -10'000;
  int64_t accept_failures_ = 0;
  int64_t last_accept_log_ms_ = -10'000;
};

}  // namespace

struct Server::Impl {
  Impl(ServerOptions opts, std::shared_ptr<const Router> router)
      : shared(std::make_shared<Shared>()),
        ioc(std::max(1, opts.io_threads)),
        work(net::make_work_guard(ioc)),
        drain_timer(ioc),
        pipeline(std::make_unique<Pipeline>(opts, std::move(router))) {
    shared->options = std::move(opts);
    shared->pipeline = pipeline.get();
  }

  // Runs on an io thread (posted by Stop).
  void BeginStop(int drain_seconds) {
    if (shared->stopping.exchange(true)) return;
    if (listener) listener->Stop();
    for (auto& s : shared->connections.Snapshot()) s->OnServerStopping();
    drain_deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(std::max(0, drain_seconds));
    CheckDrained();
  }

  // Polls rather than counting completions: sessions end on many paths
  // (write done, client gone, timeouts), and all of them deregister.
  void CheckDrained() {
    if (shared->connections.size() == 0 || std::chrono::steady_clock::now() >= drain_deadline) {
      work.reset();
      ioc.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([this](beast::error_code ec) {
      if (!ec) CheckDrained();
    });
  }

  // Declaration order is destruction order in reverse: the pipeline's pools
  // are joined first (dropping queued tasks and the sessions they hold) while
  // the io_context and the session registry are still alive.
  std::shared_ptr<Shared> shared;
  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> work;
  net::steady_timer drain_timer;
  std::chrono::steady_clock::time_point drain_deadline;
  std::shared_ptr<Listener> listener;
  int bound_port = 0;
  std::unique_ptr<Pipeline> pipeline;
};

Server::Server(ServerOptions options, std::shared_ptr<const Router> router)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router))) {}

Server::~Server() {
  impl_->ioc.stop();
  impl_->pipeline->Shutdown();
}

core::Result<void> Server::Listen() {
  const ServerOptions& o = impl_->shared->options;
  const std::string where = o.host + ":" + std::to_string(o.port);
  // Without a default renderer a 404 for an unmounted path would have no shape.
  if (!o.errors.has_default()) {
    return core::Error(core::errc::kInternal,
                       "cannot listen on " + where + ": no default error renderer");
  }
  auto proxies = ClientIpResolver::Create(o.client_ip);
  if (!proxies) return proxies.error();
  beast::error_code ec;
  tcp::resolver resolver(impl_->ioc);
  auto results = resolver.resolve(o.host, std::to_string(o.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return core::Error(core::errc::kInternal,
                       "cannot listen on " + where + ": cannot resolve host: " + ec.message());
  }
  auto listener = std::make_shared<Listener>(impl_->ioc, impl_->shared);
  core::Result<void> bound = listener->Bind(*results.begin());
  if (!bound.ok()) {
    return core::Error(core::errc::kInternal,
                       "cannot listen on " + where + ": " + bound.error().message);
  }
  // Every connection is a descriptor: cap them below what the process may
  // open, keeping a reserve for the store, files and calls to other services,
  // so that a flood of sockets meets a cap instead of EMFILE everywhere.
  const FileLimit limit = RaiseOpenFileLimit();
  const int64_t cap = ConnectionCapFor(o.max_connections, limit, OpenFileCount(), o.fd_reserve);
  ConnectionTable::Caps caps;
  caps.max_connections = static_cast<size_t>(cap);
  caps.max_per_ip = static_cast<size_t>(std::max(0, o.max_connections_per_ip));
  caps.proxies = *proxies;
  impl_->shared->connections.SetCaps(std::move(caps));
  const bool per_ip = o.max_connections_per_ip > 0 && !proxies->AnyPeerMayBeProxy();
  spdlog::info(
      "http: at most {} connections{}; open files limit {}{} (hard {}), {} kept in reserve", cap,
      per_ip ? ", " + std::to_string(o.max_connections_per_ip) + " per client IP" : "", limit.now,
      limit.now != limit.before ? " (raised from " + std::to_string(limit.before) + ")" : "",
      limit.hard, o.fd_reserve);
  impl_->bound_port = listener->port();
  impl_->listener = listener;
  listener->Accept();
  return core::Ok();
}

int Server::port() const { return impl_->bound_port; }

void Server::Run() {
  const int n = std::max(1, impl_->shared->options.io_threads);
  std::vector<std::thread> threads;
  threads.reserve(n - 1);
  for (int i = 1; i < n; ++i) threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (std::thread& t : threads) t.join();
}

void Server::Stop(int drain_seconds) {
  net::post(impl_->ioc, [impl = impl_.get(), drain_seconds] { impl->BeginStop(drain_seconds); });
}

}  // namespace gh::http
