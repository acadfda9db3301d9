import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRuleFiles, RULE_ERROR } from '../../services/contracts/index.js';
import { validateCaptureDocument } from '../../services/epcis/index.js';
import { RejectCode } from '../../services/execution/index.js';
import { Chain } from '../ledger/chain.js';
import { RULE_FILES } from '../support/ledger.js';

// GS1's and openepcis' conformance documents, kept beside the checkout (see its README.md).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shared = path.resolve(repoRoot, '../shared/epcis');

function documentsIn(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return documentsIn(file);
    return /\.(json|jsonld)$/.test(name) ? [file] : [];
  });
}

const read = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
const relative = (file: string) => path.relative(shared, file);

/** The field each known invalid document must be refused for (new documents get the generic check). */
const EXPECTED_FIELD: Record<string, RegExp> = {
  'EPCISDocument_without_context.json': /^\/@context$/,
  'ObjectEvent_with_invalid_action.json': /^\/epcisBody\/eventList\/0\/action$/,
  'ObjectEvent_with_invalid_eventTime_format.json': /^\/epcisBody\/eventList\/0\/eventTime$/,
  'ObjectEvent_with_non_standard_bizStep.json': /^\/epcisBody\/eventList\/0\/bizStep$/,
  'ObjectEvent_with_non_standard_disposition.json': /^\/epcisBody\/eventList\/0\/disposition$/,
  'ObjectEvent_with_quantity_as_text.json': /^\/epcisBody\/eventList\/0\/quantityList\/0\/quantity$/,
  'ObjectEvent_without_action_and_eventTime.json': /^\/epcisBody\/eventList\/0\/(action|eventTime)$/,
  'ObjectEvent_without_identifier_list.json': /^\/epcisBody\/eventList\/0\/epcList$/,
};

/** The parent of a JSON Pointer exists in `doc`: the pointer names a field of the document. */
function parentExists(doc: unknown, pointer: string): boolean {
  const tokens = pointer.split('/').slice(1, -1);
  let node: unknown = doc;
  for (const token of tokens) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof node !== 'object' || node === null || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'object' && node !== null;
}

describe('documents GS1 accepts are accepted', () => {
  const files = documentsIn(path.join(shared, 'valid'));
  it('finds the fixtures', () => expect(files.length).toBeGreaterThan(20));

  for (const file of files) {
    it(relative(file), () => {
      const doc = read(file) as { epcisBody: { eventList: unknown[] } };
      const result = validateCaptureDocument(doc);
      expect(result.ok ? [] : result.errors).toEqual([]);
      expect(result.ok && result.events).toBe(doc.epcisBody.eventList);
    });
  }
});

describe('documents a conforming server must refuse are refused, naming the field', () => {
  const files = documentsIn(path.join(shared, 'invalid'));
  it('finds the fixtures', () => expect(files.length).toBeGreaterThan(7));

  for (const file of files) {
    it(relative(file), () => {
      const doc = read(file);
      const result = validateCaptureDocument(doc);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      const [first] = result.errors;
      expect(first?.message).toBeTruthy();
      expect(parentExists(doc, first?.field ?? '')).toBe(true);
      const expected = EXPECTED_FIELD[path.basename(file)];
      if (expected) expect(first?.field).toMatch(expected);
    });
  }
});

describe('valid documents pass through the ledger with rule verdicts only', () => {
  const files = documentsIn(path.join(shared, 'valid'));
  const codes = new Set<string>([
    ...loadRuleFiles(RULE_FILES).rules.flatMap((r) => r.require.map((q) => q.code)),
    ...Object.values(RejectCode),
    RULE_ERROR,
  ]);
  let chain: Chain;
  beforeAll(() => {
    chain = new Chain();
  });
  afterAll(() => chain.close());

  for (const file of files) {
    it(relative(file), () => {
      const doc = read(file) as Record<string, unknown>;
      const { tx, fresh } = chain.app.submit(doc, { submitter: 'conformance', errorBehaviour: 'proceed' });
      expect(fresh).toBe(true);
      chain.commit(tx);
      const job = chain.result(tx);
      for (const error of job.errors) expect(codes, `${error.code}: ${error.message}`).toContain(error.code);
      expect(job.errors.map((e) => e.code)).not.toContain('VALIDATION_FAILED');
    });
  }
});
