// Browser-test harness: real Debian Chromium driven by playwright-core (no browser download),
// with the checks every visited page must pass: axe (no serious/critical finding), no console
// errors, no CSP violations, no sideways scrolling at 360 px.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
// The axe-core that @axe-core/playwright itself injects (its dependency, same version).
import axe from 'axe-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Problems seen while a page was open: console errors, page errors and CSP violations. */
export interface PageProblems {
  console: string[];
  csp: string[];
}

export interface WatchedPage {
  page: Page;
  problems: PageProblems;
}

export async function openWatchedPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const problems: PageProblems = { console: [], csp: [] };
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    // A page answered with its deliberate status (401 after a failed sign-in, 404 page) is not an
    // error of the page; a failing sub-resource (CSS, script, image) is.
    if (/^Failed to load resource/.test(text) && message.location().url === page.url()) return;
    if (/Content Security Policy/i.test(text)) problems.csp.push(text);
    else problems.console.push(text);
  });
  page.on('pageerror', (error) => problems.console.push(String(error)));
  // CSP violations are also reported to the page as events; collect them from inside.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return { page, problems };
}

export interface AxeFinding {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * axe findings of impact serious or critical on the current page.
 *
 * A page without frames is checked with `axe.run` inside the page, axe injected once per document.
 * AxeBuilder's `analyze()` does the same work in a slower way: it injects axe's 580 kB source and
 * then, to merge the results of every frame, opens a second blank page, injects axe there again and
 * runs `axe.finishRun` in it: about 2 s per page instead of 0.6 s, which made axe most of the
 * browser suite's time. For one frame `axe.run` applies the same rules to the same document (the
 * frame merge is a no-op), so the findings are the same. A page with frames (a lesson's video
 * embed) still goes through AxeBuilder, which checks inside the frames too.
 */
export async function seriousAxeFindings(page: Page): Promise<AxeFinding[]> {
  let results: axe.AxeResults;
  if (page.frames().length > 1) {
    results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  } else {
    type WithAxe = { axe?: typeof axe };
    const injected = await page.evaluate(() => typeof (window as WithAxe).axe?.run === 'function');
    if (!injected) await page.evaluate(axe.source);
    results = await page.evaluate(
      (tags) => (window as WithAxe).axe!.run(document, { runOnly: { type: 'tag', values: tags } }),
      AXE_TAGS,
    );
  }
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
}

/**
 * What axe sees of the current page apart from the site header (the person's name and their role's
 * links): the whole live document with the header emptied and the CSRF tokens blanked. Two pages
 * with the same fingerprint differ only in their header, so once one passed axe the other needs an
 * axe pass of its header only; `foundation.test.ts` makes that one on each person's home page. The
 * header holds one id (`nav-account-label`), the same for every person, so a duplicate id between
 * header and content would already have been found on the first page.
 */
export async function axeFingerprint(page: Page): Promise<string> {
  return page.evaluate(() => {
    const copy = document.documentElement.cloneNode(true) as HTMLElement;
    copy.querySelector('header.site-header')?.replaceChildren();
    copy.querySelectorAll('input[name="_csrf"]').forEach((input) => input.setAttribute('value', ''));
    return copy.outerHTML;
  });
}

/** Whether the page scrolls sideways at its current viewport width. */
export async function hasSidewaysScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
}

/**
 * Runs every per-page check and returns a readable list of what failed (empty = all good), so a test
 * can `expect(await pageChecks(w)).toEqual([])` and see the findings in the failure message.
 * `axe: false` leaves out the axe pass only, for a document whose axe pass the caller has already
 * made (see `axeFingerprint`); the phone width, console and CSP checks always run.
 */
export async function pageChecks(watched: WatchedPage, options: { axe?: boolean } = {}): Promise<string[]> {
  const { page, problems } = watched;
  const failures: string[] = [];
  const url = page.url();
  for (const finding of options.axe === false ? [] : await seriousAxeFindings(page)) {
    failures.push(
      `${url}: axe ${finding.impact} ${finding.id} (${finding.help}) at ${finding.targets.join(', ')}`,
    );
  }
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  if (await hasSidewaysScroll(page)) failures.push(`${url}: scrolls sideways at 360 px`);
  if (viewport) await page.setViewportSize(viewport);
  for (const text of problems.console) failures.push(`${url}: console error: ${text}`);
  for (const text of problems.csp) failures.push(`${url}: CSP violation: ${text}`);
  problems.console.length = 0;
  problems.csp.length = 0;
  return failures;
}

/** The app under test listening on a free loopback port, with one browser for the whole file. */
export interface BrowserRig {
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startBrowserRig(app: import('express').Express): Promise<BrowserRig> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
  const browser = await launchBrowser();
  return {
    base,
    browser,
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Signs in through the real form (the login page's own submit button, not the language switch). */
export async function signInThroughForm(
  page: Page,
  base: string,
  identifier: string,
  password: string,
): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('input[name=identifier]', identifier);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
}
