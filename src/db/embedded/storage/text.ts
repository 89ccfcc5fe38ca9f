// `$text` search over a collection's text index (which mingo does not provide): terms are OR-ed,
// "quoted phrases" are all required, -terms exclude; case and diacritics are ignored unless asked
// for; the score counts weighted term occurrences and feeds `{ $meta: 'textScore' }`. In English
// (the index's `default_language`, or the query's `$language`; MongoDB's default) stop words are
// dropped and words compared by their stems, as MongoDB does; `none` compares whole words.
import { Document } from 'bson';
import { ErrorCodes, MongoServerError } from '../errors';
import { Collection } from './collection';
import { ENGLISH_STOP_WORDS, stemEnglish } from './stem-english';
import { isPlainObject, valuesAtPath } from './values';

export interface TextSearch {
  /** Scores a document; 0 means it does not match. */
  score(obj: Document): number;
}

interface Parsed {
  terms: string[];
  phrases: string[];
  negated: string[];
}

function normalise(s: string, caseSensitive: boolean, diacriticSensitive: boolean): string {
  let out = diacriticSensitive ? s : s.normalize('NFD').replace(/\p{M}+/gu, '');
  if (!caseSensitive) out = out.toLowerCase();
  return out;
}

/** A case-sensitive search stems the lower-cased word and keeps the word's own case where it can. */
function stemCased(w: string): string {
  const stem = stemEnglish(w.toLowerCase());
  return w.toLowerCase().startsWith(stem) ? w.slice(0, stem.length) : stem;
}

function words(s: string): string[] {
  return s.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function parse(search: string): Parsed {
  const phrases: string[] = [];
  const rest = search.replace(/"([^"]*)"/g, (_, p: string) => {
    if (p.trim()) phrases.push(p.trim());
    return ' ';
  });
  const terms: string[] = [];
  const negated: string[] = [];
  for (const token of rest.split(/\s+/).filter(Boolean)) {
    if (token.startsWith('-') && token.length > 1) negated.push(...words(token.slice(1)));
    else terms.push(...words(token));
  }
  return { terms, phrases, negated };
}

/** Splits `$text` out of a filter; the rest is matched as usual. */
export function splitText(filter: Document | undefined): { rest: Document | undefined; text?: Document } {
  if (!filter || !('$text' in filter)) return { rest: filter };
  const { $text, ...rest } = filter;
  if (!isPlainObject($text) || typeof $text.$search !== 'string')
    throw new MongoServerError(ErrorCodes.FailedToParse, '$search needs a String');
  return { rest, text: $text };
}

export function textSearch(coll: Collection | undefined, spec: Document): TextSearch {
  const idx = coll?.indexes.find((i) => Object.values(i.spec.key).includes('text'));
  if (!coll || !idx)
    throw new MongoServerError(ErrorCodes.IndexNotFound, 'text index required for $text query');
  const weights = (idx.spec.weights as Record<string, number> | undefined) ?? {};
  const fields = Object.keys(weights);
  const wildcard = fields.includes('$**');
  const caseSensitive = spec.$caseSensitive === true;
  const diacriticSensitive = spec.$diacriticSensitive === true;
  const norm = (s: string) => normalise(s, caseSensitive, diacriticSensitive);
  // The words a text is compared by: stems without stop words in English, whole words otherwise.
  // A document's words follow its index's language (or its own `language` field, as MongoDB's
  // `language_override`); the query's follow `$language`, else the index's.
  const keysIn = (language: unknown) => {
    const lang = String(language).toLowerCase();
    if (lang === 'none') return words;
    if (lang !== 'english' && lang !== 'en')
      throw new MongoServerError(
        ErrorCodes.CommandNotSupported,
        `$text in the language '${lang}' is not supported by the embedded engine (english and none are)`,
      );
    return (s: string) =>
      words(s)
        .filter((w) => !ENGLISH_STOP_WORDS.has(w.toLowerCase()))
        .map((w) => (caseSensitive ? stemCased(w) : stemEnglish(w)));
  };
  const indexLanguage = idx.spec.default_language ?? 'english';
  const override = String(idx.spec.language_override ?? 'language');
  const indexKeys = keysIn(indexLanguage);
  const docKeys = (obj: Document) => (typeof obj[override] === 'string' ? keysIn(obj[override]) : indexKeys);
  const queryKeys = keysIn(spec.$language ?? indexLanguage);
  const q = parse(norm(spec.$search as string));
  q.terms = q.terms.flatMap(queryKeys);
  q.negated = q.negated.flatMap(queryKeys);
  const termSet = new Set(q.terms);
  const negSet = new Set(q.negated);

  const textsOf = (obj: Document): { text: string; weight: number }[] => {
    const out: { text: string; weight: number }[] = [];
    const push = (v: unknown, weight: number) => {
      if (typeof v === 'string') out.push({ text: norm(v), weight });
      else if (Array.isArray(v)) for (const x of v) push(x, weight);
      else if (wildcard && isPlainObject(v)) for (const x of Object.values(v)) push(x, weight);
    };
    if (wildcard) for (const [k, v] of Object.entries(obj)) push(v, weights[k] ?? 1);
    for (const f of fields) if (f !== '$**') for (const v of valuesAtPath(obj, f)) push(v, weights[f] ?? 1);
    return out;
  };

  return {
    score(obj) {
      const texts = textsOf(obj);
      const keys = docKeys(obj);
      let score = 0;
      let anyTerm = false;
      for (const { text, weight } of texts) {
        const ws = keys(text);
        if (ws.some((w) => negSet.has(w))) return 0;
        let hits = 0;
        for (const w of ws) if (termSet.has(w)) hits++;
        if (hits > 0) anyTerm = true;
        for (const p of q.phrases) if (text.includes(p)) hits++;
        if (ws.length) score += (weight * hits) / Math.max(1, ws.length / 2);
      }
      const joined = texts.map((t) => t.text).join('\n');
      if (q.phrases.some((p) => !joined.includes(p))) return 0;
      if (q.terms.length > 0 && !anyTerm && q.phrases.length === 0) return 0;
      return score;
    },
  };
}
