// Issue #9 follow-ups: the second factor's secrets at rest (sealed TOTP secret, legacy plain secrets
// sealed or refused cleanly), nothing secret in logs or later pages, no state change on GET, and the
// code step rate-limited like the password (per account and per IP).
import { Writable } from 'node:stream';
import { createApp } from '../../src/app';
import { sealPlainSecrets } from '../../src/mfa/mfa.service';
import { generateTotpSecret, totpCode } from '../../src/mfa/totp';
import { hashRecoveryCode, mfaKeys, openSecret, sealSecret } from '../../src/mfa/mfa-crypto';
import { User } from '../../src/users/user.model';
import { createLogger } from '../../src/web/logging';
import { csrfToken, halfSignedAgent, postMfaCode, signedInAgent } from '../support/auth';
import { createTestApp, type TestApp } from '../support/app';
import { createUser, DEFAULT_PASSWORD } from '../support/factories';

let t: TestApp;
let keys: ReturnType<typeof mfaKeys>;

beforeAll(async () => {
  t = await createTestApp({ env: { MFA_REQUIRED: 'true', LOGIN_MAX_FAILURES: '5' } });
  keys = mfaKeys(t.config.mfaEncryptionKey);
});
afterAll(async () => t.close());

/** Every stored document of a collection, as plain JSON (to compare before and after). */
async function snapshot(collection: string): Promise<unknown> {
  return JSON.parse(
    JSON.stringify(await t.db.connection.collection(collection).find({}).sort({ _id: 1 }).toArray()),
  );
}

/** An enrolled second factor stored as enrolment stores it (sealed secret, peppered recovery hashes). */
async function withSecondFactor(user: { _id: unknown }, recoveryCodes: string[] = []): Promise<string> {
  const secret = generateTotpSecret();
  const mfa = {
    enabled: true,
    secret: sealSecret(keys, String(user._id), 'enrolled', secret),
    recoveryCodeHashes: recoveryCodes.map((c) => hashRecoveryCode(keys, c)),
  };
  await User.updateOne({ _id: user._id }, { $set: { mfa } });
  return secret;
}

/** An app on the same database whose log lines are kept in memory (at trace level: everything). */
function loggedApp() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const app = createApp({
    config: t.config,
    db: t.db,
    clock: t.clock,
    logger: createLogger('trace', destination),
  });
  return { app, log: () => lines.join('') };
}

describe('GET pages of the second factor', () => {
  it('change nothing in the users collection: the pending secret lives, sealed, in the session only', async () => {
    const admin = await createUser({ roles: ['admin'], email: 'get.enrol@uji.go.id' });
    const agent = await signedInAgent(t.app, 'get.enrol@uji.go.id', DEFAULT_PASSWORD);
    const before = await snapshot('users');
    const first = await agent.get('/account/mfa');
    const again = await agent.get('/account/mfa');
    expect(first.status).toBe(200);
    const secretOf = (html: string) => /<code class="secret">([A-Z2-7]+)<\/code>/.exec(html)![1];
    expect(secretOf(again.text)).toBe(secretOf(first.text)); // a reload shows the same pending secret
    expect(await snapshot('users')).toEqual(before);
    const sessions = JSON.stringify(await snapshot('sessions'));
    expect(sessions).toContain('mfaPendingSecret');
    expect(sessions).not.toContain(secretOf(first.text));
    expect((await User.findById(admin._id).lean())?.mfa).toEqual({ enabled: false, recoveryCodeHashes: [] });
  });

  it('change nothing for an enrolled person either (setup page, code page, admin page), and never show the secret again', async () => {
    const curator = await createUser({ roles: ['curator'], email: 'get.enrolled@uji.go.id' });
    const secret = await withSecondFactor(curator, ['aaaa-bbbb-cccc-dddd']);
    const waiting = await halfSignedAgent(t.app, 'get.enrolled@uji.go.id', DEFAULT_PASSWORD);
    t.clock.advance(30_000);
    const beforeUsers = await snapshot('users');
    const beforeThrottle = await snapshot('loginthrottles');
    expect((await waiting.get('/login/mfa')).status).toBe(200);
    expect((await waiting.get('/login/mfa')).status).toBe(200);
    expect(await snapshot('users')).toEqual(beforeUsers);
    expect(await snapshot('loginthrottles')).toEqual(beforeThrottle);

    expect((await postMfaCode(waiting, totpCode(secret, t.clock()))).status).toBe(302);
    const afterSignIn = await snapshot('users'); // the POST used a step: that is the one change
    for (const path of ['/account/mfa', '/data-saya', '/data-saya/unduh', `/admin/mfa/${curator._id}`, '/']) {
      const res = await waiting.get(path);
      expect([path, res.text.includes(secret), res.text.includes('v1:')]).toEqual([path, false, false]);
    }
    expect((await waiting.get('/account/mfa')).text).not.toContain('class="secret"');
    expect(await snapshot('users')).toEqual(afterSignIn);
  });
});

