#include "store/observed_store.h"

namespace gh::store {

ObservedStore::ObservedStore(Store& inner, core::EventObserver& observer)
    : inner_(inner), audit_(inner.audit(), observer) {}

Result<void> ObservedStore::Audit::Append(const core::AuditEvent& event) {
  Result<void> r = inner_.Append(event);
  observer_.OnEvent(event, /*kept=*/true);
  return r;
}

void ObservedStore::Audit::Notice(const core::AuditEvent& event) {
  inner_.Notice(event);
  observer_.OnEvent(event, /*kept=*/false);
}

}  // namespace gh::store
