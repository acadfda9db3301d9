import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, tooDeep } from '../../services/common/json-depth.js';
import { validateCaptureDocument } from '../../services/epcis/index.js';
import { commissioningDocument } from '../support/documents.js';

function nested(depth: number): unknown {
  return JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
}

describe('nesting depth', () => {
  it('names the first value nested too deeply, and accepts the bound itself', () => {
    expect(tooDeep(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(tooDeep(nested(MAX_JSON_DEPTH + 1))).toBe(`/${Array(MAX_JSON_DEPTH).fill('0').join('/')}`);
    expect(tooDeep({ 'a/b': { '~': nested(MAX_JSON_DEPTH) } })?.startsWith('/a~1b/~0/')).toBe(true);
  });

  it('refuses a capture with a 100k-deep extension instead of overflowing the stack', () => {
    // A member's node validates gossiped transactions with the same function: a throw there
    // would be a crash, and a stack overflow one that depends on the machine.
    const doc = commissioningDocument(1) as { epcisBody: { eventList: Record<string, unknown>[] } };
    const event = doc.epcisBody.eventList[0] as Record<string, unknown>;
    event['example:deep'] = nested(100_000);
    const result = validateCaptureDocument(doc);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.message).toMatch(/nests deeper than 64 levels/);
  });
});
