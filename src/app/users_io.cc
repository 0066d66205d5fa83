#include "app/users_io.h"

#include <algorithm>
#include <chrono>
#include <istream>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>

#include "app/keys.h"
#include "app/migrated_store.h"
#include "app/user_rows.h"
#include "auth/mfa.h"
#include "crypto/random.h"
#include "crypto/secretbox.h"

namespace gh::app {
namespace {

constexpr int kPageSize = 500;
constexpr size_t kMaxLineBytes = 1 << 20;  // a user row is a few KB; refuse absurd lines

// A progress line on a terminal, redrawn at most ten times a second.
class Progress {
 public:
  explicit Progress(std::ostream* out) : out_(out) {}
  ~Progress() { Clear(); }

  template <typename Fn>
  void Update(Fn&& text) {
    if (out_ == nullptr) return;
    auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    drawn_ = true;
    *out_ << "\r\033[K" << text() << std::flush;
  }
  // Wipes the line so that a report or the summary starts on a clean one.
  void Clear() {
    if (out_ == nullptr || !drawn_) return;
    *out_ << "\r\033[K" << std::flush;
    drawn_ = false;
  }

 private:
  std::ostream* out_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_;
};

void Report(const TransferOutput& io, Progress& progress, const std::string& text) {
  if (io.report == nullptr) return;
  progress.Clear();
  *io.report << text << "\n";
}

bool StoreDown(const core::Error& e) { return e.Is(core::errc::kUnavailable); }

// Creates one parsed user with its identities, second factors, personal
// access tokens and recovery codes. These are separate store calls; if one fails the user (and with
// it everything of theirs) is removed again so that a retry of the line starts clean.
core::Result<void> CreateUser(store::Store& store, const crypto::SecretBox& box,
                              const UserRow& row) {
  const core::User& u = row.user;
  std::vector<core::MfaFactor> factors;
  for (const ExportedFactor& e : row.mfa.factors) {
    core::MfaFactor f = e.factor;
    f.user_id = u.id;
    if (f.id.empty()) f.id = crypto::RandomUuid();  // a line from before factors had ids
    if (e.key) {
      f.secret_encrypted = box.Seal(*e.key);
    } else if (f.secret_encrypted) {
      // An older export's sealed secret works only where the same key is.
      std::string ignored;
      if (!box.Open(*f.secret_encrypted, &ignored))
        return core::Error(core::errc::kInvalidRequest,
                           "totpSecretEncrypted: sealed under another store's key; export again "
                           "with this version (it writes the secret in clear), or set "
                           "mfa_encryption_key to the source's key");
    }
    factors.push_back(std::move(f));
  }
  auto existing = store.users().FindById(u.id);
  if (!existing) return existing.error();
  if (existing->has_value())
    return core::Error(core::errc::kInvalidRequest, "a user with id " + u.id + " already exists");
  if (auto r = store.users().Create(u); !r) {
    if (r.error().Is(core::errc::kEmailAlreadyInUse))
      return core::Error(r.error().code, "email " + u.email.value_or("") + " is already in use");
    return r.error();
  }
  auto undo = [&](const std::string& what, const core::Error& e) {
    (void)store.users().Delete(u.id);
    return core::Error(e.code, what + ": " + e.message);
  };
  for (const auto& identity : row.identities) {
    if (auto r = store.identities().Create(identity); !r)
      return undo("identity " + identity.provider + "/" + identity.provider_user_id, r.error());
  }
  for (const auto& f : factors) {
    if (auto r = store.factors().Create(f); !r) return undo("second factor " + f.id, r.error());
  }
  for (core::WebauthnCredential c : row.mfa.passkeys) {
    c.user_id = u.id;
    auto created = store.passkeys().Create(c);
    if (!created) return undo("passkey " + c.id, created.error());
    if (!*created)
      return undo("passkey " + c.id, core::Error(core::errc::kInvalidRequest,
                                                 "its credential id is another user's already"));
  }
  for (core::PersonalAccessToken t : row.pats) {
    t.user_id = u.id;
    if (auto r = store.pats().Create(t); !r)
      return undo("personal access token " + t.id, r.error());
  }
  if (!row.mfa.recovery_code_hashes.empty()) {
    if (auto r = store.mfa().ReplaceRecoveryCodes(u.id, row.mfa.recovery_code_hashes, u.updated_at);
        !r)
      return undo("recovery codes", r.error());
  }
  return core::Ok();
}

}  // namespace

core::Result<ExportSummary> ExportUsers(store::Store& store, const config::Config& config,
                                        std::ostream& out, const TransferOutput& io) {
  ExportSummary summary;
  Progress progress(io.progress);
  auto key = MfaKeyMaterial(config, store);
  if (!key) return key.error();
  const crypto::SecretBox box(*key);
  int64_t total = 0;
  if (io.progress != nullptr) {
    auto count = store.users().Count();
    if (!count) return count.error();
    total = *count;
  }
  std::string after;
  for (;;) {
    auto page = store.users().List(after, kPageSize);
    if (!page) return page.error();
    for (const core::User& stored : *page) {
      auto identities = store.identities().ListForUser(stored.id);
      if (!identities) return identities.error();
      // Second factors travel in clear: the target seals them under its own key.
      const core::User& u = stored;
      MfaSecrets mfa;
      auto factors = store.factors().ListForUser(u.id);
      if (!factors) return factors.error();
      for (core::MfaFactor& f : *factors) {
        ExportedFactor e;
        std::string key;
        if (f.secret_encrypted && box.Open(*f.secret_encrypted, &key)) {
          e.key = std::move(key);
          f.secret_encrypted.reset();
        } else if (f.secret_encrypted) {
          Report(io, progress,
                 "user " + u.id + ": the secret of factor " + f.id +
                     " cannot be decrypted with this store's key; exported sealed, it works "
                     "only where that key is");
        }
        e.factor = std::move(f);
        mfa.factors.push_back(std::move(e));
      }
      auto hashes = store.mfa().ListRecoveryCodes(u.id);
      if (!hashes) return hashes.error();
      mfa.recovery_code_hashes = std::move(*hashes);
      auto passkeys = store.passkeys().ListForUser(u.id);
      if (!passkeys) return passkeys.error();
      mfa.passkeys = std::move(*passkeys);
      const auto legacy =
          std::count_if(mfa.recovery_code_hashes.begin(), mfa.recovery_code_hashes.end(),
                        [](const std::string& h) { return !auth::IsPortableRecoveryHash(h); });
      if (legacy > 0)
        Report(io, progress,
               "user " + u.id + ": " + std::to_string(legacy) +
                   " recovery codes predate portable hashes and work only where this store's "
                   "key is; the user can make new ones");
      auto pats = store.pats().ListForUser(u.id);
      if (!pats) return pats.error();
      out << FormatUserRow(u, *identities, mfa, *pats) << '\n';
      ++summary.users;
      summary.identities += static_cast<int64_t>(identities->size());
      progress.Update([&] {
        std::ostringstream s;
        s << "exporting users: " << summary.users << " of " << total;
        if (total > 0) s << " (" << summary.users * 100 / total << "%)";
        return s.str();
      });
    }
    if (!out) return core::Error(core::errc::kInternal, "cannot write the output");
    if (static_cast<int>(page->size()) < kPageSize) break;
    after = page->back().id;
  }
  out.flush();
  if (!out) return core::Error(core::errc::kInternal, "cannot write the output");
  return summary;
}

core::Result<void> ImportUsers(store::Store& store, const config::Config& config, std::istream& in,
                               const TransferOutput& io, ImportSummary& summary) {
  Progress progress(io.progress);
  auto key = MfaKeyMaterial(config, store);
  if (!key) return key.error();
  const crypto::SecretBox box(*key);
  std::string line;
  while (std::getline(in, line)) {
    const int64_t number = ++summary.lines;
    const std::string where = "line " + std::to_string(number) + ": ";
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank
    progress.Update([&] {
      return "importing users: line " + std::to_string(number) + ", " +
             std::to_string(summary.imported) + " imported, " + std::to_string(summary.failed) +
             " failed";
    });
    if (line.size() > kMaxLineBytes) {
      ++summary.failed;
      Report(io, progress, where + "longer than 1 MiB; not a user row");
      continue;
    }
    auto row = ParseUserRow(line, config);
    if (!row) {
      ++summary.failed;
      Report(io, progress, where + row.error().message);
      continue;
    }
    const char* shape = UserRowFormatName(row->format);
    if (row->skip_reason) {
      ++summary.skipped;
      Report(io, progress,
             where + "skipped " + row->user.id + " (" + shape + "): " + *row->skip_reason);
      continue;
    }
    if (auto r = CreateUser(store, box, *row); !r) {
      ++summary.failed;
      Report(io, progress, where + r.error().message);
      if (StoreDown(r.error())) {
        Report(io, progress,
               "the database is unavailable; import stopped at line " + std::to_string(number));
        return r.error();
      }
      continue;
    }
    for (const auto& w : row->warnings) Report(io, progress, where + row->user.id + ": " + w);
    ++summary.imported;
    switch (row->format) {
      case UserRowFormat::kNative:
        ++summary.native;
        break;
      case UserRowFormat::kSupabase:
        ++summary.supabase;
        break;
      case UserRowFormat::kNhost:
        ++summary.nhost;
        break;
    }
  }
  progress.Clear();
  if (in.bad()) return core::Error(core::errc::kInternal, "cannot read the input");
  return core::Ok();
}

std::string DescribeExport(const ExportSummary& s) {
  return "exported " + std::to_string(s.users) + " users (" + std::to_string(s.identities) +
         " identities)";
}

std::string DescribeImport(const ImportSummary& s) {
  return "imported " + std::to_string(s.imported) + " users (" + std::to_string(s.native) +
         " native, " + std::to_string(s.supabase) + " supabase, " + std::to_string(s.nhost) +
         " nhost), " + std::to_string(s.failed) + " failed, " + std::to_string(s.skipped) +
         " skipped, " + std::to_string(s.lines) + " lines read";
}

core::Result<ExportSummary> ExportUsers(const config::Config& config, std::ostream& out,
                                        const TransferOutput& io) {
  auto store = OpenMigrated(config);
  if (!store) return store.error();
  return ExportUsers(**store, config, out, io);
}

core::Result<void> ImportUsers(const config::Config& config, std::istream& in,
                               const TransferOutput& io, ImportSummary& summary) {
  auto store = OpenMigrated(config);
  if (!store) return store.error();
  return ImportUsers(**store, config, in, io, summary);
}

}  // namespace gh::app
