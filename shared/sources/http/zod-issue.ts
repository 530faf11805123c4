import type { z } from 'zod';

/** `[3].acct` for path [3, 'acct']; `(root)` for the whole value. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** One line naming the first bad field and what was expected, e.g. `[3].acct: expected string, received number`. */
export function describeZodError(error: z.ZodError): string {
  const [first, ...rest] = error.issues;
  if (!first) return 'invalid payload';
  const message = first.message.replace(/^Invalid input:\s*/i, '');
  const more = rest.length > 0 ? ` (and ${rest.length} more issue${rest.length === 1 ? '' : 's'})` : '';
  return `${formatIssuePath(first.path)}: ${message}${more}`;
}
