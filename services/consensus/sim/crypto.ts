import { createHash } from 'node:crypto';
import { sha256 } from '../../common/index.js';
import { createSigner, verify as ed25519Verify, type Signer, type Verify } from '../../crypto/index.js';

export type SimCrypto = 'fake' | 'ed25519';

export interface SimKeys {
  signer: Signer;
  verify: Verify;
}

/**
 * SIMULATION ONLY, NOT A SIGNATURE SCHEME: signature = sha256(publicKey || message), twice, to
 * make the 64 bytes of an Ed25519 signature. Anyone knowing the public key can "sign"; it exists
 * because verifying is about 30 times faster than Ed25519 (2 µs against 60 µs here) and every
 * simulated node is honest anyway.
 * It keeps the property the core relies on: a changed message or key fails verification.
 */
function fakeSign(publicKey: Uint8Array, message: Uint8Array): Uint8Array {
  const digest = createHash('sha256').update(publicKey).update(message).digest();
  const out = new Uint8Array(64);
  out.set(digest, 0);
  out.set(digest, 32);
  return out;
}

const fakeVerify: Verify = (publicKey, message, signature) => {
  if (signature.length !== 64) return false;
  return Buffer.from(fakeSign(publicKey, message)).equals(Buffer.from(signature));
};

/**
 * Deterministic keys for node `index` of a run: the key seed is derived from the run's seed, so a
 * run replays exactly (Ed25519 signing is deterministic too).
 */
export function simKeys(kind: SimCrypto, runSeed: number, index: number): SimKeys {
  const seed = sha256(`waybill-sim/${runSeed}/${index}`);
  if (kind === 'ed25519') return { signer: createSigner(seed), verify: ed25519Verify };
  return { signer: { publicKey: seed, sign: (m) => fakeSign(seed, m) }, verify: fakeVerify };
}
