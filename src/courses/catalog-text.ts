// The catalog's text index, in memory: built with the cached catalog (courses.catalog.ts) and
// rebuilt whenever it is, so a search costs no database round trip. It follows the rules of the
// catalog's `$text` index (catalog_text in catalog-entry.model.ts, language 'none') as the embedded
// engine applies them: words are runs of letters and digits; case and diacritics are ignored
// ("Pelayanan" = "pelayanan", "é" = "e"); no stemming and no stop words; the terms are OR-ed, every
// "quoted phrase" is required and a -term excludes an entry. The score is the engine's textScore,
// to the bit: per field value, weight × hits ÷ max(1, words ÷ 2), summed in the index's field
// order, so the relevance order is the one `$text` gave (a test compares both on every query).
import { CATALOG_TEXT_WEIGHTS } from './catalog-entry.model';

interface FieldText {
  /** The value, normalised (a phrase is looked for in it). */
  text: string;
  /** How often each word occurs in it. */
  counts: ReadonlyMap<string, number>;
  words: number;
  weight: number;
}

interface IndexedEntry<T> {
  entry: T;
  fields: readonly FieldText[];
  /** Every word of every field (a -term excludes the entry). */
  vocabulary: ReadonlySet<string>;
  /** The field values joined as the engine joins them (a phrase must occur somewhere). */
  joined: string;
}

export type CatalogTextFields = { [K in keyof typeof CATALOG_TEXT_WEIGHTS]: string | readonly string[] };

/** Lower case without diacritics (NFD, combining marks removed), as the text index compares. */
export function normaliseText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

const wordsOf = (s: string) => s.split(/[^\p{L}\p{N}]+/u).filter(Boolean);

interface ParsedSearch {
  terms: ReadonlySet<string>;
  phrases: readonly string[];
  negated: readonly string[];
}

/** `$search` syntax: "phrases" (required), -words (excluded), the other words (any of them). */
export function parseSearch(search: string): ParsedSearch {
  const phrases: string[] = [];
  const rest = normaliseText(search).replace(/"([^"]*)"/g, (_, p: string) => {
    if (p.trim()) phrases.push(p.trim());
    return ' ';
  });
  const terms: string[] = [];
  const negated: string[] = [];
  for (const token of rest.split(/\s+/).filter(Boolean)) {
    if (token.startsWith('-') && token.length > 1) negated.push(...wordsOf(token.slice(1)));
    else terms.push(...wordsOf(token));
  }
  return { terms: new Set(terms), phrases, negated };
}

function fieldTexts(fields: CatalogTextFields): FieldText[] {
  const out: FieldText[] = [];
  for (const [name, weight] of Object.entries(CATALOG_TEXT_WEIGHTS)) {
    const value = fields[name as keyof CatalogTextFields];
    for (const v of typeof value === 'string' ? [value] : value) {
      const text = normaliseText(v);
      const words = wordsOf(text);
      const counts = new Map<string, number>();
      for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
      out.push({ text, counts, words: words.length, weight });
    }
  }
  return out;
}

export class CatalogTextIndex<T> {
  private readonly entries: readonly IndexedEntry<T>[];
  /** word → the entries that have it (in catalog order). */
  private readonly postings = new Map<string, IndexedEntry<T>[]>();

  constructor(entries: readonly T[], fieldsOf: (entry: T) => CatalogTextFields) {
    this.entries = entries.map((entry) => {
      const fields = fieldTexts(fieldsOf(entry));
      const vocabulary = new Set(fields.flatMap((f) => [...f.counts.keys()]));
      return { entry, fields, vocabulary, joined: fields.map((f) => f.text).join('\n') };
    });
    for (const indexed of this.entries)
      for (const word of indexed.vocabulary) {
        const list = this.postings.get(word);
        if (list) list.push(indexed);
        else this.postings.set(word, [indexed]);
      }
  }

  /** The entries matching `search`, each with its score (> 0), as `$text` with `textScore`. */
  search(search: string): Map<T, number> {
    const q = parseSearch(search);
    const scores = new Map<T, number>();
    for (const indexed of this.candidates(q)) {
      const score = scoreOf(indexed, q);
      if (score > 0) scores.set(indexed.entry, score);
    }
    return scores;
  }

  /** Entries that can score: those with a term, or every entry when a phrase is asked for. */
  private candidates(q: ParsedSearch): Iterable<IndexedEntry<T>> {
    if (q.phrases.length) return this.entries;
    const found = new Set<IndexedEntry<T>>();
    for (const term of q.terms) for (const indexed of this.postings.get(term) ?? []) found.add(indexed);
    return found;
  }
}

function scoreOf(indexed: IndexedEntry<unknown>, q: ParsedSearch): number {
  if (q.negated.some((w) => indexed.vocabulary.has(w))) return 0;
  if (q.phrases.some((p) => !indexed.joined.includes(p))) return 0;
  let score = 0;
  for (const field of indexed.fields) {
    let hits = 0;
    for (const term of q.terms) hits += field.counts.get(term) ?? 0;
    for (const p of q.phrases) if (field.text.includes(p)) hits++;
    if (field.words) score += (field.weight * hits) / Math.max(1, field.words / 2);
  }
  return score;
}
