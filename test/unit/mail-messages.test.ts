// The mails themselves, without a database: each kind renders in both languages as text and HTML,
// names are escaped in HTML, fields outside a kind's allow-list never reach the mail, and the
// worker's retry delays grow from 30 s to at most an hour.
import { renderMessage, MESSAGE_KINDS } from '../../src/mail/messages';
import { retryDelayMs } from '../../src/mail/worker';
import { isoWeek } from '../../src/notifications/notifications.service';

const BASE = 'https://binaasn.pemkomedan.go.id';
const DATA: Record<string, unknown> = {
  invitation: { token: 'T'.repeat(43), expiresAt: new Date('2026-12-07T05:00:00Z') },
  passwordReset: { token: 'R'.repeat(43), minutes: 60 },
  assigned: { course: 'Literasi Digital', dueAt: new Date('2026-12-31T00:00:00Z'), href: '/kursus/ld' },
  dueSoon: { course: 'Literasi Digital', dueAt: new Date('2026-12-31T00:00:00Z') },
  overdue: { course: 'Literasi Digital', dueAt: new Date('2026-11-30T00:00:00Z') },
  completed: { course: 'Literasi Digital' },
  certificateReady: { course: 'Literasi Digital' },
  hrDigest: { opd: 'Disdukcapil', total: 3, rows: [{ person: 'Rina', course: 'LD', dueAt: new Date() }] },
};

describe('mail messages', () => {
  it.each(MESSAGE_KINDS.flatMap((kind) => (['id', 'en'] as const).map((lang) => [kind, lang] as const)))(
    '%s in %s renders text and HTML with the greeting, a translated subject and links from BASE_URL',
    async (kind, language) => {
      const mail = await renderMessage(kind, DATA[kind], { name: 'Rina Sembiring', language }, BASE);
      expect(mail.subject).not.toMatch(/^mail\./);
      expect(mail.text).toContain(language === 'id' ? 'Yth. Rina Sembiring,' : 'Dear Rina Sembiring,');
      expect(mail.text).toContain(BASE);
      expect(mail.text).not.toMatch(/mail\.[a-zA-Z]+\./); // no untranslated key
      expect(mail.html).toContain(`<html lang="${language}">`);
      expect(mail.html).toContain(`<title>${mail.subject}</title>`);
    },
  );

  it('puts the link of an invitation in both bodies and escapes a hostile name in HTML only', async () => {
    const name = 'Budi "><img src=x onerror=alert(1)> & Co';
    const mail = await renderMessage('invitation', DATA.invitation, { name, language: 'id' }, BASE);
    expect(mail.text).toContain(`${BASE}/atur-sandi/${'T'.repeat(43)}`);
    expect(mail.text).toContain(`Yth. ${name},`);
    expect(mail.html).toContain(`href="${BASE}/atur-sandi/${'T'.repeat(43)}"`);
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; Co');
  });

  it("drops fields outside a kind's allow-list (a NIP, a score)", async () => {
    const data = {
      opd: 'Disdukcapil',
      total: 1,
      rows: [{ person: 'Rina', course: 'LD', dueAt: new Date(), nip: '199001012015031001', score: 87 }],
      nip: '199001012015031001',
    };
    const mail = await renderMessage('hrDigest', data, { name: 'HR', language: 'id' }, BASE);
    for (const body of [mail.text, mail.html]) {
      expect(body).not.toContain('199001012015031001');
      expect(body).not.toContain('87');
    }
  });

  it('refuses data that does not fit the kind', async () => {
    await expect(
      renderMessage('dueSoon', { course: 'X' }, { name: 'A', language: 'id' }, BASE),
    ).rejects.toThrow();
  });
});

describe('the retry delays and the digest week', () => {
  it('double from 30 seconds and stop growing at one hour', () => {
    expect([1, 2, 3, 4, 7, 8, 20].map(retryDelayMs)).toEqual([
      30_000, 60_000, 120_000, 240_000, 1_920_000, 3_600_000, 3_600_000,
    ]);
  });

  it('names ISO weeks across a year end', () => {
    expect(isoWeek(new Date('2026-11-30T10:00:00Z'))).toBe('2026-W49');
    expect(isoWeek(new Date('2027-01-01T10:00:00Z'))).toBe('2026-W53');
    expect(isoWeek(new Date('2027-01-04T10:00:00Z'))).toBe('2027-W01');
  });
});
