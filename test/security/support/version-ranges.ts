// A small semver range matcher for the known-bad list: `<8.9.5`, `>=6.0.0 <6.11.3`, `a || b`, `*`.
// Pre-releases sort before their release (5.0.0-beta.1 < 5.0.0), as in semver.
type Parsed = { nums: [number, number, number]; pre: string[] };

function parse(version: string): Parsed {
  // eslint-disable-next-line security/detect-unsafe-regex -- anchored, no nested repetition over the same characters; input is the lockfile's
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$/.exec(version.trim());
  if (!match) throw new Error(`not a version: ${version}`);
  return {
    nums: [Number(match[1]), Number(match[2]), Number(match[3])],
    pre: match[4] ? match[4].split('.') : [],
  };
}

export function compareVersions(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if (x.nums[i] !== y.nums[i]) return x.nums[i] < y.nums[i] ? -1 : 1;
  if (x.pre.length === 0 || y.pre.length === 0)
    return x.pre.length === y.pre.length ? 0 : x.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) return Number(p) < Number(q) ? -1 : 1;
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

function satisfiesComparator(version: string, comparator: string): boolean {
  if (comparator === '*' || comparator === '') return true;
  const match = /^(<=|>=|<|>|=)?(.+)$/.exec(comparator);
  if (!match) throw new Error(`bad comparator: ${comparator}`);
  const c = compareVersions(version, match[2]);
  switch (match[1] ?? '=') {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    default:
      return c === 0;
  }
}

/** Whether `version` falls in `range`. */
export function satisfies(version: string, range: string): boolean {
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .split(/\s+/)
      .every((comparator) => satisfiesComparator(version, comparator)),
  );
}
