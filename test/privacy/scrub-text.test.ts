import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DETECTORS } from '../../src/privacy/detectors.ts';
import { findPii, scrubText } from '../../src/privacy/scrub-text.ts';
import { parseKinds, PII_KINDS, type PiiKind } from '../../src/privacy/kinds.ts';
import { normalisePii } from '../../src/privacy/replace.ts';
import { TransferkitError } from '../../src/errors.ts';

/** The texts one detector finds in `text`. */
const found = (kind: PiiKind, text: string) => DETECTORS[kind](text).map((m) => text.slice(m.start, m.end));

test('e-mail: addresses with dots, plus tags and sub-domains; sentence punctuation left out', () => {
  assert.deepEqual(found('email', 'Mail jo.smith+news@example.co.uk. Or <RPM-List@freshrpms.net>, not @handle or a@b.'), ['jo.smith+news@example.co.uk', 'RPM-List@freshrpms.net']);
});

test('url: schemes and www., trailing punctuation and unbalanced brackets left out', () => {
  assert.deepEqual(found('url', 'See (http://x.org/a?b=1). Or www.example.com/path, https://en.wikipedia.org/wiki/Foo_(bar)!'), ['http://x.org/a?b=1', 'www.example.com/path', 'https://en.wikipedia.org/wiki/Foo_(bar)']);
  assert.deepEqual(found('url', 'example.com and http:// alone'), []);
});

test('ip: valid IPv4 and IPv6; versions, times and out-of-range octets are not', () => {
  assert.deepEqual(found('ip', 'from 10.0.0.7, to 2001:db8::1 at 12:30:45'), ['10.0.0.7', '2001:db8::1']);
  assert.deepEqual(found('ip', 'version 1.2.3.4.5, v1.2.3.4, 256.1.1.1, 1.2.3, ab::cd, Foo::Bar and ::'), []);
  assert.deepEqual(found('ip', 'retrieving revision 1.68.2.12, Version: 2.0.0.1, build 1.1.4.1'), []);
});

test('phone: international and national shapes; years, prices, dates, ZIP codes and versions are not', () => {
  const text = 'Call +44 20 7946 0958, (415) 555-0132, 415-555-0132, 1-800-555-0199, 020 7946 0958, 01 23 45 67 89 or +353-1-7161987.';
  assert.deepEqual(found('phone', text), ['+44 20 7946 0958', '+353-1-7161987', '(415) 555-0132', '415-555-0132', '1-800-555-0199', '020 7946 0958', '01 23 45 67 89']);
  assert.deepEqual(found('phone', 'In 2002 it cost $1,299.99 (v2.4.18) on 2003-08-23 at 10:30, ZIP 90210-1234 and 03857-1643, order 12345678, ISBN 0-14-143951-3.'), []);
});

test('card: Luhn-valid numbers in card groupings; a Luhn failure or a repeated digit is not a card', () => {
  assert.deepEqual(found('card', 'Card 4111 1111 1111 1111, 5500-0055-5555-5559, 3782 822463 10005 or 6011111111111117.'), ['4111 1111 1111 1111', '5500-0055-5555-5559', '3782 822463 10005', '6011111111111117']);
  assert.deepEqual(found('card', 'Not 4111 1111 1111 1112, not 0000 0000 0000 0000, not 4111-1111 1111-1111, not 824 896 1024 600 601.'), []);
  // Luhn-valid timestamps and ids from the SpamAssassin corpus: no card network starts with 20 or 00
  assert.deepEqual(found('card', 'Message-id: <20020906211713.GK7451@x> archive/20021002000000.htm and 0030360000043.jpg'), []);
});

test('iban: compact and grouped, checked by mod 97 and country length', () => {
  assert.deepEqual(found('iban', 'Pay GB82 WEST 1234 5698 7654 32 or DE89370400440532013000 today.'), ['GB82 WEST 1234 5698 7654 32', 'DE89370400440532013000']);
  assert.deepEqual(found('iban', 'Not GB82 WEST 1234 5698 7654 33, not DE8937040044053201300012, not XX12345678901234.'), []);
});

test('name: plain names anywhere; names that are words only after a title or before a surname', () => {
  const text = 'Dear Grace, Mary Smith will call in May. Will you come? Bill Gates met John. May I ask Mark? Hi Will, thanks. Hello Anne-Marie.';
  assert.deepEqual(found('name', text), ['Grace', 'Mary Smith', 'Bill Gates', 'John', 'Will', 'Anne-Marie']);
  assert.deepEqual(found('name', 'Faith and hope. Grace period. Mark the date. Will it rain? MARY and mary. mary@x.org'), []);
});

