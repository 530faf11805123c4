import { parseArgs } from 'node:util';
import type { TrackedContact } from '../../shared/domain/analysis-types.ts';
import { normaliseHandle } from '../../shared/domain/decisions.ts';
import { keepContact } from '../../shared/app/keep-contact.ts';
import { suggestedForOf } from '../../shared/domain/suggestions.ts';
import { cliConfig } from './cli-config.ts';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_RUN_FAILED, UsageError, type CliIo } from './cli-io.ts';
import { openStoreOrExit, profileOf, readCommandInput } from './command-setup.ts';

export const KEEP_USAGE = `Usage: followback keep CONTACT [options]
       followback keep --forget CONTACT [options]
       followback keep --list [options]

Tells followback to keep a contact: for ever, or until a date (a snooze). A kept
contact is never suggested for removal. CONTACT is a handle (@ada@example.social,
ada.bsky.social) or sourceId:contactId as in the report's CSV "key" column.
Decisions live in the store beside the config's "allowlist" and "snoozed".

Options:
  --until DATE    keep until this date (YYYY-MM-DD: through that day, UTC; or an ISO date-time)
  --note TEXT     why (shown by --list)
  --forget        remove a decision made with this command
  --list          show every decision of the profile (config and store)
  --profile ID    the profile (needed when the config has several)
  --config FILE   config file (default: followback.config.json)
  --demo          the embedded demo community
  -h, --help      this help

Exit codes: 0 ok, 1 the store failed, 2 bad input.`;

interface KeepFlags {
  contact?: string;
  until?: string;
  note?: string;
  forget: boolean;
  list: boolean;
  profile?: string;
  config?: string;
  demo: boolean;
}

