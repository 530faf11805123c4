import { DEMO_ALLOWLIST, DEMO_AUDIENCE } from '../sources/demo/demo-source.ts';
import { DEMO_EXPORTS_DIR } from '../sources/demo/demo-exports.ts';
import { DEMO_INSTAGRAM_TOKEN, demoInstagramFetch, demoInstagramWorld } from '../sources/demo/demo-instagram-api.ts';
import { parseConfig } from './load-config.ts';
import type { Config } from './schema.ts';

/** The demo community's seed and size: the demo source and its generated exports share them. */
export const DEMO_SEED = 42;
export const DEMO_SIZE = 1000;
/**
 * Where the demo's decision links point: `followback serve --demo` on its default port and path, so a
 * newcomer sees the Keep / Snooze / Unfollow links in the first email and can open them.
 */
export const DEMO_DECISIONS_URL = 'http://127.0.0.1:8787/decide';

/**
 * The embedded default behind `--demo` and `npm start`: the sample community, its Instagram and
 * Facebook exports (generated for the run's day into .followback/demo-exports/ by the CLI, read by
 * the real export sources), its Instagram comments and tags through the real Instagram API reader
 * (`demoApiOverrides`), DynamoDB Local, the outbox.
 */
export function demoConfig(outDir = 'outbox'): Config {
  return parseConfig(
    {
      profiles: [
        {
          id: 'demo',
          name: 'Demo community',
          sources: [
            { type: 'demo', id: 'demo', seed: DEMO_SEED, size: DEMO_SIZE },
            // The Instagram API beside the export: answered in process from the demo world (demo-instagram-api.ts,
            // through BuildSourcesDeps.apiOverrides), so the token reference is never read.
            { type: 'instagram', id: 'instagram', exports: `${DEMO_EXPORTS_DIR}/instagram`, api: { accessToken: { env: 'FOLLOWBACK_DEMO_INSTAGRAM_TOKEN' } } },
            { type: 'facebook', id: 'facebook', exports: `${DEMO_EXPORTS_DIR}/facebook` },
          ],
          allowlist: DEMO_ALLOWLIST,
          audience: DEMO_AUDIENCE,
          report: { recipients: ['you@example.com'], sender: 'followback@example.com', locale: 'en', decisionsUrl: DEMO_DECISIONS_URL },
        },
      ],
      delivery: { type: 'outbox', dir: outDir },
    },
    'embedded demo config',
  );
}

/**
 * The demo's Instagram API for a run at `now`: the demo world's comments and tags, answered in
 * process (no network) to the real Instagram API reader. Built lazily: a run that does not pull the
 * Instagram source never generates it.
 */
export function demoApiOverrides(now: Date): Record<string, { fetch: typeof fetch; accessToken: string }> {
  let answer: typeof fetch | undefined;
  const lazy: typeof fetch = (input, init) => {
    answer ??= demoInstagramFetch(demoInstagramWorld({ seed: DEMO_SEED, size: DEMO_SIZE, now }));
    return answer(input, init);
  };
  return { instagram: { fetch: lazy, accessToken: DEMO_INSTAGRAM_TOKEN } };
}
