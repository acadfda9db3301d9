import { defineConfig } from 'vitest/config';
import { isStrayStreamError } from './services/p2p/stray-errors.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'services/**/*.test.ts'],
    // libp2p 3 needs Promise.withResolvers, which Node 20 lacks.
    setupFiles: ['./services/common/polyfill.ts'],
    globalSetup: ['./test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The rule `waybill node start` follows (cli/node-start.ts): libp2p's write on a stream whose
    // connection had just closed, thrown from its muxer where nothing can catch it, is not a
    // failure. Tests that run libp2p nodes in process meet it too when two of them dial each other
    // at once; every other unhandled error still fails the run (test/unit/p2p/stray-errors.test.ts).
    onUnhandledError: (error) => (isStrayStreamError(error) ? false : undefined),
  },
});
