import { parseArgs } from 'node:util';
import type { ProfileConfig } from '../../shared/config/schema.ts';
import { interactionRef, normaliseLabelText, quotedPrefix, textHash, textRef } from '../../shared/classify/tone/owner-labels.ts';
import type { ToneLabel, ToneLabelKind } from '../../shared/ports/tone-labels.ts';
import { clipLabelText } from '../../shared/store/dynamo-tone-label-store.ts';
import { cliConfig } from './cli-config.ts';
import { EXIT_OK, EXIT_RUN_FAILED, UsageError, type CliIo } from './cli-io.ts';
import { openStoreOrExit, profileOf, readCommandInput } from './command-setup.ts';

export const LABEL_USAGE = `Usage: followback label --not-criticism REPLY [options]
       followback label --criticism REPLY [options]
       followback label --remove REPLY [options]
       followback label --list [options]

Teaches the tone classifier what criticism means to you. A labelled reply
counts your way from the next run on, and replies like it (close in wording)
are judged your way too. REPLY is the reply's text as the report quotes it
(in quotes; a shortened quote ending in "…" names every reply starting so),
sourceId:interactionId, or a label's id as --list prints it (t:… or i:…).

Options:
  --not-criticism REPLY   this reply is not criticism (praise in rough words, a joke, slang)
  --criticism REPLY       this reply is criticism (sarcasm, condescension) though it looked kind
  --remove REPLY          forget the label on this reply
  --list                  show the profile's labels
  --profile ID            the profile (needed when the config has several)
  --config FILE           config file (default: followback.config.json)
  --demo                  the embedded demo community
  -h, --help              this help

Exit codes: 0 ok, 1 the store failed, 2 bad input.`;

type LabelAction = { kind: 'put'; label: ToneLabelKind; reply: string } | { kind: 'remove'; reply: string } | { kind: 'list' };

interface LabelFlags {
  action: LabelAction;
  profile?: string;
  config?: string;
  demo: boolean;
}

export function parseLabelFlags(argv: string[]): LabelFlags | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'not-criticism': { type: 'string' },
        criticism: { type: 'string' },
        remove: { type: 'string' },
        list: { type: 'boolean', default: false },
        profile: { type: 'string' },
        config: { type: 'string' },
        demo: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n\n${LABEL_USAGE}`);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const actions: LabelAction[] = [
    ...(v['not-criticism'] !== undefined ? [{ kind: 'put', label: 'not_criticism', reply: v['not-criticism'] } as const] : []),
    ...(v.criticism !== undefined ? [{ kind: 'put', label: 'criticism', reply: v.criticism } as const] : []),
    ...(v.remove !== undefined ? [{ kind: 'remove', reply: v.remove } as const] : []),
    ...(v.list ? [{ kind: 'list' } as const] : []),
  ];
  const [action, ...more] = actions;
  if (action === undefined) throw new UsageError(`which reply? e.g. followback label --not-criticism "questo post spacca"\n\n${LABEL_USAGE}`);
  if (more.length > 0) throw new UsageError('one of --not-criticism, --criticism, --remove, --list at a time');
  if (action.kind !== 'list' && action.reply.trim() === '') throw new UsageError('the reply is empty: give its text in quotes or sourceId:interactionId');
  return { action, ...(v.profile !== undefined ? { profile: v.profile } : {}), ...(v.config !== undefined ? { config: v.config } : {}), demo: v.demo };
}

/** What REPLY names: a label id, an interaction of one of the profile's sources, or a text. */
export function replyOf(reply: string, profile: Pick<ProfileConfig, 'sources'>): { ref: string; fields: Pick<ToneLabel, 'sourceId' | 'interactionId' | 'textHash' | 'text' | 'truncated'> } {
  const typed = reply.trim();
  if (/^t:[0-9a-f]{16}$/.test(typed)) return { ref: typed, fields: { textHash: typed.slice(2) } };
  const sourceIds = new Set(profile.sources.map((s) => s.id));
  const id = /^i:([^:\s]+):(\S+)$/.exec(typed) ?? /^([^:\s]+):(\S+)$/.exec(typed);
  if (id !== null && id[1] !== undefined && id[2] !== undefined && sourceIds.has(id[1])) {
    return { ref: interactionRef(id[1], id[2]), fields: { sourceId: id[1], interactionId: id[2] } };
  }
  // The store keeps at most LABEL_TEXT_MAX UTF-16 units: cut there, never inside a character (emoji count double).
  const text = clipLabelText(typed);
  const prefix = quotedPrefix(text);
  if (prefix !== undefined) {
    if (prefix === '') throw new UsageError('the quote is only "…": give more of the reply');
    return { ref: `t:${textHash(prefix)}`, fields: { textHash: textHash(prefix), text, truncated: true } };
  }
  return { ref: textRef(text), fields: { textHash: textHash(text), text } };
}

const WORDS: Record<ToneLabelKind, string> = { not_criticism: 'not criticism', criticism: 'criticism' };

export async function labelCommand(argv: string[], io: CliIo, clock: () => Date = () => new Date()): Promise<number> {
  const input = await readCommandInput(io, LABEL_USAGE, async () => {
    const flags = parseLabelFlags(argv);
    if (flags === 'help') return 'help';
    const { config } = await cliConfig(flags, io);
    const profile = profileOf(config, flags.profile);
    // Resolved before the store opens: a bad reply is exit 2 with nothing touched.
    const named = flags.action.kind === 'list' ? undefined : replyOf(flags.action.reply, profile);
    return { flags, config, profile, named };
  });
  if (typeof input === 'number') return input;
  const { flags, config, profile, named } = input;
  const opened = await openStoreOrExit(config.storage, io);
  if (typeof opened === 'number') return opened;
  try {
    const labels = opened.store.toneLabelStore();
    const action = flags.action;
    if (action.kind === 'list') {
      const all = (await labels.listLabels(profile.id)).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
      const lines = all.map((l) => `${l.ref}\t${WORDS[l.label]}\t(${l.by}, ${l.at.slice(0, 10)})${l.text !== undefined ? `\t${JSON.stringify(snippet(l.text))}` : ''}`);
      io.stdout(lines.length > 0 ? `${lines.join('\n')}\n` : `${profile.id}: no labels yet\n`);
      return EXIT_OK;
    }
    if (named === undefined) throw new Error('unreachable: a reply was resolved');
    if (action.kind === 'remove') {
      const removed = await labels.deleteLabel(profile.id, named.ref);
      io.stdout(removed ? `${profile.id}: removed the label ${named.ref}; the classifier judges that reply alone from the next run\n` : `${profile.id}: there was no label ${named.ref} (see followback label --list)\n`);
      return EXIT_OK;
    }
    await labels.putLabel(profile.id, { ref: named.ref, ...named.fields, label: action.label, at: clock().toISOString(), by: 'cli' });
    const what = named.fields.text !== undefined ? JSON.stringify(snippet(named.fields.text)) : named.ref;
    io.stdout(`${profile.id}: ${what} is ${WORDS[action.label]} (label ${named.ref}); from the next run it counts so, and similar replies are judged the same way\n`);
    return EXIT_OK;
  } catch (err) {
    io.stderr(`followback: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_RUN_FAILED;
  } finally {
    await opened.close();
  }
}

function snippet(text: string): string {
  const n = normaliseLabelText(text);
  const chars = Array.from(n);
  return chars.length <= 60 ? n : `${chars.slice(0, 59).join('')}…`;
}
