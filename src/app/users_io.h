// `gatehouse users export` and `gatehouse users import`: users as JSON lines
// (one user per line, see app/user_rows.h), streamed both ways so that a
// million users never sit in memory: export reads the store a page at a time,
// import reads its input a line at a time.
//
// Import recognises each line's shape on its own (native, Supabase auth.users,
// Nhost auth.users), reports a bad line with its number and goes on with the
// next one. A line fails when it cannot be parsed, when its id or email is
// already taken, or when the store refuses it; users are never overwritten.
//
// Not thread-safe: one export or import at a time per call.
#pragma once

#include <cstdint>
#include <iosfwd>

#include "config/config.h"
#include "core/error.h"
#include "store/store.h"

namespace gh::app {

struct ExportSummary {
  int64_t users = 0;
  int64_t identities = 0;
};

struct ImportSummary {
  int64_t lines = 0;     // lines read, blank ones included
  int64_t imported = 0;  // users created
  int64_t skipped = 0;   // valid rows not imported on purpose (deleted upstream)
  int64_t failed = 0;    // bad or refused lines, each reported
  int64_t native = 0, supabase = 0, nhost = 0;  // imported, by shape
};

// Where progress goes: a line redrawn with '\r' on `progress` (pass a terminal's
// stream, or nullptr for none); reports of bad lines and warnings go to `report`.
struct TransferOutput {
  std::ostream* progress = nullptr;
  std::ostream* report = nullptr;
};

// Writes every user of `store`, ordered by id, to `out`. Fails on the first
// store error (the output then ends early).
// The TOTP secrets are written unsealed (and the recovery codes' hashes with
// them), so the output is as secret as the users' second factors.
core::Result<ExportSummary> ExportUsers(store::Store& store, const config::Config& config,
                                        std::ostream& out, const TransferOutput& io);

// Reads JSON lines from `in` and creates their users in `store`, sealing TOTP
// secrets under `store`'s key (MfaKeyMaterial). Line errors are
// counted and reported, not returned; the result is an error only when the
// store became unreachable (the import stops there; `summary` says how far it
// got).
core::Result<void> ImportUsers(store::Store& store, const config::Config& config, std::istream& in,
                               const TransferOutput& io, ImportSummary& summary);

// The summary lines printed at the end of an export or import.
std::string DescribeExport(const ExportSummary& s);
std::string DescribeImport(const ImportSummary& s);

// The command-line entry points: open (and migrate) the configured store.
core::Result<ExportSummary> ExportUsers(const config::Config& config, std::ostream& out,
                                        const TransferOutput& io);
core::Result<void> ImportUsers(const config::Config& config, std::istream& in,
                               const TransferOutput& io, ImportSummary& summary);

}  // namespace gh::app
