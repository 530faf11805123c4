/**
 * Reading the rate-limit headers of both networks.
 *  - Mastodon: `X-RateLimit-Remaining`, `X-RateLimit-Reset` (ISO date).
 *  - Bluesky PDS: `RateLimit-Remaining`, `RateLimit-Reset` (epoch seconds).
 *  - Anyone: `Retry-After` (delta seconds or an HTTP-date) on 429/503.
 */

/** Milliseconds to wait according to `Retry-After`, or undefined when absent/unreadable. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.max(0, Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Epoch ms when the current rate-limit window resets, or undefined. */
export function rateLimitResetAt(headers: Headers, now: number): number | undefined {
  const value = (headers.get('x-ratelimit-reset') ?? headers.get('ratelimit-reset'))?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) {
    const n = Number(value);
    // Bluesky sends epoch seconds; the IETF draft sends delta seconds. An epoch is far larger.
    return n > 1e9 ? n * 1000 : now + n * 1000;
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}

/** Requests left in the current window, or undefined when the server does not say. */
export function rateLimitRemaining(headers: Headers): number | undefined {
  const value = (headers.get('x-ratelimit-remaining') ?? headers.get('ratelimit-remaining'))?.trim();
  if (!value || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}
