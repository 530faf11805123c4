/**
 * Runs aws-ses-v2-local (the local SES emulator) in this test process on a free
 * port of 127.0.0.1. The real SES client talks to it over HTTP; `received()`
 * reads what it accepted through its `GET /store` API.
 *
 * The emulator keeps its store in module state: vitest runs each test file in its
 * own fork, and `start` clears the store, so files do not see each other's mail.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import * as emulatorModule from 'aws-ses-v2-local';

const ReceivedEmail = z.object({
  messageId: z.string(),
  from: z.string(),
  destination: z.object({ to: z.array(z.string()), cc: z.array(z.string()), bcc: z.array(z.string()) }),
  subject: z.string(),
  body: z.object({ text: z.string().optional(), html: z.string().optional() }),
  attachments: z.array(
    z.looseObject({
      filename: z.string().optional(),
      contentType: z.string(),
      /** base64 */
      content: z.string(),
    }),
  ),
  at: z.number(),
});
export type ReceivedEmail = z.infer<typeof ReceivedEmail>;
const Store = z.object({ emails: z.array(ReceivedEmail) });

export interface SesEmulator {
  /** http://127.0.0.1:<port>, for `new SESClient({ endpoint })`. */
  endpoint: string;
  received(): Promise<ReceivedEmail[]>;
  stop(): Promise<void>;
}

type StartServer = (config?: { host?: string; port?: number }) => Promise<Server>;

/** The package is CommonJS with `exports.default`; depending on the loader's interop, that sits one level deeper. */
function startFunction(): StartServer {
  const mod = emulatorModule as unknown as { default?: unknown };
  const candidate = typeof mod.default === 'function' ? mod.default : (mod.default as { default?: unknown } | undefined)?.default;
  if (typeof candidate !== 'function') throw new Error('aws-ses-v2-local: could not find its server() export');
  return candidate as StartServer;
}

export async function startSesEmulator(): Promise<SesEmulator> {
  const server = await startFunction()({ host: '127.0.0.1', port: 0 });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const clear = await fetch(`${endpoint}/clear-store`, { method: 'POST' });
  if (!clear.ok) throw new Error(`SES emulator at ${endpoint}: POST /clear-store answered ${clear.status}`);

  return {
    endpoint,
    async received() {
      const res = await fetch(`${endpoint}/store`);
      if (!res.ok) throw new Error(`SES emulator at ${endpoint}: GET /store answered ${res.status}`);
      const parsed = Store.safeParse(await res.json());
      if (!parsed.success) throw new Error(`SES emulator GET /store: unexpected shape: ${z.prettifyError(parsed.error)}`);
      return parsed.data.emails;
    },
    stop() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets of the SDK would hold close() open until they time out.
        server.closeAllConnections();
      });
    },
  };
}
