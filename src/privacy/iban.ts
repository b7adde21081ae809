/**
 * Validating International Bank Account Numbers (ISO 13616): country length and mod-97 check.
 */

/**
 * IBAN length by country code, from the SWIFT IBAN registry (the countries it lists). A
 * candidate from a country not listed here is not taken for an IBAN.
 *
 * @example
 * ```ts
 * IBAN_LENGTHS.GB; // 22
 * ```
 */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = Object.freeze({
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24,
  DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28,
  HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29,
  RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22,
  VG: 24, XK: 20,
});

/**
 * The ISO 7064 mod-97-10 remainder of an IBAN written without spaces: the first four
 * characters moved to the end, letters replaced by 10–35, the number taken mod 97. A valid
 * IBAN gives 1.
 *
 * @example
 * ```ts
 * ibanMod97('GB82WEST12345698765432'); // 1
 * ```
 */
export function ibanMod97(compact: string): number {
  const s = compact.slice(4) + compact.slice(0, 4);
  let r = 0;
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : -1;
    if (v < 0) return -1;
    r = v >= 10 ? (r * 100 + v) % 97 : (r * 10 + v) % 97;
  }
  return r;
}

/**
 * Whether `compact` (an IBAN without spaces, upper case) is a valid IBAN: a listed country
 * code, two check digits, the country's length of letters and digits, and mod 97 equal to 1.
 *
 * @example
 * ```ts
 * ibanValid('DE89370400440532013000'); // true
 * ibanValid('DE89370400440532013001'); // false: the check fails
 * ```
 */
export function ibanValid(compact: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact)) return false;
  const length = IBAN_LENGTHS[compact.slice(0, 2)];
  return length === compact.length && ibanMod97(compact) === 1;
}

/**
 * The two check digits that make `country + "00" + bban` a valid IBAN (98 − remainder).
 *
 * @example
 * ```ts
 * ibanCheckDigits('GB', 'WEST12345698765432'); // '82'
 * ```
 */
export function ibanCheckDigits(country: string, bban: string): string {
  const r = ibanMod97(`${country}00${bban}`);
  return String(98 - r).padStart(2, '0');
}
