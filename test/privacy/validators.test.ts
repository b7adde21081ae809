import { test } from 'node:test';
import assert from 'node:assert/strict';
import { luhnCheckDigit, luhnValid } from '../../src/privacy/luhn.ts';
import { ibanCheckDigits, ibanMod97, ibanValid } from '../../src/privacy/iban.ts';
import { ipv4Valid, ipv6Valid } from '../../src/privacy/ip.ts';

test('luhn: published test card numbers pass, one changed digit fails', () => {
  for (const n of ['4111111111111111', '5500005555555559', '378282246310005', '6011111111111117', '3530111333300000', '4222222222222']) assert.ok(luhnValid(n), n);
  for (const n of ['4111111111111112', '378282246310006', '', '4111 1111 1111 1111', 'abc']) assert.ok(!luhnValid(n), n);
  // 7992739871 → check digit 3 (the textbook example)
  assert.equal(luhnCheckDigit('7992739871'), 3);
  assert.ok(luhnValid('79927398713'));
});

test('iban: registry examples validate, a changed digit or a wrong length does not', () => {
  for (const s of ['GB82WEST12345698765432', 'DE89370400440532013000', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'BE68539007547034', 'NO9386011117947', 'MT84MALT011000012345MTLCAST001S']) {
    assert.ok(ibanValid(s), s);
    assert.equal(ibanMod97(s), 1);
  }
  assert.ok(!ibanValid('GB82WEST12345698765433'));
  assert.ok(!ibanValid('GB82WEST1234569876543')); // 21 characters, GB has 22
  assert.ok(!ibanValid('XX82WEST12345698765432')); // no such country
  assert.equal(ibanCheckDigits('GB', 'WEST12345698765432'), '82');
  assert.equal(ibanCheckDigits('DE', '370400440532013000'), '89');
});

test('ipv4: octets 0–255 without leading zeros', () => {
  for (const s of ['0.0.0.0', '10.0.0.7', '192.168.1.20', '255.255.255.255']) assert.ok(ipv4Valid(s), s);
  for (const s of ['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.a']) assert.ok(!ipv4Valid(s), s);
});

test('ipv6: full, compressed and IPv4-suffixed forms; times and MAC addresses are not', () => {
  for (const s of ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', '2001:db8::8a2e:370:7334', '::1', 'fe80::1', '::ffff:192.0.2.128', '1:2:3:4:5:6:7::']) assert.ok(ipv6Valid(s), s);
  for (const s of ['12:30:45', '00:1A:2B:3C:4D:5E', '1::2::3', '2001:db8::g1', '1:2:3:4:5:6:7:8:9', '::ffff:999.0.2.128', '12345::1']) assert.ok(!ipv6Valid(s), s);
});
