import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { AuthHooks } from '../auth.js';
import type { ApiDeps } from '../types.js';

/** Media type of a SQLite database file (IANA). */
export const SQLITE_MEDIA_TYPE = 'application/vnd.sqlite3';

/** Operator actions on this node: an admin token of this node's organisation. */
export function adminRoutes(app: FastifyInstance, deps: ApiDeps, auth: AuthHooks): void {
  // The node holds its ledger with an exclusive lock (one process per data directory), so a
  // backup is taken inside the node, with SQLite's backup API, and streamed to the caller.
  app.post('/admin/backup', { onRequest: auth.admin }, async (request, reply) => {
    const backup = await deps.node.backup();
    request.log.info({ height: backup.height, bytes: backup.bytes }, 'ledger backup taken');
    const stream = createReadStream(backup.file);
    stream.once('close', () => backup.remove());
    return reply
      .type(SQLITE_MEDIA_TYPE)
      .header('content-length', String(backup.bytes))
      .header('waybill-backup-height', String(backup.height))
      .send(stream);
  });
}
