// Searching stored text for what a person typed: the text is matched literally (every regex
// character escaped), case-insensitively. One place, so no feature builds a regex from input itself.

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Matches values that contain the text. */
export function containing(text: string): RegExp {
  // eslint-disable-next-line security/detect-non-literal-regexp -- escaped: a literal match
  return new RegExp(escapeRegex(text), 'i');
}

/** Matches values that start with the text. */
export function startingWith(text: string): RegExp {
  // eslint-disable-next-line security/detect-non-literal-regexp -- escaped: a literal prefix
  return new RegExp(`^${escapeRegex(text)}`, 'i');
}