describe('secrets at rest', () => {
  it('seals a legacy plain secret on its first use, and seals the rest at start-up', async () => {
    const hr = await createUser({ roles: ['hr'], email: 'legacy@uji.go.id' });
    const other = await createUser({ roles: ['hr'], email: 'legacy.other@uji.go.id' });
    const broken = await createUser({ roles: ['hr'], email: 'legacy.broken@uji.go.id' });
    const secret = generateTotpSecret();
    const otherSecret = generateTotpSecret();
    await User.updateOne(
      { _id: hr._id },
      { $set: { mfa: { enabled: true, secret, recoveryCodeHashes: [] } } },
    );
    await User.updateOne(
      { _id: other._id },
      { $set: { mfa: { enabled: true, secret: otherSecret, recoveryCodeHashes: [] } } },
    );
    await User.updateOne(
      { _id: broken._id },
      { $set: { mfa: { enabled: true, secret: 'not a secret', recoveryCodeHashes: [] } } },
    );

    t.clock.advance(30_000);
    const agent = await halfSignedAgent(t.app, 'legacy@uji.go.id', DEFAULT_PASSWORD);
    expect((await postMfaCode(agent, totpCode(secret, t.clock()))).status).toBe(302);
    const stored = (await User.findById(hr._id).lean())!.mfa!.secret!;
    expect(stored).toMatch(/^v1:/);
    expect(openSecret(keys, String(hr._id), 'enrolled', stored)).toBe(secret);

    expect(await sealPlainSecrets(keys)).toEqual({ sealed: 1, unusable: 1 });
    expect(
      openSecret(keys, String(other._id), 'enrolled', (await User.findById(other._id).lean())!.mfa!.secret!),
    ).toBe(otherSecret);
    expect(await sealPlainSecrets(keys)).toEqual({ sealed: 0, unusable: 1 });
  });

  it('refuses cleanly a secret that does not open (another key, or copied from another person), and says so in the log', async () => {
    const { app, log } = loggedApp();
    const victim = await createUser({ roles: ['admin'], email: 'copied.to@uji.go.id' });
    const source = await createUser({ roles: ['admin'], email: 'copied.from@uji.go.id' });
    const secret = await withSecondFactor(source);
    const sealedForSource = (await User.findById(source._id).lean())!.mfa!.secret!;
    await User.updateOne(
      { _id: victim._id },
      { $set: { mfa: { enabled: true, secret: sealedForSource, recoveryCodeHashes: [] } } },
    );
    t.clock.advance(30_000);
    const agent = await halfSignedAgent(app, 'copied.to@uji.go.id', DEFAULT_PASSWORD);
    const refused = await postMfaCode(agent, totpCode(secret, t.clock()));
    expect(refused.status).toBe(401);
    expect(refused.text).toContain('Kode verifikasi salah atau sudah dipakai.');
    expect(log()).toContain('"security":"mfa.secretUnreadable"');
    expect((await User.findById(victim._id).lean())!.mfa!.secret).toBe(sealedForSource);

    const otherKey = mfaKeys(Buffer.alloc(32, 9));
    await User.updateOne(
      { _id: victim._id },
      { $set: { 'mfa.secret': sealSecret(otherKey, String(victim._id), 'enrolled', secret) } },
    );
    expect((await postMfaCode(agent, totpCode(secret, t.clock()))).status).toBe(401);
  });

  it('keeps the secret, the recovery codes and the codes typed out of every log line', async () => {
    const { app, log } = loggedApp();
    await createUser({ roles: ['admin'], email: 'logs@uji.go.id' });
    const agent = await signedInAgent(app, 'logs@uji.go.id', DEFAULT_PASSWORD);
    const page = await agent.get('/account/mfa');
    const secret = /<code class="secret">([A-Z2-7]+)<\/code>/.exec(page.text)![1];
    const firstCode = totpCode(secret, t.clock());
    const confirmed = await agent
      .post('/account/mfa/confirm')
      .type('form')
      .send({ _csrf: await csrfToken(agent, '/account/mfa'), code: firstCode, password: DEFAULT_PASSWORD });
    expect(confirmed.status).toBe(200);
    expect(confirmed.headers['cache-control']).toBe('no-store');
    const recoveryCodes = [...confirmed.text.matchAll(/<li><code>([0-9a-f-]{19})<\/code><\/li>/g)].map(
      (m) => m[1],
    );
    expect(recoveryCodes).toHaveLength(10);

    const browser = await halfSignedAgent(app, 'logs@uji.go.id', DEFAULT_PASSWORD);
    expect((await postMfaCode(browser, '999999')).status).toBe(401);
    expect((await postMfaCode(browser, recoveryCodes[0])).status).toBe(302);
    const again = await halfSignedAgent(app, 'logs@uji.go.id', DEFAULT_PASSWORD);
    t.clock.advance(30_000);
    const secondCode = totpCode(secret, t.clock());
    expect((await postMfaCode(again, secondCode)).status).toBe(302);

    const text = log();
    expect(text).toContain('"security":"mfa.enabled"');
    expect(text).toContain('"security":"login.mfaFailed"');
    expect(text).toContain('"mfa":"recovery"');
    const sealed = (await User.findById(
      (await User.findOne({ email: 'logs@uji.go.id' }).lean())!._id,
    ).lean())!.mfa!.secret!;
    for (const needle of [
      secret,
      sealed.slice(3, 40),
      firstCode,
      secondCode,
      '999999',
      ...recoveryCodes,
      ...recoveryCodes.map((c) => c.replace(/-/g, '')),
    ]) {
      expect([needle, text.includes(needle)]).toEqual([needle, false]);
    }
    // and the sessions store neither the secret nor a recovery code once enrolment is done
    const sessions = JSON.stringify(await snapshot('sessions'));
    for (const needle of [secret, ...recoveryCodes]) expect(sessions.includes(needle)).toBe(false);
  });
});

