/**
 * The block writer thread (block-writer.ts starts it): its own connection to the node's ledger,
 * on which it executes and stores each committed block the main thread hands it, one at a time,
 * in the order given. The main thread keeps reading through its own connection meanwhile.
 */
import '../common/polyfill.js';
import { parentPort, workerData } from 'node:worker_threads';
import { standaloneApplier } from '../chain/index.js';
import type { Genesis } from '../config/index.js';
import type { CommittedBlock } from '../ledger/index.js';
import { Store, type StoreIdentity } from '../storage/index.js';
import type { WriterReply, WriterRequest } from './block-writer.js';
import { heapFigures } from './heap.js';

const { dataDir, identity, genesis } = workerData as {
  dataDir: string;
  identity: StoreIdentity;
  genesis: Genesis;
};
const port = parentPort;
if (!port) throw new Error('the block writer runs as a worker thread');

const store = Store.attach(dataDir, identity);
const apply = standaloneApplier(store, genesis);
// Loaded (the modules, the EPCIS schema's validator) and the rules compiled: the node starts its
// consensus only now, so its first block does not also pay for this thread's start (block-writer.ts).
apply.warm();
port.postMessage({ type: 'ready', heap: heapFigures() } satisfies WriterReply);

port.on('message', (request: WriterRequest) => {
  if (request.type === 'close') {
    store.close();
    port.postMessage({ type: 'closed' } satisfies WriterReply);
    return;
  }
  let reply: WriterReply;
  try {
    const applied = apply(request.committed as CommittedBlock);
    reply = { type: 'applied', id: request.id, applied, heap: heapFigures() };
  } catch (err) {
    const { message, code } = err as { message?: string; code?: unknown };
    reply = {
      type: 'failed',
      id: request.id,
      error: { message: String(message ?? err), code: typeof code === 'string' ? code : undefined },
    };
  }
  port.postMessage(reply);
});
