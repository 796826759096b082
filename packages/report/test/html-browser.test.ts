import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeIf } from '../../../test-support/conditions.js';
import { repoRoot } from './helpers.js';

/**
 * The HTML report in a real browser: Debian's Chromium (`apt-get install chromium`) driven by
 * playwright-core. Runs the built CLI, so `pnpm build` first (as `pnpm test` does).
 */
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  if (process.env['CI']) throw new Error(`${CHROMIUM} is missing: CI must install it (apt-get install -y chromium) for the HTML report's browser test`);
  console.warn(`html-browser.test.ts skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
}

const cli = join(repoRoot, 'packages/cli/bin/portcullis.js');
const out = mkdtempSync(join(tmpdir(), 'portcullis-html-'));
/** Where the screenshot is kept: a CI artifact, never committed. */
export const SCREENSHOT = join(tmpdir(), 'portcullis-report.png');

function report(name: string, args: string[]): string {
  const file = join(out, `${name}.html`);
  execFileSync(process.execPath, [cli, 'scan', ...args, '--format', 'html', '--output', file, '--fail-on', 'none'], { cwd: repoRoot });
  return pathToFileURL(file).href;
}

interface Watched {
  page: Page;
  consoleErrors: string[];
  requests: string[];
  dialogs: string[];
}

describeIf(available, "needs Debian's Chromium at /usr/bin/chromium")('the HTML report in Chromium', () => {
  let browser: Browser;
  let demo: string;
  let xss: string;

  beforeAll(async () => {
    demo = report('demo', ['fixtures/demo', '--config', 'fixtures/demo/portcullis.yaml']);
    xss = report('xss', ['fixtures/report/xss']);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(out, { recursive: true, force: true });
  });

  async function open(url: string, javaScriptEnabled = true): Promise<Watched> {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    const watched: Watched = { page, consoleErrors: [], requests: [], dialogs: [] };
    page.on('console', (m) => {
      if (m.type() === 'error') watched.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => watched.consoleErrors.push(e.message));
    page.on('request', (r) => watched.requests.push(r.url()));
    page.on('dialog', (d) => {
      watched.dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(url, { waitUntil: 'load' });
    return watched;
  }

  const visible = (page: Page): Promise<number> => page.locator('[data-finding]:visible').count();

  it('opens offline: no console errors, no requests but the file itself', async () => {
    const { page, consoleErrors, requests } = await open(demo);
    expect(consoleErrors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    await expect(page.title()).resolves.toBe('Portcullis audit report');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    await page.context().close();
  });

  it('filters by severity, rule and file, and shows all again on reset', async () => {
    const { page, consoleErrors } = await open(demo);
    const total = await page.locator('[data-finding]').count();
    expect(total).toBeGreaterThan(3);
    await expect(page.locator('#filter').isVisible()).resolves.toBe(true);
    expect(await visible(page)).toBe(total);

    await page.selectOption('#filter select[name="severity"]', 'high');
    const high = await page.locator('[data-finding][data-severity="high"]').count();
    expect(high).toBeGreaterThan(0);
    expect(await visible(page)).toBe(high);
    await expect(page.locator('#filter-count').textContent()).resolves.toBe(`${high} of ${total} findings shown`);
    // A severity group with nothing left in it is hidden too.
    await expect(page.locator('section[data-group]:visible h3 .sev-critical').count()).resolves.toBe(0);

    await page.selectOption('#filter select[name="severity"]', '');
    await page.selectOption('#filter select[name="rule"]', 'no-public-rdp');
    const rdp = await page.locator('[data-finding][data-rule="no-public-rdp"]').count();
    expect(rdp).toBeGreaterThan(0);
    expect(await visible(page)).toBe(rdp);

    await page.selectOption('#filter select[name="rule"]', '');
    const file = (await page.locator('[data-finding]').first().getAttribute('data-file'))!;
    await page.selectOption('#filter select[name="file"]', file);
    expect(await visible(page)).toBe(await page.locator(`[data-finding][data-file="${file}"]`).count());

    await page.click('#filter button[type="reset"]');
    // The form resets its fields after the event: the script applies the filter a tick later.
    await expect.poll(() => visible(page)).toBe(total);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('reads fully with JavaScript off: every finding shown, the filter form hidden', async () => {
    const { page, requests } = await open(demo, false);
    const total = await page.locator('[data-finding]').count();
    expect(total).toBeGreaterThan(3);
    expect(await visible(page)).toBe(total);
    await expect(page.locator('#filter').isVisible()).resolves.toBe(false);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    await page.context().close();
  });

  it('runs nothing from hostile input: no dialog, the payloads shown as text', async () => {
    const { page, dialogs, consoleErrors, requests } = await open(xss);
    await page.waitForTimeout(200);
    expect(dialogs).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    await expect(page.locator('img').count()).resolves.toBe(0);
    await expect(page.locator('script').count()).resolves.toBe(1);
    const text = await page.locator('body').innerText();
    expect(text).toContain('<img src=x onerror=alert(1)>');
    expect(text).toContain('</script><script>alert(1)</script>');
    await page.context().close();
  });
});
