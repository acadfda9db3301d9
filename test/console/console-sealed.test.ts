import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifiers } from '../../services/demo/events.js';
import { epcToDigitalLink } from '../../services/epcis/epc-uri.js';
import { CHECKS } from '../../services/verify/index.js';
import { BIN, Cluster, FAST_CONSENSUS, waybill } from '../support/cluster.js';
import { axeSerious, type Browser, buildConsole, launch } from './browser.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
/** `npm run console:screenshots` sets this: each view is also saved as docs/console/<view>.png. */
const SHOTS = process.env.CONSOLE_SCREENSHOTS === '1' ? join(ROOT, 'docs/console') : undefined;

const dl = (urn: string) => epcToDigitalLink(urn) as string;
/** The marker of a sealed field the caller cannot read (console/src/views/sealed.tsx). */
const SEALED_TEXT = 'Sealed — served by the parties’ own nodes';

// The console on a sealed network (docs/privacy.md) that ran the demo story, as a member sees it at
// FreshMart's node without an auditor grant: FreshMart's node holds the sealed fields of the events
// FreshMart receives, and the public view of the others in its goods' lineage. What it cannot read
// is shown as sealed, never as missing; what it holds can be disclosed with a verified proof.
describe('the console on a sealed network', () => {
  let cluster: Cluster;
  let browser: Browser;
  let page: Page;
  let base: string;
  let token: string;
  let ids: ReturnType<typeof identifiers>;
  const out = mkdtempSync(join(tmpdir(), 'waybill-console-sealed-'));

  beforeAll(async () => {
    buildConsole();
    cluster = await Cluster.create(4, FAST_CONSENSUS, { privacy: 'sealed' });
    // Four node processes starting at once on a loaded machine can take longer than startAll's 30 s.
    for (const n of cluster.nodes) cluster.start(n.org);
    await Promise.all(cluster.nodes.map((n) => cluster.waitReady(n.org, 180_000)));
    await run(process.execPath, [BIN, 'demo', '--network', join(cluster.dir, 'net'), '--out', out], {
      timeout: 150_000,
    });
    const csv = readdirSync(out).find((f) => /^fsma204-.+\.csv$/.test(f)) as string;
    ids = identifiers(csv.replace(/^fsma204-|\.csv$/g, ''));
    const freshmart = cluster.node('freshmart');
    base = freshmart.url;
    token = (
      await waybill('token', '--config', freshmart.configPath, '--sub', 'member', '--role', 'events:read')
    ).trim();
    browser = await launch(out);
    page = await browser.context.newPage();
    await page.goto(`${base}/console/`);
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('header.top', { timeout: 30_000 });
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await cluster?.destroy();
    rmSync(out, { recursive: true, force: true });
  });

  const shot = async (name: string) => {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), animations: 'disabled' });
  };
  const accessible = async (view: string) => {
    expect(await axeSerious(page), view).toEqual([]);
  };
  const api = async (path: string) =>
    fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('shows sealed fields it cannot read as sealed, never as missing, and discloses what it holds', {
    timeout: 90_000,
  }, async () => {
    const [case1] = ids.cases as [string];
    const trace = (await (
      await api(`/objects/${encodeURIComponent(dl(case1))}/trace?direction=both`)
    ).json()) as {
      custody: Array<{ eventID: string; bizStep: string | null; org: string; sealed?: string }>;
    };
    // The grower's shipment to the packer is none of FreshMart's business; the carrier's to FreshMart is.
    const away = trace.custody.find((s) => s.bizStep === 'shipping' && s.org === 'greenfield-farms');
    const mine = trace.custody.find((s) => s.bizStep === 'shipping' && s.org === 'swift-logistics');
    expect(away?.sealed).toBe('elsewhere');
    expect(mine?.sealed).toBe('held');
    const dd = (term: string) => page.locator(`dl.fields dt:text-is("${term}") + dd`);

    await page.goto(`${base}/console/#/event/${encodeURIComponent(away?.eventID as string)}`);
    await expect
      .poll(() => dd('Business transactions').textContent(), { timeout: 15_000 })
      .toContain(SEALED_TEXT);
    // What the public view keeps is shown as it is: the member sites and parties.
    expect(await dd('Business location').textContent()).toMatch(/greenfield-farms site/);
    expect(await dd('Destinations').textContent()).toMatch(/possessing_party: valley-packers/);
    expect(await dd('Other fields').textContent()).toContain(SEALED_TEXT);
    expect(await page.locator('pre.json').textContent()).not.toContain('BOL-');
    await shot('event-sealed');
    await accessible('sealed event');

    // At a recipient's node: the fields whole, and a disclosure proof verified in the browser.
    await page.goto(
      `${base}/console/#/event/${encodeURIComponent(mine?.eventID as string)}?disclose=bizTransactionList/0`,
    );
    await expect
      .poll(() => dd('Business transactions').textContent(), { timeout: 15_000 })
      .toMatch(/^bol: .*BOL-/);
    expect(await page.getByRole('checkbox', { name: 'bizTransactionList/0' }).isChecked()).toBe(true);
    await page.getByLabel('Genesis file').setInputFiles(join(cluster.dir, 'net', 'genesis.json'));
    await page.getByRole('button', { name: 'Disclose and verify' }).click();
    const disclosed = page.getByRole('table', { name: /Disclosed sealed fields/ });
    await expect
      .poll(() => disclosed.textContent(), { timeout: 15_000 })
      .toMatch(/bizTransactionList\/0.*BOL-/);
    const checks = page.locator('.verify .checks').last();
    // Every check of an event proof, and `disclosure`.
    expect(await checks.textContent()).toMatch(
      new RegExp(`Verified: all ${CHECKS.event.length + 1} checks passed`),
    );
    // The disclosure check is listed with the others, after "event".
    expect(await checks.locator('li').last().textContent()).toMatch(/^✓ passed: disclosure: /);
    await shot('disclosure');
    await accessible('disclosure');

    // The same proof with the disclosed value changed fails, naming the check.
    const proof = (await (
      await api(`/events/${encodeURIComponent(mine?.eventID as string)}/proof?disclose=bizTransactionList/0`)
    ).json()) as { disclosures: Array<{ value: { bizTransaction: string } }> };
    const [first] = proof.disclosures;
    if (first) first.value.bizTransaction += '0';
    await page.getByLabel('Disclosure proof file').setInputFiles({
      name: 'tampered.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(proof)),
    });
    await expect
      .poll(() => page.locator('.verify .checks').last().textContent(), { timeout: 15_000 })
      .toMatch(/FAILED at check “disclosure”/);
    expect(await page.locator('.verify .checks').last().locator('li.fail').textContent()).toMatch(
      /^✗ FAILED disclosure: /,
    );

    // The FSMA preview: the reference of the shipment FreshMart was no party to is sealed, not missing.
    await page.goto(`${base}/console/#/trace/${encodeURIComponent(dl(case1))}?view=fsma&dir=both`);
    const row = page
      .getByRole('row')
      .filter({ hasText: away?.eventID as string })
      .first();
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain(SEALED_TEXT);
    expect(await row.textContent()).toMatch(/sealed: Reference Document Number/);
    expect(await row.locator('td').last().textContent()).not.toMatch(/^Reference Document Number/);
    await page.getByRole('link', { name: 'Timeline', exact: true }).click();
    await expect.poll(() => page.getByRole('table').locator('tbody tr').count()).toBeGreaterThan(3);
    await accessible('timeline, sealed');
  });
});
