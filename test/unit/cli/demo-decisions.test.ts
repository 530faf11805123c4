/**
 * The demo shows the decisions (issue 18, point 5): `npm start` signs the email's Keep / Snooze /
 * Unfollow links for the page `followback serve --demo` serves, and its last line says how to open them.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_DECISIONS_HINT } from '../../../functions/commands/run.ts';
import { DECIDE_PATH, DEFAULT_SERVE_PORT } from '../../../functions/commands/serve.ts';
import { DEMO_DECISIONS_URL, demoConfig } from '../../../shared/config/demo-config.ts';

describe('the demo carries decision links', () => {
  it('points them at serve --demo on its default port and path', () => {
    expect(DEMO_DECISIONS_URL).toBe(`http://127.0.0.1:${DEFAULT_SERVE_PORT}${DECIDE_PATH}`);
    expect(demoConfig().profiles[0]?.report.decisionsUrl).toBe(DEMO_DECISIONS_URL);
  });

  it("the run's last line says how to open them", () => {
    expect(DEMO_DECISIONS_HINT).toContain('serve --demo');
    expect(DEMO_DECISIONS_HINT).toContain(DEMO_DECISIONS_URL);
  });
});
