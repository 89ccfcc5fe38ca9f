// The canonical form of a certificate's content: JSON with keys sorted at every level, dates as ISO
// strings, no whitespace. Ed25519 signs these bytes, so the same content always gives the same
// signature input wherever it is checked (the verification page, a re-rendered PDF, a test).
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const plain = value as Record<string, unknown>;
    if (typeof (plain as { toHexString?: unknown }).toHexString === 'function') return String(value);
    return Object.fromEntries(
      Object.keys(plain)
        .filter((k) => plain[k] !== undefined)
        .sort()
        .map((k) => [k, sortKeys(plain[k])]),
    );
  }
  return value;
}

export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}
