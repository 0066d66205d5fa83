// core::EventObserver: sees every domain event (a sign-in, a failed one, a
// sign-up, a refresh, a refresh-token reuse, ...) as it happens, whether or not
// it is kept in the audit log. The one seam the audit path offers: flows record
// their events through the store's audit log (auth::RecordAudit, and
// store::AuditLog::Notice for those too frequent to keep), and a store wrapped
// in store::ObservedStore hands each one to the observer as well, so metrics and
// event logs see exactly what the audit log sees without a flow knowing of them.
//
// Thread-safe: OnEvent is called from any pool thread at once, after the event
// was written (or, for a noticed one, instead of writing it); it must be cheap
// and never block.
#pragma once

#include "core/types.h"

namespace gh::core {

class EventObserver {
 public:
  virtual ~EventObserver() = default;
  // `kept` is false for an event only noticed (store::AuditLog::Notice).
  virtual void OnEvent(const AuditEvent& event, bool kept) = 0;
};

}  // namespace gh::core
