// Browser tests of the foundation: each role signs in through the real form, sees its own
// navigation, visits every page it links to (each checked with axe, at 360 px, for console errors
// and CSP violations) and signs out; a failed sign-in shows its message; the language switch works
// and is remembered per person.
import type { Browser } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app';
import { createOpd, createUniversity, createUser, DEFAULT_PASSWORD } from '../support/factories';
import {
  signInThroughForm,
  startBrowserRig,
  type BrowserRig,
  openWatchedPage,
  pageChecks,
  type WatchedPage,
} from './support/browser';
import type { Role } from '../../src/core/roles';
import idAuth from '../../src/locales/id/auth.json';
import enAuth from '../../src/locales/en/auth.json';

let testApp: TestApp;
let rig: BrowserRig;
let browser: Browser;
let base: string;
const people: Record<string, { email: string; name: string; roles: Role[] }> = {};

beforeAll(async () => {
  testApp = await createTestApp();
  const bkpsdm = await createOpd({
    code: 'BKPSDM',
    name: 'Badan Kepegawaian dan Pengembangan SDM',
    cityWideHr: true,
  });
  const disdukcapil = await createOpd({
    code: 'DISDUKCAPIL',
    name: 'Dinas Kependudukan dan Pencatatan Sipil',
  });
  const usu = await createUniversity({ code: 'USU', name: 'Universitas Sumatera Utara' });
  const make = async (key: string, roles: Role[], opd: typeof bkpsdm | undefined, extra: object = {}) => {
    const email = `${key}@e2e.pemkomedan.go.id`;
    const user = await createUser({ email, roles, opd, name: `Uji ${key}, S.Kom.`, ...extra });
    people[key] = { email, name: user.name, roles };
  };
  await make('learner', ['learner'], disdukcapil);
  await make('author', ['author'], undefined, { institution: usu, nip: null });
  await make('curator', ['curator', 'learner'], bkpsdm);
  await make('hrOpd', ['hr', 'learner'], disdukcapil);
  await make('hrBkpsdm', ['hr', 'learner'], bkpsdm);
  await make('admin', ['admin'], bkpsdm);
  await make('switcher', ['learner'], disdukcapil);
  rig = await startBrowserRig(testApp.app);
  ({ base, browser } = rig);
}, 60_000);

afterAll(async () => {
  await rig?.close();
  await testApp?.close();
});

async function signIn(watched: WatchedPage, email: string, password = DEFAULT_PASSWORD): Promise<void> {
  await signInThroughForm(watched.page, base, email, password);
}

describe('signing in as each role', () => {
  const roles = ['learner', 'author', 'curator', 'hrOpd', 'hrBkpsdm', 'admin'];

  it.each(roles)(
    '%s signs in, sees only their pages, each page passes the checks, and signs out',
    async (key) => {
      const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
      const watched = await openWatchedPage(context);
      const { page } = watched;
      try {
        await signIn(watched, people[key].email);
        expect(new URL(page.url()).pathname).toBe('/');
        await expect(page.locator('nav.site-nav').textContent()).resolves.toContain(people[key].name);
        expect(await pageChecks(watched)).toEqual([]);

        const links = await page.$$eval('nav.site-nav a[href^="/"]', (as) =>
          as.map((a) => a.getAttribute('href')!),
        );
        const roles = people[key].roles;
        expect(links.includes('/admin/users')).toBe(roles.includes('admin') || roles.includes('hr'));
        expect(links.includes('/admin/audit')).toBe(roles.includes('admin'));

        for (const href of [...new Set(links)]) {
          const response = await page.goto(`${base}${href}`);
          expect({ href, status: response?.status() }).toEqual({ href, status: 200 });
          expect(await pageChecks(watched)).toEqual([]);
        }

        await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button')]);
        const afterSignOut = await page.goto(`${base}/admin/users`);
        expect(new URL(afterSignOut!.url()).pathname).toBe('/login');
        await expect(page.locator('nav.site-nav').textContent()).resolves.not.toContain(people[key].name);
      } finally {
        await context.close();
      }
    },
    120_000,
  );
});

