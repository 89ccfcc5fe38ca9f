// Where to go after a form (sign-in, privacy notice, language): only a same-origin path, never
// another site (no open redirect).

/** A returnTo target is kept only when it is a same-origin relative path. */
export function safeReturnTo(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length > 1000) return fallback;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  if (/[\u0000-\u001f\\]/.test(value)) return fallback;
  return value;
}
