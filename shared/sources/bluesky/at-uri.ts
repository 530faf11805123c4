/** AT-URIs (`at://<authority>/<collection>/<rkey>`) and the bsky.app web links derived from them. */

const DID = /^did:[a-z]+:[a-zA-Z0-9._:%-]{1,2000}$/;
const RKEY = /^[a-zA-Z0-9._:~-]{1,512}$/;
const HANDLE = /^[a-zA-Z0-9][a-zA-Z0-9.-]{0,252}$/;

export interface AtUri {
  authority: string;
  collection?: string;
  rkey?: string;
}

/** Parses an AT-URI; undefined when the text is not one (untrusted input never throws here). */
export function parseAtUri(uri: string): AtUri | undefined {
  const match = /^at:\/\/([^/?#]+)(?:\/([^/?#]+)(?:\/([^/?#]+))?)?\/?$/.exec(uri);
  if (!match?.[1]) return undefined;
  const result: AtUri = { authority: match[1] };
  if (match[2]) result.collection = match[2];
  if (match[3]) result.rkey = match[3];
  return result;
}

/** The DID that owns the record an AT-URI points at, when the authority is a DID (it is for records). */
export function authorDid(uri: string): string | undefined {
  const authority = parseAtUri(uri)?.authority;
  return authority?.startsWith('did:') ? authority : undefined;
}

/** `https://bsky.app/profile/<did>/post/<rkey>` for a post URI; undefined for anything else. */
export function postWebUrl(uri: string | undefined): string | undefined {
  if (uri === undefined) return undefined;
  const parsed = parseAtUri(uri);
  if (!parsed || parsed.collection !== 'app.bsky.feed.post' || !parsed.rkey) return undefined;
  // Untrusted text ends up in links in the report: only well-formed DIDs and record keys pass.
  if (!DID.test(parsed.authority) || !RKEY.test(parsed.rkey)) return undefined;
  return `https://bsky.app/profile/${parsed.authority}/post/${parsed.rkey}`;
}

/** The record key of a record URI (a TID for likes, reposts, posts and follows). */
export function rkeyOf(uri: string): string | undefined {
  return parseAtUri(uri)?.rkey;
}


/** Profile link; falls back to the DID when the handle is unverified (`handle.invalid`) or odd. */
export function profileWebUrl(did: string, handle: string): string {
  const who = HANDLE.test(handle) && handle !== 'handle.invalid' ? handle : DID.test(did) ? did : encodeURIComponent(did);
  return `https://bsky.app/profile/${who}`;
}
