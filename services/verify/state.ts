import { canonicalBytes } from '../common/canonical.js';
import { fail, type ProofKind, type VerifyContext } from './context.js';
import { fromHex, isHex, sha256, toHex } from './hash.js';
import { isObject } from './shape.js';
import {
  bucketHashWith,
  bucketOf,
  compareBytes,
  rootFromBucketPathWith,
  STATE_TREE_DEPTH,
} from './state-tree.js';
import type { StateProof } from './types.js';

/** An object's custody state: block → parentStateRoot → bucket path → bucket → entry. */
export const stateKind: ProofKind = {
  shapeProblem: (p) => stateProblem(p),
  verify: (p, ctx) => verifyState(p as StateProof, ctx),
};

function stateProblem(p: Record<string, unknown>): string | undefined {
  const { entry, bucket, path } = p as Record<string, Record<string, unknown> | undefined>;
  if (!isObject(entry) || typeof entry.key !== 'string' || !isObject(entry.value))
    return 'entry is not {key, value}';
  if (!isObject(bucket) || !Number.isSafeInteger(bucket.index) || !Array.isArray(bucket.entries))
    return 'bucket is not {index, entries}';
  for (const e of bucket.entries as unknown[]) {
    if (!isObject(e) || !isHex(e.keyHash, 32) || !isHex(e.leafHash, 32))
      return 'a bucket entry is not {keyHash, leafHash} in 32-byte hex';
  }
  if (!Array.isArray(path) || path.length !== STATE_TREE_DEPTH || !path.every((h) => isHex(h, 32)))
    return `path is not ${STATE_TREE_DEPTH} 32-byte hex hashes`;
  return undefined;
}

function verifyState(proof: StateProof, ctx: VerifyContext): void {
  const { entry, bucket } = proof;
  const value = entry.value as { id?: unknown };
  if (entry.key !== `object:${String(value.id)}`)
    fail('state', `the entry key is not object:<the object's id>`);
  const keyHash = sha256(new TextEncoder().encode(entry.key));
  const leafHash = sha256(canonicalBytes({ key: entry.key, value: entry.value }));
  if (bucketOf(keyHash) !== bucket.index)
    fail('state', `the key belongs in bucket ${bucketOf(keyHash)}, not ${bucket.index}`);
  const entries = bucket.entries.map((e) => ({ keyHash: fromHex(e.keyHash), leafHash: fromHex(e.leafHash) }));
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as (typeof entries)[number];
    if (bucketOf(e.keyHash) !== bucket.index) fail('state', `bucket entry ${i} belongs to another bucket`);
    const prev = entries[i - 1];
    if (prev && compareBytes(prev.keyHash, e.keyHash) >= 0)
      fail('state', 'bucket entries are not in keyHash order');
  }
  const mine = entries.find((e) => compareBytes(e.keyHash, keyHash) === 0);
  if (!mine || compareBytes(mine.leafHash, leafHash) !== 0) {
    fail('state', `the bucket does not hold this state of ${entry.key}`);
  }
  ctx.pass(
    'state',
    `${entry.key} with this value is entry of bucket ${bucket.index} (${entries.length} entries)`,
  );
  const root = (ctx.block.header as { parentStateRoot?: unknown }).parentStateRoot;
  const reached = toHex(
    rootFromBucketPathWith(sha256, bucketHashWith(sha256, entries), bucket.index, proof.path.map(fromHex)),
  );
  if (reached !== root)
    fail(
      'inclusion',
      `the bucket's path does not lead to block ${ctx.block.header.height}'s parentStateRoot`,
    );
  ctx.pass(
    'inclusion',
    `bucket ${bucket.index} is under parentStateRoot ${root} of block ${ctx.block.header.height}`,
  );
}
