import { describe, expect, it } from 'vitest';
import { hashOf } from '../../../services/common/encoding.js';
import { type VerdictLeaf, verdictLeafHash } from '../../../services/execution/results.js';

describe('verdict leaf hash', () => {
  it('is hashOf(leaf), the JCS hash the offline verifier computes, for every kind of leaf', () => {
    const tx = 'ab'.repeat(32);
    const leaves: VerdictLeaf[] = [
      { tx, event: 0, eventID: 'ni:///sha-256;00ff?ver=CBV2.0', status: 'accepted', code: null },
      { tx, event: 1234, eventID: 'urn:uuid:é"\\\u2028😀', status: 'rejected', code: 'ROLLED_BACK' },
      { tx, event: null, eventID: null, status: 'rejected', code: 'DUPLICATE_EVIDENCE' },
      { tx, event: null, eventID: null, status: 'accepted', code: null },
      // Not produced by execution, but a leaf with a missing field must still hash as JCS does.
      { tx, event: 2, eventID: undefined as unknown as string, status: 'accepted', code: null },
    ];
    for (const leaf of leaves) expect(verdictLeafHash(leaf)).toBe(hashOf(leaf));
  });
});
