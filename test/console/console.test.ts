import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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

// The console against real nodes running the demo story, as an auditor at FreshMart's node sees it:
// controls are found by role and accessible name (the public contract), every request the
// page makes is recorded, and axe-core checks each view.
describe('the auditor console', () => {
  let cluster: Cluster;
  let browser: Browser;
  let page: Page;
  let base: string;
  let token: string;
  let ids: ReturnType<typeof identifiers>;
  const requests: string[] = [];
  const cspErrors: string[] = [];
  const out = mkdtempSync(join(tmpdir(), 'waybill-console-'));

  beforeAll(async () => {
    buildConsole();
    // FreshMart holds an auditor grant (genesis `grants:`), so its token sees every event whole, as an
    // auditor's does; without it, FreshMart sees only what concerns it (docs/privacy.md).
    cluster = await Cluster.create(4, FAST_CONSENSUS, { grants: [{ org: 'freshmart', role: 'auditor' }] });
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
      await waybill('token', '--config', freshmart.configPath, '--sub', 'auditor', '--role', 'events:read')
    ).trim();
    browser = await launch(out);
    page = await browser.context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
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
  const search = async (text: string) => {
    await page.getByRole('searchbox', { name: 'Search' }).fill(text);
    await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
  };
  const api = async (path: string) =>
    fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('is served by the node under a strict CSP and asks for a token', async () => {
    const res = await fetch(`${base}/console/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    await page.goto(`${base}/console/`);
    await expect.poll(() => page.getByLabel('Token').isVisible()).toBe(true);
    await shot('sign-in');
    await accessible('sign in');
  });

  it('refuses a bad token with its problem code, and signs in with a good one', async () => {
    // Well formed, but its signature is not the issuer's.
    await page.getByLabel('Token').fill(`${token.slice(0, -6)}AAAAAA`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/UNAUTHORIZED/);
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const who = page.getByRole('banner');
    await expect.poll(() => who.textContent()).toMatch(/freshmart.*auditor.*events:read.*expires in/);
    await shot('home');
    await accessible('home');
  });

  it('finds a case by EPC URN and by Digital Link on the same page', async () => {
    const [case1] = ids.cases as [string];
    await search(case1);
    await expect.poll(() => page.url()).toContain('#/object/');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('GTIN');
    const byUrn = page.url();
    await page.goto(`${base}/console/#/`);
    await search(dl(case1));
    await expect.poll(() => page.url()).toBe(byUrn);
    expect(decodeURIComponent(byUrn)).toContain(dl(case1));
  });

  it('checks GS1 check digits before asking the node', async () => {
    // The previous test's object page may still be fetching: only requests that
    // carry the mistyped GTIN would mean the console asked the node.
    const before = requests.length;
    await search('(01)00614142207347(21)X1'); // correct GTIN ends in 6
    await expect.poll(() => page.locator('#search-error').textContent()).toMatch(/check digit/);
    expect(
      requests.slice(before).filter((u) => u.includes('0614142207347') || u.includes('0614142.020734')),
    ).toEqual([]);
  });

  it('shows the recalled case as Recalled, in text, with its state', async () => {
    const case2 = ids.cases[1] as string;
    await search(case2);
    await expect.poll(() => page.getByText('Recalled', { exact: true }).count()).toBe(1);
    await expect.poll(() => page.getByText('Cold-chain excursion', { exact: true }).count()).toBe(1);
    const state = (await (await api(`/objects/${encodeURIComponent(case2)}`)).json()) as { status: string };
    expect(await page.locator('dl.state').textContent()).toContain(state.status === 'active' ? 'Active' : '');
    await shot('object');
    await accessible('object');
    await search(ids.pallets[0] as string);
    await expect.poll(() => page.getByText('Contains recalled', { exact: true }).count()).toBe(1);
  });

  it('draws the lineage lot → transformation → case → pallet, left to right', async () => {
    const [lotA] = ids.lots as [string];
    const [case1] = ids.cases as [string];
    const [p1] = ids.pallets as [string];
    await page.goto(`${base}/console/#/trace/${encodeURIComponent(dl(case1))}?view=lineage&dir=both&depth=3`);
    const node = (name: string) =>
      page
        .getByRole('button', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) })
        .first();
    await expect.poll(() => node(dl(case1)).isVisible(), { timeout: 15_000 }).toBe(true);
    const x = async (name: string) => (await node(name).boundingBox())?.x ?? Number.NaN;
    const [lx, tx, cx, px] = [
      await x(dl(lotA)),
      await x('TransformationEvent'),
      await x(dl(case1)),
      await x(dl(p1)),
    ];
    expect(lx).toBeLessThan(tx);
    expect(tx).toBeLessThan(cx);
    expect(cx).toBeLessThan(px);
    const trace = (await (
      await api(`/objects/${encodeURIComponent(dl(case1))}/trace?direction=both`)
    ).json()) as {
      nodes: Array<{ id: string; owner?: string; flags?: string[] }>;
    };
    expect(Number(await page.locator('.flow').getAttribute('data-nodes'))).toBeGreaterThanOrEqual(
      trace.nodes.length,
    );
    expect(trace.nodes.find((n) => n.id === dl(case1))?.flags).toContain('recalled');
    await shot('lineage');
    await accessible('lineage');
  });

  it('moves through the graph by keyboard alone', async () => {
    const [lotA] = ids.lots as [string];
    const [case1] = ids.cases as [string];
    // A string, evaluated in the page: the test's own TypeScript has no DOM types.
    const focused = () =>
      page.evaluate<string>(
        "document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? ''",
      );
    for (let i = 0; i < 40 && !(await focused()).startsWith(dl(case1)); i++) await page.keyboard.press('Tab');
    expect(await focused()).toMatch(new RegExp(`^${dl(case1).replace(/[.?]/g, '\\$&')}`));
    await page.keyboard.press('ArrowLeft');
    await expect.poll(focused).toMatch(/^TransformationEvent/);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(focused).toMatch(new RegExp(`^${dl(lotA).replace(/[.?]/g, '\\$&')}`));
    await page.keyboard.press('Enter');
    const panel = page.getByRole('complementary', { name: 'Details' });
    await expect.poll(() => panel.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.count()).toBe(0);
    await expect.poll(focused).toMatch(new RegExp(`^${dl(lotA).replace(/[.?]/g, '\\$&')}`));
  });

  it('opens the event as stored from a process node', { timeout: 60_000 }, async () => {
    const [case1] = ids.cases as [string];
    await page.goto(`${base}/console/#/trace/${encodeURIComponent(dl(case1))}?view=lineage&dir=both&depth=3`);
    await page
      .getByRole('button', { name: /^TransformationEvent/ })
      .first()
      .click();
    const panel = page.getByRole('complementary', { name: 'Details' });
    await expect.poll(() => panel.locator('pre.json').count(), { timeout: 10_000 }).toBe(1);
    const shown = JSON.parse((await panel.locator('pre.json').textContent()) as string) as {
      eventID?: string;
    };
    const eventID = decodeURIComponent(new URL(page.url()).hash.match(/sel=event%3A([^&]+)/)?.[1] ?? '');
    // GET /events/{eventID} answers an EPCISQueryDocument holding the event; the panel shows the event.
    const stored = (await (await api(`/events/${encodeURIComponent(eventID)}`)).json()) as {
      epcisBody: { queryResults: { resultsBody: { eventList: unknown[] } } };
    };
    expect(shown).toEqual(stored.epcisBody.queryResults.resultsBody.eventList[0]);
  });

  it('shows the journey one organisation per column, in flow order', async () => {
    const [case1] = ids.cases as [string];
    await page.goto(`${base}/console/#/trace/${encodeURIComponent(dl(case1))}?view=journey&dir=both`);
    const columns = page.locator('.journey > li > h3');
    await expect.poll(() => columns.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const names = (await columns.allTextContents()).map((t) => t.replace(/^\d+\s*/, '').trim());
    expect(names).toEqual(['greenfield-farms', 'valley-packers', 'swift-logistics', 'freshmart']);
    await expect
      .poll(() => page.locator('.transfer').allTextContents())
      .toContainEqual(expect.stringMatching(/ownership unchanged/));
    await shot('journey');
    await accessible('journey');
    await page.getByRole('link', { name: 'Timeline', exact: true }).click();
    await expect.poll(() => page.getByRole('table').locator('tbody tr').count()).toBeGreaterThan(3);
    await shot('timeline');
    await accessible('timeline');
    await page.getByRole('link', { name: 'Table', exact: true }).click();
    await expect.poll(() => page.getByRole('table').count()).toBe(2);
    await shot('table');
    await accessible('table');
  });

  it('downloads the FSMA 204 CSV byte for byte as trace.csv', async () => {
    const [case1] = ids.cases as [string];
    await page.goto(`${base}/console/#/trace/${encodeURIComponent(dl(case1))}?view=fsma&dir=both`);
    const button = page.getByRole('button', { name: 'Download FSMA 204 CSV' });
    await expect.poll(() => button.isVisible(), { timeout: 10_000 }).toBe(true);
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    const saved = readFileSync((await download.path()) as string);
    const expected = Buffer.from(
      await (await api(`/objects/${encodeURIComponent(dl(case1))}/trace.csv?direction=both`)).arrayBuffer(),
    );
    expect(saved.equals(expected)).toBe(true);
    await shot('fsma');
    await accessible('fsma');
  });

  it('verifies a real proof against the genesis file, and names the check a tampered one fails', async () => {
    const [case1] = ids.cases as [string];
    const state = (await (await api(`/objects/${encodeURIComponent(case1)}`)).json()) as {
      lastEventID: string;
    };
    await page.goto(`${base}/console/#/event/${encodeURIComponent(state.lastEventID)}`);
    await page.getByLabel('Genesis file').setInputFiles(join(cluster.dir, 'net', 'genesis.json'));
    await expect.poll(() => page.getByText(/SHA-256 [0-9a-f]{64}/).count()).toBe(1);
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await expect
      .poll(() => page.locator('.checks').textContent(), { timeout: 15_000 })
      .toMatch(new RegExp(`Verified: all ${CHECKS.event.length} checks passed`));
    expect(await page.locator('.checks').textContent()).toMatch(/certificate: [34] of 4 members/);
    await shot('verify');
    await accessible('verify');

    // The same proof with one character of the event changed, served by a route fixture.
    await page.route('**/events/*/proof', async (route) => {
      const res = await route.fetch();
      const proof = (await res.json()) as { event: Record<string, unknown> };
      proof.event.bizStep = `${String(proof.event.bizStep ?? 'x')}x`;
      await route.fulfill({ response: res, json: proof });
    });
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await expect
      .poll(() => page.locator('.checks').textContent(), { timeout: 15_000 })
      .toMatch(/FAILED at check “event”/);
    expect(await page.locator('.checks li.pass').count()).toBeGreaterThan(3);
    await page.unroute('**/events/*/proof');
  });

  it('reports a recall grouped by who holds the goods', async () => {
    const [lotA] = ids.lots as [string];
    await page.goto(`${base}/console/#/recall/${encodeURIComponent(dl(lotA))}`);
    await expect
      .poll(() => page.getByRole('heading', { name: /^Held by/ }).count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(await page.locator('dl.counts').textContent()).toMatch(/Consumed1/);
    await shot('recall');
    await accessible('recall');
  });

  it('shows the network: height, members, rejections in words, alerts', async () => {
    await page.getByRole('link', { name: 'Network' }).click();
    // The reason code in plain words, on the row of FreshMart's refused shipment of a recalled case
    // (rejected events are their capturer's alone, even to an auditor: docs/privacy.md).
    await expect
      .poll(() => page.getByRole('row', { name: /RECALLED.*Recalled goods may not be shipped/ }).count(), {
        timeout: 15_000,
      })
      .toBeGreaterThan(0);
    await expect.poll(() => page.getByText('9.5 °C').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.locator('table').first().locator('tbody tr').count()).toBe(4);
    await shot('network');
    await accessible('network');
  });

  it('says the session expired on a 401 and keeps the URL', async () => {
    await page.route('**/status', (route) =>
      route.fulfill({
        status: 401,
        contentType: 'application/problem+json',
        body: '{"code":"UNAUTHORIZED","title":"x","status":401}',
      }),
    );
    await page.route('**/governance/rules', (route) =>
      route.fulfill({
        status: 401,
        contentType: 'application/problem+json',
        body: '{"code":"UNAUTHORIZED","title":"x","status":401}',
      }),
    );
    const url = page.url();
    await page.reload();
    await expect.poll(() => page.getByText(/session expired/i).count(), { timeout: 10_000 }).toBe(1);
    expect(page.url()).toBe(url);
    await page.unrouteAll();
  });

  it('never asks another host, and breaks no CSP rule', () => {
    const origin = new URL(base).origin;
    const foreign = requests.filter(
      (u) => !u.startsWith(`${origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:'),
    );
    expect(foreign).toEqual([]);
    expect(requests.length).toBeGreaterThan(10);
    expect(cspErrors).toEqual([]);
  });
});
