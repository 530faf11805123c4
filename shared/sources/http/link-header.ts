/**
 * Parses an RFC 8288 `Link` header (`<https://x/api?max_id=1>; rel="next", <...>; rel="prev"`)
 * into rel → URL. Mastodon pages followers, following, notifications and favourites this way.
 */
export function parseLinkHeader(header: string | null | undefined): Record<string, string> {
  const links: Record<string, string> = {};
  if (!header) return links;
  const pattern = /<([^>]*)>\s*((?:;\s*[^;,]+)*)/g;
  for (const match of header.matchAll(pattern)) {
    const url = match[1];
    const params = match[2] ?? '';
    const rel = /;\s*rel\s*=\s*"?([^";,]+)"?/i.exec(params)?.[1];
    if (url === undefined || rel === undefined) continue;
    for (const name of rel.trim().split(/\s+/)) {
      if (!(name in links)) links[name] = url;
    }
  }
  return links;
}
