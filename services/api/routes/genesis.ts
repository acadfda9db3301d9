import type { FastifyInstance } from 'fastify';
import type { Schemas } from '../openapi.js';
import type { ApiDeps } from '../types.js';

/**
 * The network's public description: the genesis every member shares (names, sites, public keys).
 * No token: it holds nothing secret, and consoles need member names to label what they show.
 */
export function genesisRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get(
    '/genesis',
    async (): Promise<Schemas['Genesis']> =>
      // ConsensusParams is an interface, the schema's consensus an open object: same JSON, no overlap in TS.
      deps.genesis() as unknown as Schemas['Genesis'],
  );
}
