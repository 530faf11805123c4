import { DEMO_ALLOWLIST, DEMO_AUDIENCE } from '../sources/demo/demo-source.ts';
import { parseConfig } from './load-config.ts';
import type { Config } from './schema.ts';

/** The embedded default behind `--demo` and `npm start`: the sample community, DynamoDB Local, the outbox. */
export function demoConfig(outDir = 'outbox'): Config {
  return parseConfig(
    {
      profiles: [
        {
          id: 'demo',
          name: 'Demo community',
          sources: [{ type: 'demo', id: 'demo', seed: 42, size: 1000 }],
          allowlist: DEMO_ALLOWLIST,
          audience: DEMO_AUDIENCE,
          report: { recipients: ['you@example.com'], sender: 'followback@example.com', locale: 'en' },
        },
      ],
      delivery: { type: 'outbox', dir: outDir },
    },
    'embedded demo config',
  );
}
