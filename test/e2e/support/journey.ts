// The set-up every browser journey shares: one app on a fresh database, listening on a loopback
// port, and one browser for the whole file (registered as the file's beforeAll/afterAll); signing
// in through the real form; following a link or a button to the next page; a browser context that
// is closed whatever the test's outcome.
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { createTestApp, type TestApp, type TestAppOverrides } from '../../support/app';
import { DEFAULT_PASSWORD } from '../../support/factories';
import {
  openWatchedPage,
  signInThroughForm,
  startBrowserRig,
  type BrowserRig,
  type WatchedPage,
} from './browser';

/** A phone's screen: the width every page must fit. */
export const PHONE = { width: 360, height: 740 };
/** A desktop screen. */
export const DESKTOP = { width: 1200, height: 800 };

/** What a journey file shares; filled in by its beforeAll, so use it inside tests only. */
export interface Journey {
  testApp: TestApp;
  /** The app's address, e.g. http://127.0.0.1:41234 */
  base: string;
  browser: Browser;
  /** Signs in through the real form and, at a first sign-in, confirms the privacy notice. */
  signIn(watched: WatchedPage, identifier: string, password?: string): Promise<void>;
  /** Runs `steps` on a watched page of a fresh browser context, and closes the context afterwards. */
  inContext(options: BrowserContextOptions, steps: (watched: WatchedPage) => Promise<void>): Promise<void>;
}

export interface JourneyOptions {
  /** Overrides of the test app (environment, clock). */
  app?: TestAppOverrides;
  /** Set BASE_URL to the rig's address: mails, PDFs and QR codes print links that the browser opens. */
  linksToRig?: boolean;
  /** The time the set-up (app, browser, `seed`) may take. */
  timeoutMs?: number;
}

/** Clicks what leads to another page and waits until that page has loaded. */
export async function follow(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

type Seed = (testApp: TestApp, base: string) => Promise<void>;

/**
 * Registers the file's beforeAll (app, browser, then `seed` with the app and its address) and
 * afterAll (browser, server and database closed), and returns what the tests use.
 */
export function useJourney(seed?: Seed): Journey;
export function useJourney(options: JourneyOptions, seed?: Seed): Journey;
export function useJourney(first?: JourneyOptions | Seed, second?: Seed): Journey {
  const options = typeof first === 'object' ? first : {};
  const seed = (typeof first === 'function' ? first : second) ?? (async () => undefined);
  let testApp: TestApp | undefined;
  let rig: BrowserRig | undefined;
  const journey = {
    async signIn(watched: WatchedPage, identifier: string, password = DEFAULT_PASSWORD) {
      await signInThroughForm(watched.page, journey.base, identifier, password);
      if (watched.page.url().includes('/privasi')) await follow(watched.page, 'main button[type=submit]');
    },
    async inContext(options: BrowserContextOptions, steps: (watched: WatchedPage) => Promise<void>) {
      const context = await journey.browser.newContext(options);
      try {
        await steps(await openWatchedPage(context));
      } finally {
        await context.close();
      }
    },
  } as Journey;
  beforeAll(async () => {
    testApp = await createTestApp(options.app);
    rig = await startBrowserRig(testApp.app);
    if (options.linksToRig) testApp.config.baseUrl = rig.base;
    Object.assign(journey, { testApp, base: rig.base, browser: rig.browser });
    await seed(testApp, rig.base);
  }, options.timeoutMs ?? 60_000);
  afterAll(async () => {
    await rig?.close();
    await testApp?.close();
  });
  return journey;
}