describe('the menu on a phone', () => {
  it('folds away at 360 px and opens without JavaScript; on a wide screen it is always open', async () => {
    const context = await browser.newContext({
      viewport: { width: 360, height: 740 },
      javaScriptEnabled: false,
    });
    const watched = await openWatchedPage(context);
    const { page } = watched;
    try {
      await signIn(watched, people.hrOpd.email);
      const myData = page.locator('nav.site-nav a[href="/data-saya"]');
      const peopleLink = page.locator('nav.site-nav a[href="/admin/users"]');
      await expect(myData.isVisible()).resolves.toBe(false);
      const header = await page.locator('header.site-header').boundingBox();
      expect(header!.height).toBeLessThan(100); // the folded header leaves the screen to the content
      await page.click('summary.nav-toggle');
      await expect(peopleLink.isVisible()).resolves.toBe(true);
      await expect(myData.isVisible()).resolves.toBe(true);
      // Places first, then the person's own actions under their name.
      const order = await page.$$eval('nav.site-nav a', (as) => as.map((a) => a.getAttribute('href')));
      expect(order.indexOf('/')).toBeLessThan(order.indexOf('/admin/users'));
      expect(order.indexOf('/admin/users')).toBeLessThan(order.indexOf('/data-saya'));
      await expect(page.locator('.nav-account').textContent()).resolves.toContain(people.hrOpd.name);
      await expect(page.locator('nav.site-nav a[aria-current="page"]').getAttribute('href')).resolves.toBe(
        '/',
      );

      await page.setViewportSize({ width: 1200, height: 800 });
      await page.reload();
      await expect(page.locator('summary.nav-toggle').isVisible()).resolves.toBe(false);
      await expect(myData.isVisible()).resolves.toBe(true);
    } finally {
      await context.close();
    }
  });
});

describe('a failed sign-in', () => {
  it('shows the same message for a wrong password and an unknown account, and the page passes the checks', async () => {
    const context = await browser.newContext();
    const watched = await openWatchedPage(context);
    try {
      await signIn(watched, people.learner.email, 'Salah#Sandi2026x');
      const alert = await watched.page.locator('main').textContent();
      expect(alert).toContain(idAuth.login.invalid);
      expect(await watched.page.inputValue('input[name=identifier]')).toBe(people.learner.email);
      expect(await watched.page.inputValue('input[name=password]')).toBe('');
      expect(await pageChecks(watched)).toEqual([]);

      await signIn(watched, 'tidak.ada@e2e.pemkomedan.go.id', 'Salah#Sandi2026x');
      expect(await watched.page.locator('main').textContent()).toContain(idAuth.login.invalid);
    } finally {
      await context.close();
    }
  });
});

describe('the language switch', () => {
  it('switches the login page to English and back', async () => {
    const context = await browser.newContext();
    const watched = await openWatchedPage(context);
    const { page } = watched;
    try {
      await page.goto(`${base}/login`);
      await expect(page.locator('h1').textContent()).resolves.toBe(idAuth.login.heading);
      await Promise.all([page.waitForNavigation(), page.click('form.language-switch button')]);
      expect(new URL(page.url()).pathname).toBe('/login');
      await expect(page.locator('h1').textContent()).resolves.toBe(enAuth.login.heading);
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
      expect(await pageChecks(watched)).toEqual([]);
      await Promise.all([page.waitForNavigation(), page.click('form.language-switch button')]);
      await expect(page.locator('h1').textContent()).resolves.toBe(idAuth.login.heading);
    } finally {
      await context.close();
    }
  });

  it('remembers a signed-in person’s choice on their next sign-in from another browser', async () => {
    const first = await browser.newContext();
    const watched = await openWatchedPage(first);
    await signIn(watched, people.switcher.email);
    await Promise.all([watched.page.waitForNavigation(), watched.page.click('form.language-switch button')]);
    await expect(watched.page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await first.close();

    const second = await browser.newContext();
    const again = await openWatchedPage(second);
    try {
      await signIn(again, people.switcher.email);
      expect(new URL(again.page.url()).pathname).toBe('/');
      await expect(again.page.locator('html').getAttribute('lang')).resolves.toBe('en');
      expect(await pageChecks(again)).toEqual([]);
    } finally {
      await second.close();
    }
  });
});
