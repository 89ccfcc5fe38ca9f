// English as MongoDB's text indexes read it (`default_language: 'english'`, the default): stop
// words are dropped and every other word is reduced to its stem by the Snowball English
// ("Porter2") stemmer, the algorithm MongoDB uses, so "searching" and "searches" find "search".

/** The Snowball English stop word list. */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she ' +
    'her hers herself it its itself they them their theirs themselves what which who whom this that ' +
    'these those am is are was were be been being have has had having do does did doing would should ' +
    "could ought i'm you're he's she's it's we're they're i've you've we've they've i'd you'd he'd " +
    "she'd we'd they'd i'll you'll he'll she'll we'll they'll isn't aren't wasn't weren't hasn't " +
    "haven't hadn't doesn't don't didn't won't wouldn't shan't shouldn't can't cannot couldn't " +
    "mustn't let's that's who's what's here's there's when's where's why's how's a an the and but if " +
    'or because as until while of at by for with about against between into through during before ' +
    'after above below to from up down in out on off over under again further then once here there ' +
    'when where why how all any both each few more most other some such no nor not only own same so ' +
    'than too very'
  ).split(' '),
);

const EXCEPTIONS: Record<string, string> = {
  skis: 'ski',
  skies: 'sky',
  dying: 'die',
  lying: 'lie',
  tying: 'tie',
  idly: 'idl',
  gently: 'gentl',
  ugly: 'ugli',
  early: 'earli',
  only: 'onli',
  singly: 'singl',
  sky: 'sky',
  news: 'news',
  howe: 'howe',
  atlas: 'atlas',
  cosmos: 'cosmos',
  bias: 'bias',
  andes: 'andes',
};

const AFTER_1A = new Set([
  'inning',
  'outing',
  'canning',
  'herring',
  'earring',
  'proceed',
  'exceed',
  'succeed',
]);

const isVowel = (c: string | undefined) => c !== undefined && 'aeiouy'.includes(c);
const DOUBLES = ['bb', 'dd', 'ff', 'gg', 'mm', 'nn', 'pp', 'rr', 'tt'];
const LI_ENDINGS = 'cdeghkmnrt';

/** Where the region after the first non-vowel following a vowel starts (from `from`). */
function regionAfter(w: string, from: number): number {
  for (let i = from + 1; i < w.length; i++) if (!isVowel(w[i]) && isVowel(w[i - 1])) return i + 1;
  return w.length;
}

/** A short syllable ends at `end` (exclusive). */
function shortSyllableAt(w: string, end: number): boolean {
  if (end === 2) return isVowel(w[0]) && !isVowel(w[1]);
  if (end < 3) return false;
  const [a, b, c] = [w[end - 3], w[end - 2], w[end - 1]];
  return !isVowel(a) && isVowel(b) && !isVowel(c) && !'wxY'.includes(c);
}

/** The longest of `suffixes` that `w` ends with. */
function longest(w: string, suffixes: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const s of suffixes) if (w.endsWith(s) && (!best || s.length > best.length)) best = s;
  return best;
}