describe('the code step under attack', () => {
  it('locks the account after N wrong codes; then neither a right code nor a recovery code gets in, from any browser', async () => {
    const admin = await createUser({ roles: ['admin'], email: 'brute@uji.go.id' });
    const secret = await withSecondFactor(admin, ['1111-2222-3333-4444']);
    const agent = await halfSignedAgent(t.app, 'brute@uji.go.id', DEFAULT_PASSWORD);
    for (let i = 1; i <= 4; i++) expect((await postMfaCode(agent, String(100000 + i))).status).toBe(401);
    const locked = await postMfaCode(agent, '100005');
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('dikunci sementara; coba lagi dalam 15 menit');
    t.clock.advance(30_000);
    expect((await postMfaCode(agent, totpCode(secret, t.clock()))).status).toBe(429);
    expect((await postMfaCode(agent, '1111-2222-3333-4444')).status).toBe(429);
    const other = await halfSignedAgent(t.app, 'brute@uji.go.id', DEFAULT_PASSWORD);
    expect((await postMfaCode(other, totpCode(secret, t.clock()))).status).toBe(429);
    const saved = await User.findById(admin._id).lean();
    expect(saved?.mfa?.recoveryCodeHashes).toEqual([hashRecoveryCode(keys, '1111-2222-3333-4444')]); // not used up while locked
    expect(saved?.mfa?.lastUsedStep).toBeUndefined();
    expect(
      await t.db.connection.collection('loginthrottles').findOne({ _id: `acct:mfa:${admin._id}` as never }),
    ).toMatchObject({ count: 8, lockedUntil: expect.any(Date) }); // 5 checked + 3 refused unchecked
  });

  it('checks at most N codes per lock, even when the guesses arrive all at once', async () => {
    const { app, log } = loggedApp();
    const admin = await createUser({ roles: ['admin'], email: 'parallel@uji.go.id' });
    await withSecondFactor(admin);
    const agent = await halfSignedAgent(app, 'parallel@uji.go.id', DEFAULT_PASSWORD);
    const token = await csrfToken(agent, '/login/mfa');
    const guesses = Array.from({ length: 20 }, (_, i) => String(300000 + i));
    const statuses = await Promise.all(
      guesses.map((code) =>
        agent
          .post('/login/mfa')
          .type('form')
          .send({ _csrf: token, code })
          .then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 401)).toHaveLength(4); // the 5th counted attempt locks; the rest are refused unchecked
    expect(statuses.filter((s) => s === 429)).toHaveLength(16);
    // Codes actually checked: each logs mfaFailed or mfaLockout; the others were refused unchecked.
    const checked = log().match(/"security":"login\.mfa(Failed|Lockout)"/g) ?? [];
    expect(checked).toHaveLength(5);
    expect(log().match(/"security":"login\.mfaLocked"/g)).toHaveLength(15);
  });

  it('locks turning the second factor off after N wrong password-or-code attempts', async () => {
    const learner = await createUser({ roles: ['learner'], email: 'disable.guess@uji.go.id' });
    const agent = await signedInAgent(t.app, 'disable.guess@uji.go.id', DEFAULT_PASSWORD);
    const secret = await withSecondFactor(learner);
    const disable = async (password: string, code: string) =>
      agent
        .post('/account/mfa/disable')
        .type('form')
        .send({ _csrf: await csrfToken(agent, '/account/mfa'), password, code });
    for (let i = 1; i <= 5; i++) {
      const refused = await disable(`Salah-${i}-Sandi!`, totpCode(secret, t.clock()));
      expect([i, refused.status, refused.text.includes('Kata sandi atau kode verifikasi salah.')]).toEqual([
        i,
        422,
        true,
      ]);
    }
    t.clock.advance(30_000);
    expect((await disable(DEFAULT_PASSWORD, totpCode(secret, t.clock()))).status).toBe(429);
    expect((await User.findById(learner._id).lean())?.mfa?.enabled).toBe(true);
    t.clock.advance(16 * 60_000);
    const allowed = await disable(DEFAULT_PASSWORD, totpCode(secret, t.clock()));
    expect(allowed.status).toBe(302);
    expect((await User.findById(learner._id).lean())?.mfa).toEqual({
      enabled: false,
      recoveryCodeHashes: [],
    });
  });

  it('counts code attempts against the per-IP budget of the password form', async () => {
    t.clock.advance(16 * 60_000); // a fresh window for this IP
    const config = { ...t.config, login: { ...t.config.login, maxFailures: 1000, ipMaxAttempts: 10 } };
    const app = createApp({ config, db: t.db, clock: t.clock });
    const admin = await createUser({ roles: ['admin'], email: 'ip.budget@uji.go.id' });
    const secret = await withSecondFactor(admin);
    const agent = await halfSignedAgent(app, 'ip.budget@uji.go.id', DEFAULT_PASSWORD); // 1 of 10
    for (let i = 2; i <= 10; i++) expect((await postMfaCode(agent, String(200000 + i))).status).toBe(401);
    const limited = await postMfaCode(agent, totpCode(secret, t.clock()));
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('Terlalu banyak percobaan masuk dari alamat ini.');
    expect((await User.findById(admin._id).lean())?.mfa?.lastUsedStep).toBeUndefined();
    t.clock.advance(16 * 60_000);
  });
});
