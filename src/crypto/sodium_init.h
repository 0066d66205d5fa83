// Internal to crypto/: libsodium must be initialised once before its random
// generator and its CPU-dispatched primitives are used. Thread-safe.
#pragma once

namespace gh::crypto {

// Calls sodium_init() exactly once per process; aborts if it fails, since no
// secret in Gatehouse can be made safely without a working CSPRNG.
void EnsureSodiumInitialized();

}  // namespace gh::crypto
