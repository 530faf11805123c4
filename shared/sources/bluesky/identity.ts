/**
 * Where an account lives: handle -> DID -> DID document -> PDS.
 *
 * Handles resolve by DNS (`_atproto.<handle>` TXT) or HTTPS
 * (`https://<handle>/.well-known/atproto-did`). followback asks the configured
 * service first (`com.atproto.identity.resolveHandle`: bsky.social and any PDS
 * answer for any handle, doing both methods, DNS included, on their side), and
 * falls back to the HTTPS method itself when the service cannot say. It does
 * not query DNS: that would need a resolver a Lambda may not reach the same way,
 * and the service already does it.
 *
 * DIDs resolve by method: `did:plc` at the PLC directory (`<plcUrl>/<did>`),
 * `did:web` at `https://<domain>/.well-known/did.json`. The PDS is the DID
 * document's `#atproto_pds` service of type `AtprotoPersonalDataServer`.
 */
import { z } from 'zod';
import { HttpError, type HttpClient } from '../http/http-client.ts';

/** did:plc ids are 24 base32 characters; any base32 run is accepted (it only becomes a path on the directory). */
const DID_PLC = /^did:plc:[a-z2-7]{1,64}$/;
/** did:web is hostname-only in atproto (no paths); a port is percent-encoded (`%3A`). */
const DID_WEB = /^did:web:([a-zA-Z0-9.-]+(?:%3[aA][0-9]{1,5})?)$/;
const DID_ANY = /^did:[a-z]+:[a-zA-Z0-9._:%-]{1,2000}$/;
const HANDLE = /^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const WELL_KNOWN_MAX_BYTES = 2048;

export const ResolveHandleOutput = z.object({ did: z.string().regex(DID_ANY) });

/** The parts of a DID document (W3C DID Core, atproto profile) that locate the PDS. */
export const DidDocument = z.object({
  id: z.string().min(1),
  alsoKnownAs: z.array(z.string()).optional(),
  service: z
    .array(z.object({ id: z.string(), type: z.string().optional(), serviceEndpoint: z.unknown() }))
    .optional(),
});
export type DidDocument = z.infer<typeof DidDocument>;

export function isDid(text: string): boolean {
  return DID_ANY.test(text);
}

export function isHandle(text: string): boolean {
  return text.length <= 253 && HANDLE.test(text);
}

/** The PDS endpoint a DID document names, or why there is none. */
export function pdsEndpoint(doc: DidDocument, did: string): { ok: true; url: string } | { ok: false; problem: string } {
  if (doc.id !== did) return { ok: false, problem: `the DID document is for ${doc.id.slice(0, 200)}, not ${did}` };
  const entry = (doc.service ?? []).find((s) => (s.id === '#atproto_pds' || s.id === `${did}#atproto_pds`) && s.type === 'AtprotoPersonalDataServer');
  if (!entry) return { ok: false, problem: 'the DID document names no #atproto_pds service' };
  if (typeof entry.serviceEndpoint !== 'string') return { ok: false, problem: 'the #atproto_pds service endpoint is not a URL' };
  let url: URL;
  try {
    url = new URL(entry.serviceEndpoint);
  } catch {
    return { ok: false, problem: 'the #atproto_pds service endpoint is not a URL' };
  }
  // As @atproto/identity: http(s) only, origin only (a PDS serves /xrpc at its root).
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') {
    return { ok: false, problem: 'the #atproto_pds service endpoint is not an http(s) URL' };
  }
  return { ok: true, url: url.origin };
}

export interface IdentityResolverOptions {
  /** The configured service (bsky.social or the account's PDS): asked com.atproto.identity.resolveHandle. */
  service: HttpClient;
  /** The PLC directory. */
  plc: HttpClient;
  /** A client for another origin (did:web hosts). */
  clientFor(baseUrl: string): HttpClient;
  /** For the one non-JSON read, `/.well-known/atproto-did`. */
  fetch: typeof fetch;
  timeoutMs: number;
  signal?: AbortSignal;
}

export class IdentityResolver {
  /** Requests made outside the HttpClients (the well-known handle reads). */
  private plainRequests = 0;
  private readonly webClients: HttpClient[] = [];

  constructor(private readonly options: IdentityResolverOptions) {}

  /** Requests this resolver made on its own clients (the service's and the PLC directory's are counted by theirs). */
  get requests(): number {
    return this.plainRequests + this.webClients.reduce((n, c) => n + c.requests, 0);
  }

  /** The DID of a handle: the service's answer, else the handle's HTTPS well-known file. */
  async resolveHandle(handle: string): Promise<string> {
    const name = handle.trim().toLowerCase();
    if (!isHandle(name)) throw new Error(`"${handle.slice(0, 100)}" is not a handle`);
    let serviceFailure: unknown;
    try {
      const res = await this.options.service.getJson('/xrpc/com.atproto.identity.resolveHandle', ResolveHandleOutput, { query: { handle: name }, ...this.signalOpt() });
      return res.data.did;
    } catch (err) {
      if (err instanceof HttpError && err.aborted) throw err;
      serviceFailure = err;
    }
    try {
      return await this.wellKnownDid(name);
    } catch (err) {
      const first = serviceFailure instanceof Error ? serviceFailure.message : 'unknown error';
      const second = err instanceof Error ? err.message : 'unknown error';
      throw new Error(`the handle ${name} did not resolve: com.atproto.identity.resolveHandle: ${first}; https://${name}/.well-known/atproto-did: ${second}`);
    }
  }

  /** The PDS of a DID, from its DID document. */
  async resolvePds(did: string): Promise<string> {
    let doc: DidDocument;
    if (DID_PLC.test(did)) {
      doc = (await this.options.plc.getJson(`/${did}`, DidDocument, this.signalOpt())).data;
    } else {
      const web = DID_WEB.exec(did);
      if (!web?.[1]) throw new Error(`${did.slice(0, 200)}: only did:plc and did:web identify atproto accounts`);
      const host = web[1].replace(/%3[aA]/, ':');
      const client = this.options.clientFor(`https://${host}`);
      this.webClients.push(client);
      doc = (await client.getJson('/.well-known/did.json', DidDocument, this.signalOpt())).data;
    }
    const pds = pdsEndpoint(doc, did);
    if (!pds.ok) throw new Error(`${did}: ${pds.problem}`);
    return pds.url;
  }

  private signalOpt(): { signal?: AbortSignal } {
    return this.options.signal ? { signal: this.options.signal } : {};
  }

  /** `https://<handle>/.well-known/atproto-did`: the DID as plain text. One try: the service already had its chance. */
  private async wellKnownDid(handle: string): Promise<string> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
    const onAbort = (): void => controller.abort(this.options.signal?.reason);
    this.options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      this.plainRequests++;
      const res = await this.options.fetch(`https://${handle}/.well-known/atproto-did`, { signal: controller.signal, redirect: 'error', headers: { accept: 'text/plain' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const text = (await res.text()).slice(0, WELL_KNOWN_MAX_BYTES).trim();
      if (!isDid(text)) throw new Error('the answer is not a DID');
      return text;
    } catch (err) {
      if (controller.signal.aborted && err instanceof Error && err.name === 'AbortError') throw new Error(String(controller.signal.reason instanceof Error ? controller.signal.reason.message : 'aborted'));
      throw err;
    } finally {
      clearTimeout(timer);
      this.options.signal?.removeEventListener('abort', onAbort);
    }
  }
}
