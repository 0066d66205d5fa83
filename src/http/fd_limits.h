// File-descriptor budget of the process: raising the soft RLIMIT_NOFILE to the
// hard one at start, and how many descriptors are left for connections once a
// reserve is kept for everything else (database, files, calls to other
// services). The Server derives its connection cap from these.
//
// Plain functions over process-wide state; call them at start, from one thread.
#pragma once

#include <cstdint>

namespace gh::http {

struct FileLimit {
  int64_t before = 0;  // the soft limit found at start
  int64_t now = 0;     // the soft limit after raising it (== before when it could not)
  int64_t hard = 0;
};

// Raises the soft RLIMIT_NOFILE to the hard limit (capped at 1 << 20, beyond
// which nothing here needs more). Never lowers it; never fails (the limits
// found are reported).
FileLimit RaiseOpenFileLimit();

// Descriptors open in this process right now (/proc/self/fd), or -1 when that
// cannot be read.
int64_t OpenFileCount();

// How many connections fit: `wanted` (0 = no own cap), but never more than the
// soft limit minus the descriptors already open and `reserve`, and at least 1.
int64_t ConnectionCapFor(int64_t wanted, const FileLimit& limit, int64_t open_now, int64_t reserve);

}  // namespace gh::http
