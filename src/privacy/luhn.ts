/**
 * The Luhn (mod 10) check digit test of payment-card numbers.
 */

/**
 * Whether a string of decimal digits passes the Luhn test: doubling every second digit from
 * the right (subtracting 9 from doubles above 9), the digit sum is a multiple of 10. Anything
 * that is not 1 or more plain digits fails.
 *
 * @example
 * ```ts
 * luhnValid('4111111111111111'); // true
 * luhnValid('4111111111111112'); // false
 * ```
 */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * The Luhn check digit that completes `payload` (the digits without their last one).
 *
 * @example
 * ```ts
 * luhnCheckDigit('411111111111111'); // 1
 * ```
 */
export function luhnCheckDigit(payload: string): number {
  for (let d = 0; d < 10; d++) if (luhnValid(payload + d)) return d;
  return 0;
}
