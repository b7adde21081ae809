/**
 * Validating IPv4 and IPv6 address text.
 */

/**
 * Whether `s` is a dotted-quad IPv4 address: four decimal octets 0–255, without leading zeros
 * (`"010"` is refused: such text is more often a code or a date than an address).
 *
 * @example
 * ```ts
 * ipv4Valid('192.168.1.20'); // true
 * ipv4Valid('256.1.1.1');    // false
 * ```
 */
export function ipv4Valid(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(?:0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/**
 * Whether `s` is an IPv6 address in the text forms of RFC 4291 §2.2: eight groups of 1–4 hex
 * digits, at most one `::` standing for one or more zero groups, and optionally a dotted IPv4
 * address in place of the last two groups. Zone ids (`%eth0`) and brackets are not part of it.
 *
 * @example
 * ```ts
 * ipv6Valid('2001:db8::8a2e:370:7334'); // true
 * ipv6Valid('::ffff:192.0.2.128');      // true
 * ipv6Valid('12:30:45');                // false: a time, not eight groups
 * ```
 */
export function ipv6Valid(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string): string[] | null => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return false;
  const all = [...head, ...tail];
  let slots = all.length;
  const last = all.at(-1);
  if (last !== undefined && last.includes('.')) {
    if (!ipv4Valid(last)) return false;
    all.pop();
    slots += 1; // the IPv4 address fills two groups
  }
  if (!all.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? slots <= 7 : slots === 8;
}
