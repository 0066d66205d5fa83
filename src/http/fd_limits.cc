#include "http/fd_limits.h"

#include <dirent.h>
#include <sys/resource.h>

#include <algorithm>

namespace gh::http {

namespace {

// More descriptors than this buy nothing but memory in the kernel's tables.
constexpr int64_t kMaxUseful = int64_t{1} << 20;

int64_t Finite(rlim_t v) {
  return v == RLIM_INFINITY ? kMaxUseful : static_cast<int64_t>(std::min<rlim_t>(v, kMaxUseful));
}

}  // namespace

FileLimit RaiseOpenFileLimit() {
  FileLimit out;
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return out;
  out.before = Finite(rl.rlim_cur);
  out.hard = Finite(rl.rlim_max);
  out.now = out.before;
  if (out.hard > out.before) {
    rlimit raised = rl;
    raised.rlim_cur = static_cast<rlim_t>(out.hard);
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) out.now = out.hard;
  }
  return out;
}

int64_t OpenFileCount() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int64_t n = 0;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return std::max<int64_t>(0, n - 1);  // the directory stream itself
}

int64_t ConnectionCapFor(int64_t wanted, const FileLimit& limit, int64_t open_now,
                         int64_t reserve) {
  int64_t cap = wanted > 0 ? wanted : kMaxUseful;
  if (limit.now > 0) {
    const int64_t left = limit.now - std::max<int64_t>(0, open_now) - std::max<int64_t>(0, reserve);
    cap = std::min(cap, left);
  }
  return std::max<int64_t>(1, cap);
}

}  // namespace gh::http
