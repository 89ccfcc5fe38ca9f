// Browser tests of the foundation: each role signs in through the real form, sees its own
// navigation, visits every page it links to (each checked with axe, at 360 px, for console errors
// and CSP violations) and signs out; a failed sign-in shows its message; the language switch works
// and is remembered per person.
import { createOpd, createUniversity, createUser } from '../support/factories';
import { axeFingerprint, pageChecks, type WatchedPage } from './support/browser';
import { DESKTOP, follow, PHONE, useJourney } from './support/journey';
import type { Role } from '../../src/core/roles';
import idAuth from '../../src/locales/id/auth.json';
import enAuth from '../../src/locales/en/auth.json';

const people: Record<string, { email: string; name: string; roles: Role[] }> = {};

const journey = useJourney(async () => {
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
});

describe('signing in as each role', () => {
  const roles = ['learner', 'author', 'curator', 'hrOpd', 'hrBkpsdm', 'admin'];
  // Many pages (the account pages, the catalog, the empty learning pages, the home page visited
  // again from the menu) render the same document for several roles but for the site header: the
  // person's name and their role's links. Each person's header passes a full axe run on their home
  // page right after sign-in; a page whose document apart from the header (axeFingerprint) already
  // passed a full axe run, for another role or earlier in this journey, is not run through axe
  // again. Every page of every role is still requested, checked for its status, at 360 px, for
  // console errors and CSP violations, and every distinct document still passes axe.
  const axeChecked = new Set<string>();
  const checkPage = async (watched: WatchedPage, { full = false } = {}) => {
    const fingerprint = await axeFingerprint(watched.page);
    const axe = full || !axeChecked.has(fingerprint);
    const failures = await pageChecks(watched, { axe });
    if (axe && failures.length === 0) axeChecked.add(fingerprint);
    return failures;
  };

  it.each(roles)(
    '%s signs in, sees only their pages, each page passes the checks, and signs out',
    async (key) => {
      await journey.inContext({ viewport: DESKTOP }, async (watched) => {
        const { page } = watched;
        await journey.signIn(watched, people[key].email);
        expect(new URL(page.url()).pathname).toBe('/');
        await expect(page.locator('nav.site-nav').textContent()).resolves.toContain(people[key].name);
        expect(await checkPage(watched, { full: true })).toEqual([]);

        const links = await page.$$eval('nav.site-nav a[href^="/"]', (as) =>
          as.map((a) => a.getAttribute('href')!),
        );
        const roles = people[key].roles;
        expect(links.includes('/admin/users')).toBe(roles.includes('admin') || roles.includes('hr'));
        expect(links.includes('/admin/audit')).toBe(roles.includes('admin'));

        for (const href of [...new Set(links)]) {
          const response = await page.goto(`${journey.base}${href}`);
          expect({ href, status: response?.status() }).toEqual({ href, status: 200 });
          expect(await checkPage(watched)).toEqual([]);
        }

        await follow(page, 'form[action="/logout"] button');
        const afterSignOut = await page.goto(`${journey.base}/admin/users`);
        expect(new URL(afterSignOut!.url()).pathname).toBe('/login');
        await expect(page.locator('nav.site-nav').textContent()).resolves.not.toContain(people[key].name);
      });
    },
    120_000,
  );
});

describe('the menu on a phone', () => {
  it('folds away at 360 px and opens without JavaScript; on a wide screen it is always open', async () => {
    await journey.inContext({ viewport: PHONE, javaScriptEnabled: false }, async (watched) => {
      const { page } = watched;
      await journey.signIn(watched, people.hrOpd.email);
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
    });
  });
});

describe('a failed sign-in', () => {
  it('shows the same message for a wrong password and an unknown account, and the page passes the checks', async () => {
    await journey.inContext({}, async (watched) => {
      await journey.signIn(watched, people.learner.email, 'Salah#Sandi2026x');
      const alert = await watched.page.locator('main').textContent();
      expect(alert).toContain(idAuth.login.invalid);
      expect(await watched.page.inputValue('input[name=identifier]')).toBe(people.learner.email);
      expect(await watched.page.inputValue('input[name=password]')).toBe('');
      expect(await pageChecks(watched)).toEqual([]);

      await journey.signIn(watched, 'tidak.ada@e2e.pemkomedan.go.id', 'Salah#Sandi2026x');
      expect(await watched.page.locator('main').textContent()).toContain(idAuth.login.invalid);
    });
  });
});

describe('the language switch', () => {
  it('switches the login page to English and back', async () => {
    await journey.inContext({}, async (watched) => {
      const { page } = watched;
      await page.goto(`${journey.base}/login`);
      await expect(page.locator('h1').textContent()).resolves.toBe(idAuth.login.heading);
      await follow(page, 'form.language-switch button');
      expect(new URL(page.url()).pathname).toBe('/login');
      await expect(page.locator('h1').textContent()).resolves.toBe(enAuth.login.heading);
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
      expect(await pageChecks(watched)).toEqual([]);
      await follow(page, 'form.language-switch button');
      await expect(page.locator('h1').textContent()).resolves.toBe(idAuth.login.heading);
    });
  });

  it('remembers a signed-in person’s choice on their next sign-in from another browser', async () => {
    await journey.inContext({}, async (watched) => {
      await journey.signIn(watched, people.switcher.email);
      await follow(watched.page, 'form.language-switch button');
      await expect(watched.page.locator('html').getAttribute('lang')).resolves.toBe('en');
    });

    await journey.inContext({}, async (again) => {
      await journey.signIn(again, people.switcher.email);
      expect(new URL(again.page.url()).pathname).toBe('/');
      await expect(again.page.locator('html').getAttribute('lang')).resolves.toBe('en');
      expect(await pageChecks(again)).toEqual([]);
    });
  });
});
