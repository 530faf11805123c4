/**
 * XRPC servers reject a request body on a procedure that declares no input
 * ("A request body was provided when none was expected"), and
 * com.atproto.server.refreshSession declares none. The shared HttpClient always
 * sends a JSON body on POST, so this wrapper drops it for those procedures.
 */
export const BODYLESS_PROCEDURES: readonly string[] = ['com.atproto.server.refreshSession'];

export function withoutBodyFor(procedures: readonly string[], inner: typeof fetch): typeof fetch {
  const wrapped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const nsid = new URL(url).pathname.split('/').pop() ?? '';
    if (init?.method !== 'POST' || !procedures.includes(nsid)) return inner(input, init);
    const headers = new Headers(init.headers);
    headers.delete('content-type');
    const { body: _dropped, ...rest } = init;
    return inner(input, { ...rest, headers });
  };
  return wrapped as typeof fetch;
}
