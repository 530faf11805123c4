/**
 * `followback serve`: the decision page on 127.0.0.1, for development and
 * tests. The same handler as the Lambda Function URL, on the CLI's store and a
 * local signing key (see local-decision-page.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { isLoopbackHostname, type Config } from '../../shared/config/schema.ts';
import { ClientRateLimit } from '../../shared/decide/client-rate-limit.ts';
import { errorPage, notFound, plainResponse, rateLimited, type EntryResponse } from '../../shared/decide/entry-guard.ts';
import { handleDecision, type DecideDeps, type DecideRequest } from '../../shared/decide/handler.ts';
import { engineAct, engineUndo, type PageActDeps } from '../../shared/decide/page-act.ts';
import { pageFloods, sampledLog } from '../../shared/decide/sampled-log.ts';
import { terminalLine } from '../../shared/logging/terminal-line.ts';
import { EnvSecretResolver } from '../../shared/secrets/env-secrets.ts';
import { cliConfig } from './cli-config.ts';
import { EXIT_OK, EXIT_RUN_FAILED, UsageError, type CliIo } from './cli-io.ts';
import { localKeyring } from './local-decision-page.ts';
import { openStoreOrExit, readCommandInput } from './command-setup.ts';

/** The port `serve` listens on by default (the demo's links point there). */
export const DEFAULT_SERVE_PORT = 8787;

export const SERVE_USAGE = `Usage: followback serve [--port N] [--config FILE | --demo]

Serves the decision page (the links in the report's email) on http://127.0.0.1:PORT/decide,
with the same handler the deployed stack runs. Put that URL in the profile's
"report": { "decisionsUrl": "http://127.0.0.1:PORT/decide" } and run a report:
its links open here. Links are signed with the key in .followback/decision-keys.json
(created on first use) or the FOLLOWBACK_DECISION_KEYS environment variable.
Stop with Ctrl-C.

Options:
  --port N        port on 127.0.0.1 (default ${DEFAULT_SERVE_PORT}; 0 picks a free one)
  --config FILE   config file (default: followback.config.json)
  --demo          the embedded demo community
  -h, --help      this help`;

/** The page's own path; anything else is 404, so a browser's favicon request is not a decision. */
export const DECIDE_PATH = '/decide';
/** How long a POST may spend acting before the rest is left to the next apply (a browser is waiting). */
export const SERVE_ACT_BUDGET_MS = 25_000;
const MAX_BODY_BYTES = 16_384;

