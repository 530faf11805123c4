import { parseArgs } from 'node:util';
import { normaliseHandle } from '../../shared/domain/decisions.ts';
import type { ForgetResult } from '../../shared/ports/store.ts';
import { cliConfig } from './cli-config.ts';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_RUN_FAILED, UsageError, type CliIo } from './cli-io.ts';
import { resolveContact } from './keep.ts';
import { openStoreOrExit, profileOf, readCommandInput } from './command-setup.ts';

export const FORGET_USAGE = `Usage: followback forget CONTACT [options]

Deletes everything followback stores about one contact, for a person who asks
to be removed: the contact (profile, relation, totals, last reasons), every
interaction with them in every month, your keep/snooze decisions on them, and
the unfollows / follow-backs you confirmed on them with their audit records,
and your "this is (not) criticism" labels on their replies.
Other contacts and the run history (counts only) are untouched. Reports already
sent or written to the outbox are not.

CONTACT is a handle (@ada@example.social, ada.bsky.social) or sourceId:contactId
as in the report's CSV "key" column. A handle must match a stored contact; a key
also finds what is left of a contact who no longer follows you (interactions,
decisions). Forgetting twice is safe: the second time there is nothing left.

If the person still follows you (or you them), the next run sees them again and
stores them as a new contact, from that run on: forget erases history, it does
not block anyone.

Options:
  --profile ID    the profile (needed when the config has several)
  --config FILE   config file (default: followback.config.json)
  --demo          the embedded demo community
  -h, --help      this help

Exit codes: 0 ok (also when nothing was left), 1 the store failed, 2 bad input.`;

interface ForgetFlags {
  contact: string;
  profile?: string;
  config?: string;
  demo: boolean;
}

export function parseForgetFlags(argv: string[]): ForgetFlags | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        profile: { type: 'string' },
        config: { type: 'string' },
        demo: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n\n${FORGET_USAGE}`);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const [contact, ...extra] = parsed.positionals.map((p) => p.trim());
  if (extra.length > 0) throw new UsageError(`one contact at a time; got also: ${extra.join(' ')}`);
  if (contact === undefined || contact === '') throw new UsageError(`which contact? e.g. followback forget @ada@example.social\n\n${FORGET_USAGE}`);
  return {
    contact,
    ...(v.profile !== undefined ? { profile: v.profile } : {}),
    ...(v.config !== undefined ? { config: v.config } : {}),
    demo: v.demo,
  };
}

export async function forgetCommand(argv: string[], io: CliIo): Promise<number> {
  const input = await readCommandInput(io, FORGET_USAGE, async () => {
    const flags = parseForgetFlags(argv);
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
    const typed = flags.contact;
    const state = await store.loadProfileState(profile.id);
    const sourceIds = new Set([...profile.sources.map((s) => s.id), ...state.sources.map((s) => s.sourceId)]);

    let key: string;
    let handle: string | undefined;
    const resolved = resolveContact(typed, state.contacts);
    if (resolved.ok) {
      key = resolved.key;
      handle = resolved.handle;
    } else {
      // A key of a known source is exact even when its contact item is gone (they stopped
      // following, or an earlier forget): what is left of them must still be found.
      const cut = typed.indexOf(':');
      const looksLikeKey = cut > 0 && cut < typed.length - 1 && sourceIds.has(typed.slice(0, cut)) && !/\s/.test(typed);
      if (!looksLikeKey || /matches \d+ contacts/.test(resolved.problem)) {
        const problem = /matches \d+ contacts/.test(resolved.problem)
          ? resolved.problem
          : `no contact "${typed}" in profile ${profile.id}: check the spelling, or use the "key" column of the report's CSV (sourceId:contactId); a contact already forgotten has nothing left under its handle, and its key shows what is left`;
        io.stderr(`followback: ${problem}\n`);
        return EXIT_BAD_INPUT;
      }
      key = typed;
    }
    const cut = key.indexOf(':');
    const sourceId = key.slice(0, cut);
    const contactId = key.slice(cut + 1);
    // Decisions are stored under the key (keep resolves it), or under the text typed by older versions.
    const decisions = state.decisions
      .filter((d) => d.contact === key || d.contact === typed || (handle !== undefined && normaliseHandle(d.contact) === normaliseHandle(handle)))
      .map((d) => d.contact);

    const result = await store.forgetContact(profile.id, { sourceId, contactId, decisions: [key, ...decisions] });
    const who = handle !== undefined ? `${handle} (${key})` : key;
    io.stdout(`${profile.id}: ${summary(who, result)}\n`);

    const inConfig = [...profile.allowlist, ...profile.snoozed.map((s) => s.contact)].filter(
      (c) => c === key || (handle !== undefined && normaliseHandle(c) === normaliseHandle(handle)),
    );
    if (inConfig.length > 0) io.stdout(`note: the config still names ${inConfig.join(', ')} (allowlist/snoozed): remove it there too\n`);
    if (handle !== undefined) {
      io.stdout('note: if they still follow you (or you them), the next run stores them again as a new contact\n');
    }
    return EXIT_OK;
  } catch (err) {
    io.stderr(`followback: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_RUN_FAILED;
  } finally {
    await opened.close();
  }
}

function summary(who: string, r: ForgetResult): string {
  const items = (r.contact ? 1 : 0) + r.interactions + r.decisions + r.actions + r.audits + r.labels;
  if (items === 0) return `nothing left about ${who}: no contact, interaction, decision, action or tone label is stored (searched ${r.monthsSearched} months)`;
  const parts = [
    r.contact ? '1 contact item' : 'no contact item',
    `${r.interactions} interaction${r.interactions === 1 ? '' : 's'}${r.interactionMonths.length > 0 ? ` in ${r.interactionMonths.length} month${r.interactionMonths.length === 1 ? '' : 's'} (${r.interactionMonths[0]}${r.interactionMonths.length > 1 ? ` to ${r.interactionMonths.at(-1)}` : ''})` : ''}`,
    `${r.decisions} decision${r.decisions === 1 ? '' : 's'}`,
    `${r.actions} confirmed action${r.actions === 1 ? '' : 's'}`,
    `${r.audits} action audit record${r.audits === 1 ? '' : 's'}`,
    `${r.labels} tone label${r.labels === 1 ? '' : 's'}`,
  ];
  return `forgot ${who}: deleted ${items} item${items === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
