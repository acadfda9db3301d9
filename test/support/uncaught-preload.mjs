// Preloaded into a node process by test/integration/uncaught.test.ts (NODE_OPTIONS=--import):
// each SIGWINCH, a signal a node otherwise ignores, throws an error that nothing catches, from a
// microtask as libp2p's muxer does. The first is a StreamStateError, what @chainsafe/libp2p-yamux
// throws when a stream's connection closed before its SYN went out (p2p/stray-errors.ts); the
// second an error of any other kind.
import { StreamStateError } from '@libp2p/interface';

let count = 0;
process.on('SIGWINCH', () => {
  count++;
  queueMicrotask(() => {
    if (count === 1) throw new StreamStateError('Cannot write to a stream that is closed');
    throw new Error('an error nothing caught');
  });
});
