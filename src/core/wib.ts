// Dates as people in Medan read them: calendar days and times in WIB (Asia/Jakarta, UTC+7, no
// daylight saving), stored as UTC instants. For services, schemas and (through view-locals) views.
import type { Language } from './roles';

const OFFSET = '+07:00';

/** Whether a YYYY-MM-DD text names a real calendar day. */
export function isCalendarDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const date = new Date(`${day}T00:00:00${OFFSET}`);
  return !Number.isNaN(date.getTime()) && wibDay(date) === day;
}

/** The start of a WIB calendar day (YYYY-MM-DD), as a UTC instant. */
export function startOfDayWib(day: string): Date {
  return new Date(`${day}T00:00:00${OFFSET}`);
}

/** The exclusive end of a WIB calendar day: the start of the next one. */
export function endOfDayWib(day: string): Date {
  return new Date(startOfDayWib(day).getTime() + 24 * 3_600_000);
}

// Made once: building an Intl.DateTimeFormat costs far more than formatting with it, and wibDay
// runs for every row of the dashboards and every completion.
const DAY_FORMAT = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' });

/** The WIB calendar day (YYYY-MM-DD) of an instant. */
export function wibDay(date: Date): string {
  return DAY_FORMAT.format(date);
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(language: Language, options: Intl.DateTimeFormatOptions, key: string): Intl.DateTimeFormat {
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'id-ID', {
      ...options,
      timeZone: 'Asia/Jakarta',
    });
    formats.set(key, format);
  }
  return format;
}

/** A date in WIB in the person's language, e.g. "30 Nov 2026"; empty for none. */
export function formatDateWib(date: Date | string | null | undefined, language: Language): string {
  if (!date) return '';
  return formatIn(language, { dateStyle: 'medium' }, `${language}:d`).format(new Date(date));
}

/** Date and time in WIB in the person's language, e.g. "30 Nov 2026 14.05"; empty for none. */
export function formatDateTimeWib(
  date: Date | string | null | undefined,
  language: Language,
  options: { seconds?: boolean } = {},
): string {
  if (!date) return '';
  const timeStyle = options.seconds ? 'medium' : 'short';
  return formatIn(language, { dateStyle: 'medium', timeStyle }, `${language}:${timeStyle}`).format(
    new Date(date),
  );
}
