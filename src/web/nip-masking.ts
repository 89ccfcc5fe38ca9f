// NIPs never reach the logs whole (SECURITY.md): a NIP holds a birth date and sex. The app
// accepts a NIP with any spaces, dots or dashes between its 18 digits (`19910211 201703 1 001`,
// `19910211.201703.1.001`), and in a URL those spaces arrive as `+`, `%20` or percent-encoded
// digits; all of them are masked here, as is a NIP glued to a letter (`199102112017031001a`).
// Any run of 18 or more digits with such separators keeps its first 8 and last 2 digits only.

/** 18+ digits, each pair separated by nothing or by spaces (any Unicode space), dots, dashes or `+`. */
// Linear: separators and digits are disjoint classes, so each repetition has one way to match, and a
// run that fails holds fewer than 18 digits.
// eslint-disable-next-line security/detect-unsafe-regex
const DIGIT_RUN = /(?<!\d)\d(?:[\s.+-]*\d){17,}(?!\d)/g;

function maskRun(run: string): string {
  const digits = run.replace(/\D/g, '');
  return `${digits.slice(0, 8)}${'*'.repeat(digits.length - 10)}${digits.slice(-2)}`;
}

/** Masks every NIP-like run of digits in a piece of text (error messages, decoded URL parts). */
export function maskNipsInText(text: string): string {
  return text.replace(DIGIT_RUN, maskRun);
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * A URL for the logs: each path segment and query key and value is decoded the way the app
 * decodes it (`+` is a space in the query), masked, and encoded again. A part whose masking
 * changed nothing keeps its original spelling.
 */
export function maskNipsInUrl(url: string): string {
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const query = queryAt < 0 ? undefined : url.slice(queryAt + 1);
  const maskedPath = path
    .split('/')
    .map((segment) => {
      const decoded = decodePathSegment(segment);
      const masked = maskNipsInText(decoded);
      return masked === decoded ? maskNipsInText(segment) : encodeURIComponent(masked);
    })
    .join('/');
  if (query === undefined) return maskedPath;
  const maskedQuery = query
    .split('&')
    .map((pair) => {
      const params = new URLSearchParams(pair);
      const entries = [...params];
      const masked: [string, string][] = entries.map(([k, v]) => [maskNipsInText(k), maskNipsInText(v)]);
      const changed = masked.some(([k, v], i) => k !== entries[i][0] || v !== entries[i][1]);
      return changed ? new URLSearchParams(masked).toString() : maskNipsInText(pair);
    })
    .join('&');
  return `${maskedPath}?${maskedQuery}`;
}
