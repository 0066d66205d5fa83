// Placeholder entry point until src/app/ lands; prints the version.
#include <cstdio>

int main() {
  std::printf("gatehouse %s\n", GATEHOUSE_VERSION);
  return 0;
}