export function parseKeepFlags(argv: string[], now: Date): KeepFlags | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        until: { type: 'string' },
        note: { type: 'string' },
        forget: { type: 'boolean', default: false },
        list: { type: 'boolean', default: false },
        profile: { type: 'string' },
        config: { type: 'string' },
        demo: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n\n${KEEP_USAGE}`);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const [contact, ...extra] = parsed.positionals.map((p) => p.trim());
  if (extra.length > 0) throw new UsageError(`one contact at a time; got also: ${extra.join(' ')}`);
  if (v.list && (contact !== undefined || v.forget || v.until !== undefined)) throw new UsageError('--list takes no contact, --forget or --until');
  if (!v.list && (contact === undefined || contact === '')) throw new UsageError(`which contact? e.g. followback keep @ada@example.social\n\n${KEEP_USAGE}`);
  if (v.forget && (v.until !== undefined || v.note !== undefined)) throw new UsageError('--forget takes no --until or --note');
  let until: string | undefined;
  if (v.until !== undefined) {
    until = untilInstant(v.until);
    if (Date.parse(until) <= now.getTime()) throw new UsageError(`--until ${v.until} has already passed`);
  }
  return {
    ...(contact !== undefined && contact !== '' ? { contact } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(v.note !== undefined ? { note: v.note } : {}),
    forget: v.forget,
    list: v.list,
    ...(v.profile !== undefined ? { profile: v.profile } : {}),
    ...(v.config !== undefined ? { config: v.config } : {}),
    demo: v.demo,
  };
}

/** A date-only `until` keeps the contact through that whole day (UTC): the instant it ends. */
function untilInstant(text: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const start = Date.parse(`${text}T00:00:00Z`);
    if (!Number.isNaN(start) && new Date(start).toISOString().startsWith(text)) return new Date(start + 86_400_000).toISOString();
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(text) && !Number.isNaN(Date.parse(text))) {
    return new Date(text).toISOString();
  }
  throw new UsageError(`--until "${text}" is not a date such as 2027-03-01`);
}

export async function keepCommand(argv: string[], io: CliIo, clock: () => Date = () => new Date()): Promise<number> {
  const now = clock();
  const input = await readCommandInput(io, KEEP_USAGE, async () => {
    const flags = parseKeepFlags(argv, now);
    if (flags === 'help') return 'help';
    const { config } = await cliConfig(flags, io);
    return { flags, config, profile: profileOf(config, flags.profile) };
  });
  if (typeof input === 'number') return input;
  const { flags, config, profile } = input;

  const opened = await openStoreOrExit(config.storage, io);
  if (typeof opened === 'number') return opened;
  try {
    const store = opened.store;
    if (flags.list) {
      const state = await store.loadProfileState(profile.id);
      const lines = [
        ...profile.allowlist.map((c) => `${c}\tkeep for ever\t(config allowlist)`),
        ...profile.snoozed.map((s) => `${s.contact}\tkeep until ${s.until}\t(config)${s.note ? `\t${s.note}` : ''}`),
        ...state.decisions.map((d) => `${d.contact}\t${d.kind === 'allow' ? 'keep for ever' : `keep until ${d.until ?? '?'}`}\t(decided ${d.at.slice(0, 10)})${d.note ? `\t${d.note}` : ''}`),
      ];
      io.stdout(lines.length > 0 ? `${lines.join('\n')}\n` : `${profile.id}: no decisions yet\n`);
      return EXIT_OK;
    }
    const typed = flags.contact ?? '';
    const state = await store.loadProfileState(profile.id);
    if (flags.forget) {
      // Forget by whatever the decision was stored under: the resolved key, or the text as typed.
      const resolved = resolveContact(typed, state.contacts);
      const candidates = [...new Set([...(resolved.ok ? [resolved.key] : []), typed, ...state.decisions.filter((d) => normaliseHandle(d.contact) === normaliseHandle(typed)).map((d) => d.contact)])];
      let existed = false;
      for (const candidate of candidates) existed = (await store.deleteDecision(profile.id, candidate)) || existed;
      io.stdout(existed ? `${profile.id}: forgot the decision on ${typed}\n` : `${profile.id}: there was no stored decision on ${typed}${profile.allowlist.includes(typed) ? ' (it is in the config allowlist: edit the config)' : ''}\n`);
      return EXIT_OK;
    }
    const resolved = resolveContact(typed, state.contacts);
    if (!resolved.ok) {
      io.stderr(`followback: ${resolved.problem}\n`);
      return EXIT_BAD_INPUT;
    }
    const contact = resolved.key;
    // Keeping a contact the last report suggested removing answers that suggestion: its reasons are recorded (shared/domain/suggestions.ts).
    const known = state.contacts.find((c) => `${c.sourceId}:${c.id}` === contact);
    const suggested = known !== undefined && (known.previousRecommendation === 'unfollow' || known.previousRecommendation === 'review') ? { suggestedFor: suggestedForOf(known, now) } : {};
    await keepContact(store, profile.id, { contact, ...(flags.until !== undefined ? { until: flags.until } : {}), ...(flags.note !== undefined ? { note: flags.note } : {}), now, ...suggested });
    io.stdout(`${profile.id}: ${resolved.handle} (${contact}) is kept ${flags.until === undefined ? 'for ever' : `until ${flags.until}`}; the next report will not suggest removing it\n`);
    return EXIT_OK;
  } catch (err) {
    io.stderr(`followback: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_RUN_FAILED;
  } finally {
    await opened.close();
  }
}

/**
 * Finds the contact a typed name means: its exact key (`sourceId:contactId`) or
 * its handle (any case, `@` optional). Decisions are stored under the key, so a
 * handle change later does not undo them, and a typo is refused, not kept.
 */
export function resolveContact(typed: string, contacts: readonly TrackedContact[]): { ok: true; key: string; handle: string } | { ok: false; problem: string } {
  const byKey = contacts.find((c) => `${c.sourceId}:${c.id}` === typed);
  if (byKey) return { ok: true, key: typed, handle: byKey.handle };
  const wanted = normaliseHandle(typed);
  const byHandle = contacts.filter((c) => normaliseHandle(c.handle) === wanted);
  const [only] = byHandle;
  if (byHandle.length === 1 && only) return { ok: true, key: `${only.sourceId}:${only.id}`, handle: only.handle };
  if (byHandle.length > 1) return { ok: false, problem: `"${typed}" matches ${byHandle.length} contacts: name one by its key (${byHandle.map((c) => `${c.sourceId}:${c.id}`).join(', ')})` };
  return {
    ok: false,
    problem: `no contact "${typed}" in this profile's last run: check the spelling, use the "key" column of the report's CSV, or put the handle in the config's allowlist`,
  };
}
