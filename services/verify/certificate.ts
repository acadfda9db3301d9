import { fromHex, isHex } from './hash.js';
import { voteBytes } from './signed-bytes.js';

/** Checks one signature; the node passes node:crypto's Ed25519, the verifier @noble/curves'. */
export type VerifySignature = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;

/** The part of a commit certificate its signatures cover, plus the signatures. */
export type CertificateLike = {
  height: number;
  round: number;
  blockHash: string;
  signatures: ReadonlyArray<{ member: string; signature: string }>;
};

export interface CertificateSigners {
  /** The signatures that count: one per member, each verifying, in certificate order. */
  counted: Array<{ member: string; signature: string }>;
  /** Signatures that do not count, with their position in the certificate and why. */
  ignored: Array<{ index: number; member: string; reason: 'not a member' | 'duplicate' | 'bad signature' }>;
}

/**
 * Who validly precommitted the certificate's block: each signature must verify under the member's
 * key over voteBytes('precommit', network, height, round, blockHash). Unknown members, repeated
 * members and bad signatures do not count. A certificate is valid with at least quorumOf(n) signers.
 */
export function certificateSigners(
  cert: CertificateLike,
  network: string,
  members: ReadonlyMap<string, Uint8Array>,
  verify: VerifySignature,
): CertificateSigners {
  const bytes = voteBytes('precommit', network, cert.height, cert.round, cert.blockHash);
  const seen = new Set<string>();
  const result: CertificateSigners = { counted: [], ignored: [] };
  cert.signatures.forEach(({ member, signature }, index) => {
    const key = members.get(member);
    if (!key) result.ignored.push({ index, member, reason: 'not a member' });
    else if (seen.has(member)) result.ignored.push({ index, member, reason: 'duplicate' });
    else if (isHex(signature) && verify(key, bytes, fromHex(signature))) {
      seen.add(member);
      result.counted.push({ member, signature });
    } else result.ignored.push({ index, member, reason: 'bad signature' });
  });
  return result;
}
