import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'vitest';
import { validateCaptureDocument } from '../../services/epcis/validate.js';
function walk(d: string): string[] { return readdirSync(d).flatMap(f => { const p = path.join(d, f); return statSync(p).isDirectory() ? walk(p) : [p]; }); }
test('scratch', () => {
for (const f of [...walk('/work/shared/epcis/valid'), ...walk('/work/shared/epcis/invalid')]) {
  const r = validateCaptureDocument(JSON.parse(readFileSync(f, 'utf8')));
  console.log(f.replace('/work/shared/epcis/', ''), r.ok ? 'OK' : JSON.stringify(r.errors));
}
});