test('findPii keeps the first and longest of overlapping matches', () => {
  const text = 'see http://10.0.0.7/a?to=jo@x.org now';
  assert.deepEqual(findPii(text), [{ kind: 'url', start: 4, end: 33 }]);
  assert.deepEqual(findPii(text, ['ip', 'email']).map((m) => m.kind), ['ip', 'email']);
});

test('scrubText masks by default and counts per kind', () => {
  const r = scrubText('Dear Grace, call +44 20 7946 0958 or mail jo@x.org (from 10.0.0.7).');
  assert.equal(r.text, 'Dear [NAME], call [PHONE] or mail [EMAIL] (from [IP]).');
  assert.deepEqual(r.counts, { email: 1, phone: 1, url: 0, ip: 1, card: 0, iban: 0, name: 1 });
  assert.equal(r.found[0].original, undefined, 'no personal data in the result unless asked');
  assert.equal(scrubText('jo@x.org', { keepOriginal: true }).found[0].original, 'jo@x.org');
});

test('scrubText only looks for the kinds asked for', () => {
  const r = scrubText('mail jo@x.org or call 415-555-0132', { kinds: 'phone' });
  assert.equal(r.text, 'mail jo@x.org or call [PHONE]');
  assert.deepEqual(r.counts, { phone: 1 });
});

test('redact keeps the length with a fixed character', () => {
  assert.equal(scrubText('mail jo@x.org now', { mode: 'redact', redactChar: '*' }).text, 'mail ******** now');
  assert.equal(scrubText('mail jo@x.org', { mode: 'redact' }).text, 'mail ████████');
});

test('hash: the same value gives the same token, spellings of one value too; the salt changes it', () => {
  const a = scrubText('from Jo@X.org, then jo@x.org, then al@x.org', { mode: 'hash', salt: 'k1' }).text;
  const tokens = a.match(/\[EMAIL:[0-9a-f]{8}\]/g)!;
  assert.equal(tokens.length, 3);
  assert.equal(tokens[0], tokens[1]);
  assert.notEqual(tokens[0], tokens[2]);
  const b = scrubText('jo@x.org', { mode: 'hash', salt: 'k2' }).text;
  assert.notEqual(b, tokens[0]);
  assert.equal(scrubText('call (415) 555-0132', { mode: 'hash', salt: 'k1' }).text, scrubText('call 415.555.0132', { mode: 'hash', salt: 'k1' }).text);
  assert.equal(normalisePii('iban', 'gb82 west 1234 5698 7654 32'), 'GB82WEST12345698765432');
});

test('bad options are TransferkitErrors that say what to do', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof TransferkitError);
      assert.ok(e.hint);
      return e.code;
    }
    return 'no error';
  };
  assert.equal(code(() => scrubText('x', { kinds: 'email,ssn' })), 'BAD_OPTION');
  assert.equal(code(() => scrubText('x', { kinds: '' })), 'BAD_OPTION');
  assert.equal(code(() => scrubText('x', { mode: 'blur' as never })), 'BAD_OPTION');
  assert.equal(code(() => scrubText('x', { mode: 'hash' })), 'MISSING_OPTION');
  assert.equal(code(() => scrubText('x', { mode: 'redact', redactChar: '**' })), 'BAD_OPTION');
  assert.deepEqual(parseKinds(' Email, url,email'), ['email', 'url']);
  assert.equal(PII_KINDS.length, 7);
});

test('no pathological slowness: 200,000-character adversarial texts take well under a few seconds each', () => {
  const cases = ['a'.repeat(200000), `${'a.'.repeat(50000)}@${'b-'.repeat(50000)}`, '1 '.repeat(100000), 'a:'.repeat(100000), `http://${'a'.repeat(200000)}${')'.repeat(1000)}`, '+1 '.repeat(60000), '4111-'.repeat(40000)];
  for (const text of cases) {
    const t0 = performance.now();
    findPii(text);
    const ms = performance.now() - t0;
    assert.ok(ms < 3000, `${JSON.stringify(text.slice(0, 12))}…: ${ms.toFixed(0)} ms`);
  }
});