const STEP2: [string, string][] = [
  ['tional', 'tion'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['abli', 'able'],
  ['entli', 'ent'],
  ['izer', 'ize'],
  ['ization', 'ize'],
  ['ational', 'ate'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['alism', 'al'],
  ['aliti', 'al'],
  ['alli', 'al'],
  ['fulness', 'ful'],
  ['ousli', 'ous'],
  ['ousness', 'ous'],
  ['iveness', 'ive'],
  ['iviti', 'ive'],
  ['biliti', 'ble'],
  ['bli', 'ble'],
  ['ogi', 'og'],
  ['fulli', 'ful'],
  ['lessli', 'less'],
  ['li', ''],
];
const STEP3: [string, string][] = [
  ['tional', 'tion'],
  ['ational', 'ate'],
  ['alize', 'al'],
  ['icate', 'ic'],
  ['iciti', 'ic'],
  ['ical', 'ic'],
  ['ful', ''],
  ['ness', ''],
  ['ative', ''],
];
const STEP4 = [
  'al',
  'ance',
  'ence',
  'er',
  'ic',
  'able',
  'ible',
  'ant',
  'ement',
  'ment',
  'ent',
  'ism',
  'ate',
  'iti',
  'ous',
  'ive',
  'ize',
  'ion',
];

const stems = new Map<string, string>();
const STEMS_MAX = 20_000;

/** The Snowball English stem of a lower-case word (remembered: a search stems every indexed word). */
export function stemEnglish(word: string): string {
  let stem = stems.get(word);
  if (stem === undefined) {
    stem = stemWord(word);
    if (stems.size >= STEMS_MAX) stems.clear();
    stems.set(word, stem);
  }
  return stem;
}

function stemWord(word: string): string {
  if (word.length <= 2) return word;
  if (EXCEPTIONS[word] !== undefined) return EXCEPTIONS[word];
  let w = word.startsWith("'") ? word.slice(1) : word;
  if (w.startsWith('y')) w = 'Y' + w.slice(1);
  w = w.replace(/([aeiouy])y/g, '$1Y');

  const prefix = ['gener', 'commun', 'arsen'].find((p) => w.startsWith(p));
  const r1 = prefix ? prefix.length : regionAfter(w, 0);
  const r2 = regionAfter(w, r1);
  const inR1 = (suffix: string) => w.length - suffix.length >= r1;
  const inR2 = (suffix: string) => w.length - suffix.length >= r2;
  const isShort = () => shortSyllableAt(w, w.length) && r1 >= w.length;

  // Step 0
  const s0 = longest(w, ["'s'", "'s", "'"]);
  if (s0) w = w.slice(0, -s0.length);

  // Step 1a
  const s1a = longest(w, ['sses', 'ied', 'ies', 's', 'us', 'ss']);
  if (s1a === 'sses') w = w.slice(0, -2);
  else if (s1a === 'ied' || s1a === 'ies') w = w.slice(0, -3) + (w.length > 4 ? 'i' : 'ie');
  else if (s1a === 's') {
    const stem = w.slice(0, -1);
    if ([...stem.slice(0, -1)].some((c) => isVowel(c))) w = stem;
  }
  if (AFTER_1A.has(w)) return w;

  // Step 1b
  const s1b = longest(w, ['eed', 'eedly', 'ed', 'edly', 'ing', 'ingly']);
  if (s1b === 'eed' || s1b === 'eedly') {
    if (inR1(s1b)) w = w.slice(0, -s1b.length) + 'ee';
  } else if (s1b) {
    const stem = w.slice(0, -s1b.length);
    if ([...stem].some((c) => isVowel(c))) {
      w = stem;
      if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
      else if (DOUBLES.some((d) => w.endsWith(d))) w = w.slice(0, -1);
      else if (isShort()) w += 'e';
    }
  }

  // Step 1c
  if (w.length > 2 && (w.endsWith('y') || w.endsWith('Y')) && !isVowel(w[w.length - 2]))
    w = w.slice(0, -1) + 'i';

  // Step 2
  const s2 = longest(
    w,
    STEP2.map(([s]) => s),
  );
  if (s2 && inR1(s2)) {
    const before = w[w.length - s2.length - 1];
    if (s2 === 'ogi') {
      if (before === 'l') w = w.slice(0, -3) + 'og';
    } else if (s2 === 'li') {
      if (before !== undefined && LI_ENDINGS.includes(before)) w = w.slice(0, -2);
    } else w = w.slice(0, -s2.length) + STEP2.find(([s]) => s === s2)![1];
  }

  // Step 3
  const s3 = longest(
    w,
    STEP3.map(([s]) => s),
  );
  if (s3 && inR1(s3)) {
    if (s3 === 'ative') {
      if (inR2(s3)) w = w.slice(0, -5);
    } else w = w.slice(0, -s3.length) + STEP3.find(([s]) => s === s3)![1];
  }

  // Step 4
  const s4 = longest(w, STEP4);
  if (s4 && inR2(s4)) {
    if (s4 === 'ion') {
      const before = w[w.length - 4];
      if (before === 's' || before === 't') w = w.slice(0, -3);
    } else w = w.slice(0, -s4.length);
  }

  // Step 5
  if (w.endsWith('e')) {
    if (inR2('e') || (inR1('e') && !shortSyllableAt(w, w.length - 1))) w = w.slice(0, -1);
  } else if (w.endsWith('l') && inR2('l') && w[w.length - 2] === 'l') w = w.slice(0, -1);

  return w.replace(/Y/g, 'y');
}