export async function serveCommand(argv: string[], io: CliIo, clock: () => Date = () => new Date()): Promise<number> {
  const input = await readCommandInput(io, SERVE_USAGE, async () => {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        strict: true,
        options: { port: { type: 'string' }, config: { type: 'string' }, demo: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
      });
    } catch (err) {
      throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n\n${SERVE_USAGE}`);
    }
    if (parsed.values.help) return 'help';
    const portText = parsed.values.port ?? String(DEFAULT_SERVE_PORT);
    const port = Number(portText);
    if (!/^\d{1,5}$/.test(portText) || port > 65535) throw new UsageError(`--port "${portText}" is not a port number (0-65535)`);
    const { config, configDir } = await cliConfig({ demo: parsed.values.demo, ...(parsed.values.config !== undefined ? { config: parsed.values.config } : {}) }, io);
    return { port, config, configDir };
  });
  if (typeof input === 'number') return input;
  const { port, config, configDir } = input;

  const opened = await openStoreOrExit(config.storage, io);
  if (typeof opened === 'number') return opened;
  try {
    const keyring = await localKeyring(io, { create: true });
    if (keyring === undefined) throw new Error('no signing key');
    const profiles = new Map(config.profiles.map((p) => [p.id, p]));
    // Used only for profiles with act.enabled (the handler checks): the sources' tokens come from the environment, as for apply.
    const acting: PageActDeps = {
      store: opened.store,
      actions: opened.store.actionStore(),
      ledger: opened.ledger,
      keyring: async () => keyring,
      secrets: new EnvSecretResolver(io.env, { configDir }),
      budgetMs: () => SERVE_ACT_BUDGET_MS,
    };
    const deps: DecideDeps = {
      keyring: async () => keyring,
      profile: (id) => profiles.get(id),
      decisions: opened.store,
      ledger: opened.ledger,
      clock,
      act: engineAct(acting),
      undo: engineUndo(acting),
      labels: opened.store.toneLabelStore(),
      log: {
        info: (m, extra) => io.stderr(`${terminalLine(`${m} ${JSON.stringify(extra ?? {})}`)}\n`),
        warn: (m, extra) => io.stderr(`warning: ${terminalLine(`${m} ${JSON.stringify(extra ?? {})}`)}\n`),
        error: (m, extra) => io.stderr(`error: ${terminalLine(`${m} ${JSON.stringify(extra ?? {})}`)}\n`),
      },
    };
    const server = decisionServer(deps, { hosts: configuredHosts(config) });
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolveListen());
    });
    const address = server.address();
    const actual = typeof address === 'object' && address !== null ? address.port : port;
    io.stdout(`followback: decision page on http://127.0.0.1:${actual}${DECIDE_PATH} (Ctrl-C to stop)\n`);
    await new Promise<void>((resolveStop) => {
      if (io.signal === undefined) return; // runs until the process ends
      if (io.signal.aborted) resolveStop();
      io.signal.addEventListener('abort', () => resolveStop(), { once: true });
    });
    server.closeAllConnections();
    await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    return EXIT_OK;
  } catch (err) {
    io.stderr(`followback: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_RUN_FAILED;
  } finally {
    await opened.close();
  }
}

export interface DecisionServerOptions {
  /**
   * Hosts (`host[:port]`, as a URL's `host` spells it) that may name this server besides its loopback
   * names: those of the configured `report.decisionsUrl`s (a reverse proxy in front, say).
   */
  hosts?: ReadonlySet<string>;
  /** Per-client limit (keyed by the socket's remote address); default 30 a minute, burst 30. */
  rateLimit?: ClientRateLimit;
}

/** The `host` of every configured decisionsUrl, lower-case. */
export function configuredHosts(config: Pick<Config, 'profiles'>): ReadonlySet<string> {
  const hosts = new Set<string>();
  for (const p of config.profiles) if (p.report.decisionsUrl !== undefined) hosts.add(new URL(p.report.decisionsUrl).host.toLowerCase());
  return hosts;
}

/**
 * Whether the request's Host names this server: `127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT`, or
 * a configured decisionsUrl's host (a loopback one only with this port). Anything else is a page of
 * another site that a DNS rebinding pointed here: it must not be served.
 */
export function hostAllowed(host: string | undefined, port: number, configured: ReadonlySet<string>): boolean {
  if (host === undefined) return false;
  const name = host.toLowerCase();
  if (name === `127.0.0.1:${port}` || name === `localhost:${port}` || name === `[::1]:${port}`) return true;
  if (!configured.has(name)) return false;
  let parsed: URL;
  try {
    parsed = new URL(`http://${name}`);
  } catch {
    return false;
  }
  return !isLoopbackHostname(parsed.hostname) || parsed.port === String(port);
}

/** An HTTP server that maps each request to the pure handler and back. */
export function decisionServer(pageDeps: DecideDeps, options: DecisionServerOptions = {}): Server {
  const hosts = options.hosts ?? new Set<string>();
  const rateLimit = options.rateLimit ?? new ClientRateLimit();
  // Refused links sampled: a flood of bad links cannot flood the terminal.
  const deps: DecideDeps = pageDeps.log === undefined ? pageDeps : { ...pageDeps, log: sampledLog(pageDeps.log, { kind: pageFloods }) };
  const send = (res: ServerResponse, response: EntryResponse): void => {
    res.writeHead(response.status, response.headers).end(response.body);
  };
  return createServer((req, res) => {
    void (async () => {
      if (!hostAllowed(req.headers.host, req.socket.localPort ?? 0, hosts)) {
        send(res, plainResponse(421, `this server answers only as 127.0.0.1, localhost or [::1] on its port, or the host of report.decisionsUrl`));
        return;
      }
      const verdict = rateLimit.take(req.socket.remoteAddress ?? 'unknown');
      if (!verdict.ok) {
        send(res, rateLimited(verdict));
        return;
      }
      // The request target must be a path ('//host/…' and absolute URLs are not); only the page's own.
      const target = req.url ?? '';
      if (!target.startsWith('/') || target.startsWith('//')) {
        send(res, notFound());
        return;
      }
      const url = new URL(target, 'http://127.0.0.1');
      if (url.pathname !== DECIDE_PATH) {
        send(res, notFound());
        return;
      }
      const body = await readBody(req);
      if (body === null) {
        send(res, plainResponse(413, 'request too large'));
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name.toLowerCase()] = value;
      const request: DecideRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body, headers };
      send(res, await handleDecision(request, deps));
    })().catch((err: unknown) => {
      deps.log?.error('decision page failed', { method: req.method, problem: err instanceof Error ? err.message : String(err) });
      if (res.headersSent) {
        res.end();
        return;
      }
      send(res, errorPage(500));
    });
  });
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
