/**
 * Turns zod issues into one line a person can fix a file with:
 * `contacts[12].relation: expected one of following|follower|mutual, got "friend"`.
 * Issues must come from a parse with `reportInput: true`, so the bad value can be quoted.
 */
import type { z } from 'zod';

const MAX_QUOTED = 60;
const MAX_LISTED = 3;

/** `contacts[12].relation` for ['contacts', 12, 'relation']; `(root)` for the whole file. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** A short, escaped rendering of an untrusted value. */
export function quote(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED - 1)}…` : text;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${quote(value)}`;
}

const FORMAT_HINTS: Record<string, string> = {
  datetime: 'an ISO-8601 instant with offset such as "2026-11-25T08:00:00Z"',
  url: 'an absolute URL',
};

export function describeIssue(issue: z.core.$ZodIssue): string {
  const input: unknown = 'input' in issue ? issue.input : undefined;
  const hasInput = 'input' in issue && issue.input !== undefined;
  switch (issue.code) {
    case 'invalid_type':
      return hasInput ? `expected ${issue.expected}, got ${typeName(input)}` : `missing (expected ${issue.expected})`;
    case 'invalid_value': {
      const options = issue.values.map((v) => (typeof v === 'string' ? v : String(v))).join('|');
      const expected = issue.values.length === 1 ? `expected ${options}` : `expected one of ${options}`;
      return hasInput ? `${expected}, got ${quote(input)}` : `missing (${expected})`;
    }
    case 'invalid_format': {
      const hint = FORMAT_HINTS[issue.format] ?? (issue.message || `a ${issue.format}`);
      return `expected ${hint.replace(/^Invalid /, 'a valid ')}, got ${quote(input)}`;
    }
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'too_small':
    case 'too_big': {
      const message = issue.message.replace(/^(Too small|Too big|Invalid input):\s*/i, '');
      return hasInput && typeof input !== 'object' ? `${message}, got ${quote(input)}` : message;
    }
    default:
      return issue.message.replace(/^Invalid input:\s*/i, '');
  }
}

/** The first few issues, each with its path, joined in one line. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, MAX_LISTED).map((issue) => `${formatPath(issue.path)}: ${describeIssue(issue)}`);
  const more = issues.length - shown.length;
  return more > 0 ? `${shown.join('; ')} (and ${more} more problem${more === 1 ? '' : 's'})` : shown.join('; ');
}
