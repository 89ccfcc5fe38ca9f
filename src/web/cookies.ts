// Reading cookies that the app set itself (language, anonymous CSRF token). A cookie is whatever
// the browser, or an attacker, sends: a value that is not valid percent-encoding counts as no
// cookie at all, never as an error (a thrown URIError here used to turn every page into a 500).
import type { Request } from 'express';

/** Decodes a cookie value; undefined when it is not valid percent-encoded UTF-8. */
export function decodeCookieValue(raw: string): string | undefined {
  const value = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** The first cookie of this name in the request, decoded; undefined when absent or malformed. */
export function cookieValue(req: Pick<Request, 'headers'>, name: string): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string' || header === '') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeCookieValue(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * The language cookie's name: with `Secure` cookies it carries the `__Host-` prefix, so no
 * sibling site or plain-HTTP page can plant it (the browser accepts it only from this host, over
 * HTTPS, for path `/`).
 */
export function languageCookieName(secureCookies: boolean): string {
  return secureCookies ? '__Host-binaasn.lang' : 'binaasn.lang';
}
