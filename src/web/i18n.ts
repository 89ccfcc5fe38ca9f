// Translations with i18next. Each feature owns its catalogs: src/locales/<lang>/<feature>.json,
// merged under the file name, so t('users.list.title') reads users.json key `list.title`.
import fs from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction, type i18n as I18n } from 'i18next';
import type { NextFunction, Request, Response } from 'express';
import { LANGUAGES, type Language } from '../core/roles';
import { cookieValue, languageCookieName } from './cookies';

export { LANGUAGES, type Language };
const DEFAULT_LANGUAGE: Language = 'id';

const LOCALES_DIR = path.join(__dirname, '..', 'locales');

function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Reads every catalog file of every language: { id: { users: {...}, auth: {...} }, en: {...} }. */
/* eslint-disable security/detect-non-literal-fs-filename -- paths are built from the locales folder and the fixed language list */
export function readCatalogs(dir = LOCALES_DIR): Record<Language, Record<string, unknown>> {
  const catalogs = { id: {}, en: {} } as Record<Language, Record<string, unknown>>;
  for (const lang of LANGUAGES) {
    const langDir = path.join(dir, lang);
    if (!fs.existsSync(langDir)) continue;
    for (const file of fs
      .readdirSync(langDir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      catalogs[lang][path.basename(file, '.json')] = JSON.parse(
        fs.readFileSync(path.join(langDir, file), 'utf8'),
      );
    }
  }
  return catalogs;
}
/* eslint-enable security/detect-non-literal-fs-filename */

let shared: I18n | undefined;

/** One i18next instance per process, initialised synchronously from the catalog files. */
function getI18n(): I18n {
  if (shared) return shared;
  const catalogs = readCatalogs();
  const instance = i18next.createInstance();
  void instance.init({
    initAsync: false,
    lng: DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: [...LANGUAGES],
    resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: catalogs[l] }])),
    interpolation: { escapeValue: false }, // EJS escapes on output (<%= %>)
    returnNull: false,
  });
  shared = instance;
  return instance;
}

const translators = new Map<Language, TFunction>();

/**
 * The translator of a language. Catalogs never change while the process runs, so a key asked for
 * without options (most of a page's texts) is looked up in i18next once and then remembered;
 * calls with options (interpolation, plurals) go to i18next every time.
 */
export function translatorFor(lang: Language): TFunction {
  const known = translators.get(lang);
  if (known) return known;
  const fixed = getI18n().getFixedT(lang);
  const plain = new Map<string, string>();
  const t = ((key: unknown, ...rest: unknown[]) => {
    if (rest.length > 0 || typeof key !== 'string')
      return (fixed as unknown as (...args: unknown[]) => unknown)(key, ...rest);
    let text = plain.get(key);
    if (text === undefined) {
      text = String(fixed(key));
      plain.set(key, text);
    }
    return text;
  }) as unknown as TFunction;
  translators.set(lang, t);
  return t;
}

/** The language cookie's name for this app (`app.set('languageCookie', ...)` in createApp). */
function languageCookieOf(req: Request): string {
  const name: unknown = req.app?.get('languageCookie');
  return typeof name === 'string' ? name : languageCookieName(false);
}

/** The language of this request: the signed-in person's, else the session's or cookie's, else `id`. */
export function languageOf(req: Request): Language {
  if (req.user && isLanguage(req.user.language)) return req.user.language;
  const fromSession = req.session?.language;
  if (isLanguage(fromSession)) return fromSession;
  const fromCookie = cookieValue(req, languageCookieOf(req));
  return isLanguage(fromCookie) ? fromCookie : DEFAULT_LANGUAGE;
}

/** Sets req.t / req.lang and res.locals.t / res.locals.lang; runs after the user is known. */
export function i18nMiddleware(req: Request, res: Response, next: NextFunction): void {
  const lang = languageOf(req);
  const t = translatorFor(lang);
  req.lang = lang;
  req.t = t;
  res.locals.lang = lang;
  res.locals.t = t;
  next();
}
