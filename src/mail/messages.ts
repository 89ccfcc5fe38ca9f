// What each kind of mail says, composed from the recipient's language catalog (src/locales/*/mail.json)
// and rendered through two EJS templates (views/mail/message.{text,html}.ejs): plain text and simple
// accessible HTML. Each kind takes only the fields listed in its schema: a NIP or a score handed in
// by a caller is dropped, so it cannot reach a mail (SECURITY.md, personal data in mail).
import path from 'node:path';
import ejs from 'ejs';
import { z } from 'zod';
import type { Language } from '../core/roles';
import { formatDateTimeWib, formatDateWib } from '../core/wib';
import { translatorFor } from '../web/i18n';

const VIEWS = path.join(__dirname, '..', '..', 'views', 'mail');

const text = z.string().max(300);
const course = z.object({ course: text, href: z.string().startsWith('/').max(300).optional() });
const courseDue = course.extend({ dueAt: z.coerce.date() });

export const MESSAGE_DATA = {
  invitation: z.object({ token: z.string(), expiresAt: z.coerce.date() }),
  passwordReset: z.object({ token: z.string(), minutes: z.number().int() }),
  assigned: course.extend({ dueAt: z.coerce.date().optional() }),
  dueSoon: courseDue,
  overdue: courseDue,
  completed: course,
  certificateReady: course,
  hrDigest: z.object({
    opd: text,
    total: z.number().int().min(0),
    // Names and courses only: no NIP, no score (the mail goes to HR, not to the people listed).
    rows: z.array(z.object({ person: text, course: text, dueAt: z.coerce.date() })).max(50),
  }),
} as const;

export type MessageKind = keyof typeof MESSAGE_DATA;
export type MessageData<K extends MessageKind> = z.input<(typeof MESSAGE_DATA)[K]>;
export const MESSAGE_KINDS = Object.keys(MESSAGE_DATA) as MessageKind[];

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

interface Content {
  paragraphs: string[];
  rows?: string[][];
  action?: { label: string; href: string };
  notes?: string[];
  /** Notices the person can turn off link to their notification settings. */
  isSwitchable?: boolean;
}

type T = ReturnType<typeof translatorFor>;

function contentOf(kind: MessageKind, raw: unknown, t: T, lang: Language, baseUrl: string): Content {
  const date = (d: Date) => formatDateWib(d, lang);
  const courseLink = (d: { href?: string }) => ({
    label: t('mail.common.openCourse'),
    href: baseUrl + (d.href ?? '/'),
  });
  switch (kind) {
    case 'invitation': {
      const d = MESSAGE_DATA.invitation.parse(raw);
      return {
        paragraphs: [
          t('mail.invitation.body'),
          t('mail.invitation.expires', { date: formatDateTimeWib(d.expiresAt, lang) }),
        ],
        action: { label: t('mail.invitation.action'), href: `${baseUrl}/atur-sandi/${d.token}` },
        notes: [t('mail.invitation.ignore')],
      };
    }
    case 'passwordReset': {
      const d = MESSAGE_DATA.passwordReset.parse(raw);
      return {
        paragraphs: [t('mail.passwordReset.body'), t('mail.passwordReset.expires', { minutes: d.minutes })],
        action: { label: t('mail.passwordReset.action'), href: `${baseUrl}/atur-sandi/${d.token}` },
        notes: [t('mail.passwordReset.ignore')],
      };
    }
    case 'assigned': {
      const d = MESSAGE_DATA.assigned.parse(raw);
      const due = d.dueAt ? t('mail.assigned.due', { date: date(d.dueAt) }) : t('mail.assigned.noDue');
      return {
        paragraphs: [t('mail.assigned.body', { course: d.course }), due],
        action: courseLink(d),
        isSwitchable: true,
      };
    }
    case 'dueSoon':
    case 'overdue': {
      const d = MESSAGE_DATA[kind].parse(raw);
      return {
        paragraphs: [t(`mail.${kind}.body`, { course: d.course, date: date(d.dueAt) })],
        action: courseLink(d),
        isSwitchable: true,
      };
    }
    case 'completed':
    case 'certificateReady': {
      const d = MESSAGE_DATA[kind].parse(raw);
      return {
        paragraphs: [t(`mail.${kind}.body`, { course: d.course })],
        action: courseLink(d),
        isSwitchable: true,
      };
    }
    case 'hrDigest': {
      const d = MESSAGE_DATA.hrDigest.parse(raw);
      return {
        paragraphs: [t('mail.hrDigest.body', { opd: d.opd, count: d.total })],
        rows: d.rows.map((r) => [r.person, r.course, t('mail.hrDigest.dueOn', { date: date(r.dueAt) })]),
        notes: d.total > d.rows.length ? [t('mail.hrDigest.more', { count: d.total - d.rows.length })] : [],
        action: { label: t('mail.hrDigest.action'), href: `${baseUrl}/` },
        isSwitchable: true,
      };
    }
  }
}

/** The subject, text and HTML of a mail of this kind to `name`, in their language, with links from baseUrl. */
export async function renderMessage(
  kind: MessageKind,
  data: unknown,
  recipient: { name: string; language: Language },
  baseUrl: string,
): Promise<RenderedMail> {
  const lang = recipient.language;
  const t = translatorFor(lang);
  const content = contentOf(kind, data, t, lang, baseUrl);
  const subject = t(`mail.${kind}.subject`);
  const locals = {
    t,
    lang,
    subject,
    baseUrl,
    greeting: t('mail.common.greeting', { name: recipient.name }),
    paragraphs: content.paragraphs,
    rows: content.rows ?? [],
    action: content.action,
    notes: content.notes ?? [],
    settingsHref: content.isSwitchable ? `${baseUrl}/akun/notifikasi` : undefined,
  };
  const [textBody, html] = await Promise.all([
    ejs.renderFile(path.join(VIEWS, 'message.text.ejs'), locals, { cache: true }),
    ejs.renderFile(path.join(VIEWS, 'message.html.ejs'), locals, { cache: true }),
  ]);
  return { subject, text: textBody.replace(/\n{3,}/g, '\n\n').trim() + '\n', html };
}
