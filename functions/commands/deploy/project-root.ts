/**
 * The followback folder `deploy` runs the CDK in: the clone this CLI belongs
 * to (functions/cli.ts under tsx, dist/cli.js once built). An `npm i -g`
 * install has the command but not the CDK app (infra/ and the CDK are a
 * clone's, with its development dependencies), so it has no such folder.
 */
import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a folder needs to deploy from it. */
export const PROJECT_MARKERS = ['cdk.json', 'infra/app.ts'];
const CDK_PACKAGE = 'node_modules/aws-cdk/package.json';

export type ProjectRoot = { ok: true; root: string } | { ok: false; reason: string };

/** Looks upward from `from` (default: this module's folder) for cdk.json beside infra/app.ts. */
export async function findProjectRoot(from: string = dirname(fileURLToPath(import.meta.url))): Promise<ProjectRoot> {
  let dir = from;
  for (;;) {
    if (await allExist(dir, PROJECT_MARKERS)) {
      if (!(await allExist(dir, [CDK_PACKAGE]))) {
        return { ok: false, reason: `${dir} has the CDK app but not the AWS CDK: run npm ci there first` };
      }
      return { ok: true, root: dir };
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return {
    ok: false,
    reason:
      'deploy runs the CDK app of a followback clone, and this copy of followback has none (an npm i -g install carries ' +
      'the command only): git clone the repository, npm ci, then npx followback deploy there',
  };
}

async function allExist(dir: string, files: string[]): Promise<boolean> {
  for (const file of files) {
    try {
      await access(join(dir, file));
    } catch {
      return false;
    }
  }
  return true;
}
