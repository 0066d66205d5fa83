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

#include <atomic>
#include <chrono>
#include <iterator>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

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

// What every connection shares with the Server.
struct Shared {
  ServerOptions options;
  Pipeline* pipeline = nullptr;
  std::atomic<bool> stopping{false};

  std::mutex mu;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;  // guarded by mu

  size_t LiveSessions() {
    std::lock_guard<std::mutex> lock(mu);
    return sessions.size();
  }
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

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Shared> shared)
      : stream_(std::move(socket)), shared_(std::move(shared)) {
    peer_ip_ = PeerIp(stream_.socket());
  }

  ~Session() {
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->sessions.erase(this);
  }

  void Start() {
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      shared_->sessions.emplace(this, weak_from_this());
    }
    // Accepted on the listener's strand; move onto our own before touching state.
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->WaitForRequest(); });
  }

  // Called by Server::Stop: an idle keep-alive connection is closed now; a busy
  // one finishes its request and closes after the response.
  void OnServerStopping() {
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
    if (shared_->stopping) return Close();
    parser_.emplace();
    parser_->body_limit(static_cast<uint64_t>(std::max<int64_t>(0, options().body_limit_bytes)));
    parser_->header_limit(static_cast<uint32_t>(std::max(1024, options().header_limit_bytes)));
    if (buffer_.size() > 0) return ReadHeader();  // pipelined bytes already here

    state_ = State::kIdle;
    stream_.expires_after(std::chrono::seconds(served_one_ ? options().idle_timeout_seconds
                                                           : options().request_timeout_seconds));
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            beast::bind_front_handler(&Session::OnFirstBytes, shared_from_this()));
  }

  void OnFirstBytes(beast::error_code ec, size_t n) {
    if (ec) return Close();  // client went away, idle timeout, or server stopping
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
    if (!parser_ || !parser_->is_header_done()) return r;
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
    response_.set(bhttp::field::content_type, r.content_type);
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
      // Typically EMFILE: back off briefly instead of spinning on the error.
      spdlog::warn("http: accept failed: {}", ec.message());
      retry_timer_.expires_after(std::chrono::milliseconds(100));
      retry_timer_.async_wait([self = shared_from_this()](beast::error_code tec) {
        if (!tec) self->Accept();
      });
      return;
    }
    std::make_shared<Session>(std::move(socket), shared_)->Start();
    Accept();
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_timer_;
  std::shared_ptr<Shared> shared_;
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
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard<std::mutex> lock(shared->mu);
      for (auto& [ptr, weak] : shared->sessions) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live) s->OnServerStopping();
    drain_deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(std::max(0, drain_seconds));
    CheckDrained();
  }

  // Polls rather than counting completions: sessions end on many paths
  // (write done, client gone, timeouts), and all of them deregister.
  void CheckDrained() {
    if (shared->LiveSessions() == 0 || std::chrono::steady_clock::now() >= drain_deadline) {
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
