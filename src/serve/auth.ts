/**
 * Who may use the dashboard. Every request needs the token printed at start, from this machine
 * too (other users of a shared machine reach loopback as well), unless the server was started
 * open (`--no-token`, loopback hosts only): then loopback clients need nothing. Requests from
 * another machine always need it. The token is accepted as an
 * `Authorization: Bearer <token>` header, or once as `?token=<token>`, which sets a cookie
 * (HttpOnly, SameSite=Strict) for the requests that follow.
 *
 * @module
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** The cookie that carries the token after `?token=` was given once. */
export const TOKEN_COOKIE = 'transferkit_token';

/**
 * A fresh random token (32 bytes, URL-safe base64).
 *
 * @example
 * ```ts
 * const token = newToken(); // 43 characters
 * ```
 */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Whether an address (of a client, or one to bind) is this machine: 127.0.0.0/8, ::1, an
 * IPv4-mapped loopback, or `localhost`.
 *
 * @example
 * ```ts
 * isLoopback('127.0.0.1'); // true
 * isLoopback('::ffff:10.0.0.5'); // false
 * ```
 */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (a === 'localhost' || a === '::1') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice(7) : a;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/**
 * Whether `given` equals `token`, in time that does not depend on where they differ.
 *
 * @example
 * ```ts
 * sameToken(token, request.headers.get('x')); // false for null
 * ```
 */
export function sameToken(token: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(token);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What a request shows to be let in. */
export interface RequestCredentials {
  /** The client's address (the socket's remote address). */
  remote: string | undefined;
  /** The `Authorization` header. */
  authorization: string | null | undefined;
  /** The `?token=` query parameter. */
  query: string | null | undefined;
  /** The token cookie. */
  cookie: string | null | undefined;
}

/**
 * Whether a request is let in, and how: by the token (`setCookie` when it came as `?token=`, so
 * the server sets the cookie), or as a loopback client of a server bound to a loopback address
 * (`open`), which needs no token.
 *
 * @example
 * ```ts
 * admit(token, true, { remote: '10.0.0.5', authorization: null, query: null, cookie: null }); // { ok: false, by: undefined, setCookie: false }
 * ```
 */
export function admit(token: string, open: boolean, req: RequestCredentials): { ok: boolean; by?: 'token' | 'loopback'; setCookie: boolean } {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.authorization ?? '')?.[1];
  if (sameToken(token, bearer) || sameToken(token, req.cookie)) return { ok: true, by: 'token', setCookie: false };
  if (sameToken(token, req.query)) return { ok: true, by: 'token', setCookie: true };
  return open && isLoopback(req.remote) ? { ok: true, by: 'loopback', setCookie: false } : { ok: false, setCookie: false };
}
