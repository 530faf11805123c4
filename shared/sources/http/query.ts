/** Query parameters; `undefined` values are left out. */
export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

/**
 * Encodes a query for both APIs: Mastodon (Rails) reads arrays as `key[]=a&key[]=b`,
 * XRPC reads repeated `key=a&key=b`. The caller picks by naming the key with or
 * without the `[]` suffix, so the same client serves both.
 */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value as readonly string[]) params.append(key, item);
    } else {
      params.append(key, String(value));
    }
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
