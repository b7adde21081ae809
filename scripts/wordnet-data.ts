/**
 * Builds datasets/wordnet-topics/ (builtin:wordnet-topics) from Debian's wordnet-base
 * (WordNet 3.0, /usr/share/wordnet/data.noun): a balanced, seeded sample of noun glosses
 * labelled by their lexicographer file — 8 categories named by ordinary words (animal,
 * artifact, body, feeling, food, location, person, plant) × 150 glosses.
 *
 * Writes glosses.tsv (`class<TAB>gloss`, grouped by class, WordNet offset order within a class)
 * and classes.csv (`class,description`: WordNet's own lexnames(5WN) description of each file,
 * without its "nouns denoting" prefix).
 *
 * Run once: apt-get install wordnet-base; node --import tsx scripts/wordnet-data.ts
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../src/util/atomic.ts';
import { createRng } from '../src/util/random.ts';

const PER_CLASS = 150;
const SEED = 'wordnet-topics:0';
/** Lexicographer file number → [class word, lexnames description]. */
const FILES: Record<string, [string, string]> = {
  '05': ['animal', 'animals'],
  '06': ['artifact', 'man-made objects'],
  '08': ['body', 'body parts'],
  '12': ['feeling', 'feelings and emotions'],
  '13': ['food', 'foods and drinks'],
  '15': ['location', 'spatial position'],
  '18': ['person', 'people'],
  '20': ['plant', 'plants'],
};

/** In alphabetical order (Object.values would put the integer-like keys first). */
const CLASSES = Object.keys(FILES).sort().map((k) => FILES[k]);

const byClass = new Map<string, string[]>();
for (const line of readFileSync('/usr/share/wordnet/data.noun', 'latin1').split('\n')) {
  if (line.startsWith('  ') || !line.includes(' | ')) continue; // the licence header
  const file = line.split(' ', 3)[1];
  const cls = FILES[file]?.[0];
  if (!cls) continue;
  const gloss = line.slice(line.indexOf(' | ') + 3).replace(/\s+/g, ' ').trim();
  if (gloss.split(' ').length < 4) continue;
  if (!byClass.has(cls)) byClass.set(cls, []);
  byClass.get(cls)!.push(gloss);
}

const rng = createRng(SEED);
const rows: string[] = ['class\tgloss'];
for (const [cls] of CLASSES) {
  const all = byClass.get(cls) ?? [];
  const pick = rng.shuffle(all.map((_, i) => i)).slice(0, PER_CLASS).sort((a, b) => a - b);
  for (const i of pick) rows.push(`${cls}\t${all[i]}`);
  console.error(`${cls}: ${pick.length} of ${all.length} glosses`);
}
mkdirSync('datasets/wordnet-topics', { recursive: true });
await writeFileAtomic('datasets/wordnet-topics/glosses.tsv', rows.join('\n') + '\n');
await writeFileAtomic(
  'datasets/wordnet-topics/classes.csv',
  ['class,description', ...CLASSES.map(([c, d]) => `${c},${d}`)].join('\n') + '\n',
);
