import { ErrorCode, WaybillError } from '../../common/index.js';
import type { Access } from '../../query/index.js';
import type { ApiDeps } from '../types.js';

/**
 * The caller's access to an event named by id (docs/privacy.md, "Who sees what"): a committed
 * event's recipients see it whole, members that held goods in its lineage its public view; a
 * pending or rejected event is its capturer's alone. `none` is answered exactly as an unknown id.
 */
export function eventAccess(deps: ApiDeps, org: string, eventID: string): Access {
  const access = deps.query.eventAccess(org, eventID);
  if (access !== 'none') return access;
  const status = deps.events.status(eventID);
  return status && status.status !== 'accepted' && status.org === org ? 'full' : 'none';
}

/**
 * The one 404 of a route naming an event: the same type, title, status and detail for an unknown
 * id and for an event the caller may not see (the detail echoes nothing of the request).
 */
export function noEvent(detail: string): WaybillError {
  return new WaybillError(ErrorCode.NotFound, detail);
}
