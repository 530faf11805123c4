import { hostname, userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { ActionInputError, applyActions, howToEnable, recordConfirmation, undoAction, type ActionResult, type ApplyDeps, type ApplyOptions, type ApplyResult } from '../../shared/app/apply-actions.ts';
import { macProblemText, verifyConfirmationMac } from '../../shared/decide/confirmation-mac.ts';
import type { Keyring } from '../../shared/decide/keyring.ts';
import type { ProfileConfig } from '../../shared/config/schema.ts';
import type { ActionConfirmation, ActionKind, ActionRequest } from '../../shared/ports/action-store.ts';
import { EnvSecretResolver } from '../../shared/secrets/env-secrets.ts';
import { buildActor } from '../../shared/sources/build-actors.ts';
import type { DynamoStore } from '../../shared/store/dynamo-store.ts';
import { cliConfig } from './cli-config.ts';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_RUN_FAILED, UsageError, type CliIo } from './cli-io.ts';
import { resolveContact } from './keep.ts';
import { localKeyring } from './local-decision-page.ts';
import { openStoreOrExit, profileOf, readCommandInput } from './command-setup.ts';

export const APPLY_USAGE = `Usage: followback apply [--unfollow CONTACT]... [--follow CONTACT]... [--confirm] [options]

Carries out confirmed actions (unfollow, follow back) through the network's API:
the ones confirmed on the decision page, and those named here with --unfollow
or --follow (confirmed by --confirm). Each is re-checked just before: an
allowlisted or snoozed contact, or one who engaged since the report, is skipped.
At most act.maxPerRun in any hour (the page and every apply together),
act.pacingSeconds apart, one apply or page at a time per profile; every attempt
is audited and shown in the next report. Confirmations from the page count only
when signed by this deployment's decision key. Needs "act": { "enabled": true } in the
profile and a token with write scope. Without --confirm it only shows what it
would do.

Options:
  --unfollow CONTACT   confirm unfollowing a contact you follow (handle or sourceId:contactId)
  --follow CONTACT     confirm following back a follower
  --confirm            do it (without: a dry look, nothing recorded or sent)
  --profile ID         the profile (needed when the config has several)
  --config FILE        config file (default: followback.config.json)
  -h, --help           this help

Exit codes: 0 ok, 1 an action failed or the store failed, 2 bad input.`;

export const UNDO_USAGE = `Usage: followback undo ACTION_ID [--profile ID] [--config FILE]

Reverses one action that was carried out (its id is in the output of apply and in
the report): follows again after an unfollow, unfollows again after a follow.
The undo is audited like any action.

Exit codes: 0 ok, 1 it failed, 2 bad input (unknown id, nothing to undo).`;

interface ApplyFlags {
  unfollow: string[];
  follow: string[];
  confirm: boolean;
  profile?: string;
  config?: string;
}

export function parseApplyFlags(argv: string[]): ApplyFlags | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        unfollow: { type: 'string', multiple: true },
        follow: { type: 'string', multiple: true },
        confirm: { type: 'boolean', default: false },
        profile: { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n\n${APPLY_USAGE}`);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  return {
    unfollow: (v.unfollow ?? []).map((c) => c.trim()).filter((c) => c !== ''),
    follow: (v.follow ?? []).map((c) => c.trim()).filter((c) => c !== ''),
    confirm: v.confirm,
    ...(v.profile !== undefined ? { profile: v.profile } : {}),
    ...(v.config !== undefined ? { config: v.config } : {}),
  };
}

function cliConfirmation(io: CliIo): ActionConfirmation {
  let user = io.env['USER'] ?? 'owner';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (a container): the environment's name will do.
  }
  return { kind: 'cli', ref: `${user}@${hostname()}` };
}

/** What tests inject: the pacing's wait, and how long to wait for another actor's lease. */
export interface ApplyCommandOptions {
  sleep?: ApplyDeps['sleep'];
  leaseWaitMs?: number;
}

function depsFor(profile: ProfileConfig, store: DynamoStore, io: CliIo, keyring: Keyring | undefined, configDir: string): ApplyDeps {
  const secrets = new EnvSecretResolver(io.env, { configDir });
  return {
    actions: store.actionStore(),
    store,
    ledger: store.decisionLedger(),
    // The page's keys (FOLLOWBACK_DECISION_KEYS or .followback/decision-keys.json): without them page confirmations wait, unchecked.
    ...(keyring !== undefined ? { keyring: async () => keyring } : {}),
    actorFor: (sourceId) => buildActor(profile, sourceId, { secrets, sessions: store }),
  };
}

function applyOptions(io: CliIo, options: ApplyCommandOptions): ApplyOptions {
  return { ...(io.signal ? { signal: io.signal } : {}), ...(options.leaseWaitMs !== undefined ? { leaseWaitMs: options.leaseWaitMs } : {}) };
}

export async function applyCommand(argv: string[], io: CliIo, clock: () => Date = () => new Date(), options: ApplyCommandOptions = {}): Promise<number> {
  const input = await readCommandInput(io, APPLY_USAGE, async () => {
    const flags = parseApplyFlags(argv);
    if (flags === 'help') return 'help';
    const { config, configDir } = await cliConfig({ demo: false, ...(flags.config !== undefined ? { config: flags.config } : {}) }, io);
    return { flags, config, configDir, profile: profileOf(config, flags.profile) };
  });
  if (typeof input === 'number') return input;
  const { flags, config, configDir, profile } = input;

  const opened = await openStoreOrExit(config.storage, io);
  if (typeof opened === 'number') return opened;
  try {
    const keyring = await localKeyring(io, { create: false });
    const deps: ApplyDeps = { ...depsFor(profile, opened.store, io, keyring, configDir), clock, ...(options.sleep ? { sleep: options.sleep } : {}) };
    const state = await opened.store.loadProfileState(profile.id);
    const wanted: { typed: string; action: ActionKind }[] = [...flags.unfollow.map((typed) => ({ typed, action: 'unfollow' as const })), ...flags.follow.map((typed) => ({ typed, action: 'follow' as const }))];
    const confirmations = [];
    for (const w of wanted) {
      const resolved = resolveContact(w.typed, state.contacts);
      if (!resolved.ok) {
        io.stderr(`followback: ${resolved.problem}\n`);
        return EXIT_BAD_INPUT;
      }
      const contact = state.contacts.find((c) => `${c.sourceId}:${c.id}` === resolved.key);
      const relation = contact?.relation;
      if (w.action === 'unfollow' && relation === 'follower') {
        io.stderr(`followback: you do not follow ${resolved.handle}: nothing to unfollow\n`);
        return EXIT_BAD_INPUT;
      }
      if (w.action === 'follow' && relation !== 'follower') {
        io.stderr(`followback: you already follow ${resolved.handle}\n`);
        return EXIT_BAD_INPUT;
      }
      if (state.lastRun === null) {
        io.stderr('followback: no report yet: run followback run first, then confirm from its recommendations\n');
        return EXIT_BAD_INPUT;
      }
      confirmations.push({ contactKey: resolved.key, handle: resolved.handle, action: w.action, reportAt: state.lastRun.at });
    }

    if (!flags.confirm) {
      const pending = await deps.actions.listActionRequests(profile.id, 'pending');
      const fromPage = (await opened.store.decisionLedger().listConfirmedActions(profile.id)).filter((a) => a.status === 'pending' && !pending.some((p) => p.confirmation.ref === a.tokenId && p.contactKey === a.key));
      const pageLine = (a: (typeof fromPage)[number]): string => {
        const what = `${a.confirmedAt.slice(0, 16).replace('T', ' ')}: ${a.action === 'follow_back' ? 'follow' : 'unfollow'} ${a.key}`;
        if (keyring === undefined) return `  confirmed on the page ${what} (cannot be checked: no decision signing key here)`;
        const check = verifyConfirmationMac(keyring, profile.id, a);
        return check.ok ? `  confirmed on the page ${what}` : `  refused ${what}: ${macProblemText(check.problem)}`;
      };
      const lines = [
        ...confirmations.map((c) => `  would confirm: ${c.action} ${c.handle} (${c.contactKey})`),
        ...pending.map((r) => `  confirmed ${r.confirmedAt.slice(0, 16).replace('T', ' ')}: ${r.action} ${r.handle} (${r.id})`),
        ...fromPage.map(pageLine),
      ];
      io.stdout(lines.length > 0 ? `${profile.id}: ${lines.length} action(s):\n${lines.join('\n')}\n` : `${profile.id}: no confirmed actions waiting\n`);
      if (!profile.act.enabled) io.stdout(`${howToEnable(profile.id)}\n`);
      else if (lines.length > 0) io.stdout(`each is re-checked just before acting; at most ${profile.act.maxPerRun} an hour (the page's included), ${profile.act.pacingSeconds}s apart. Nothing was done: add --confirm to do it\n`);
      return EXIT_OK;
    }

    const confirmation = cliConfirmation(io);
    const recorded: ActionRequest[] = [];
    for (const c of confirmations) recorded.push(await recordConfirmation(profile, deps, { ...c, confirmation }));
    const result = await applyActions(profile, deps, applyOptions(io, options));
    printResult(io, profile, result, recorded);
    return result.results.some((r) => r.outcome === 'failed') || result.stopped?.reason === 'busy' || result.stopped?.reason === 'lease_lost' ? EXIT_RUN_FAILED : EXIT_OK;
  } catch (err) {
    io.stderr(`followback: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_RUN_FAILED;
  } finally {
    await opened.close();
  }
}

export async function undoCommand(argv: string[], io: CliIo, clock: () => Date = () => new Date(), options: ApplyCommandOptions = {}): Promise<number> {
  const input = await readCommandInput(io, UNDO_USAGE, async () => {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, strict: true, allowPositionals: true, options: { profile: { type: 'string' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } });
    } catch (err) {
      throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n\n${UNDO_USAGE}`);
    }
    if (parsed.values.help) return 'help';
    const [actionId, ...extra] = parsed.positionals;
    if (actionId === undefined || extra.length > 0) throw new UsageError(`one action id, e.g. followback undo 20261123-3f9a1c\n\n${UNDO_USAGE}`);
    const { config, configDir } = await cliConfig({ demo: false, ...(parsed.values.config !== undefined ? { config: parsed.values.config } : {}) }, io);
    return { actionId, config, configDir, profile: profileOf(config, parsed.values.profile) };
  });
  if (typeof input === 'number') return input;
  const { actionId, config, configDir, profile } = input;
  const opened = await openStoreOrExit(config.storage, io);
  if (typeof opened === 'number') return opened;
  try {
    const deps: ApplyDeps = { ...depsFor(profile, opened.store, io, await localKeyring(io, { create: false }), configDir), clock, ...(options.sleep ? { sleep: options.sleep } : {}) };
    const { request, apply } = await undoAction(profile, deps, actionId, cliConfirmation(io), io.signal);
    printResult(io, profile, apply, [request]);
    return apply.results.some((r) => r.outcome === 'failed') || apply.stopped?.reason === 'busy' ? EXIT_RUN_FAILED : EXIT_OK;
  } catch (err) {
    io.stderr(`followback: ${err instanceof Error ? err.message : String(err)}\n`);
    return err instanceof ActionInputError ? EXIT_BAD_INPUT : EXIT_RUN_FAILED;
  } finally {
    await opened.close();
  }
}

function printResult(io: CliIo, profile: ProfileConfig, result: ApplyResult, recorded: ActionRequest[]): void {
  for (const r of recorded) io.stdout(`${profile.id}: confirmed ${r.action}${r.undoOf !== undefined ? ` (undo of ${r.undoOf})` : ''} ${r.handle} as ${r.id}\n`);
  if (!result.enabled) {
    io.stdout(`${howToEnable(profile.id)}\n`);
    return;
  }
  for (const r of result.results) io.stdout(`  ${line(r)}\n`);
  for (const r of result.interrupted) io.stdout(`  ${r.id}  ${r.action.padEnd(8)} ${r.handle}  interrupted: ${r.detail ?? 'back to pending'}\n`);
  for (const r of result.refused) {
    const what = `${r.action === 'follow_back' ? 'follow' : 'unfollow'} ${r.key} (confirmed on the page ${r.confirmedAt.slice(0, 16).replace('T', ' ')})`;
    io.stdout(r.checked ? `  refused  ${what}: ${r.reason}\n` : `  waiting  ${what}: ${r.reason} (set FOLLOWBACK_DECISION_KEYS or .followback/decision-keys.json as for serve)\n`);
  }
  if (result.stopped !== undefined) io.stdout(`${stopLine(profile, result.stopped)}\n`);
  if (result.stillPending.length > 0) io.stdout(`${result.stillPending.length} more confirmed action(s) wait for the next apply\n`);
  if (result.results.length === 0 && result.stillPending.length === 0 && result.refused.length === 0) io.stdout(`${profile.id}: no confirmed actions waiting\n`);
  if (result.results.some((r) => r.outcome === 'done')) io.stdout('undo one with: followback undo ACTION_ID\n');
}

function line(r: ActionResult): string {
  const what = `${r.request.id}  ${r.request.action.padEnd(8)} ${r.request.handle}`;
  const answer = r.answer ? ` [${r.answer.status !== undefined ? `${r.answer.status} ` : ''}${r.answer.summary}]` : '';
  return `${what}  ${r.outcome}${r.reason !== undefined ? `: ${r.reason}` : ''}${answer}`;
}

function stopLine(profile: ProfileConfig, stop: NonNullable<ApplyResult['stopped']>): string {
  const at = stop.until !== undefined ? ` (next at ${stop.until})` : '';
  switch (stop.reason) {
    case 'cap':
      return `${profile.id}: the cap is reached: at most ${profile.act.maxPerRun} actions in any hour (act.maxPerRun, the page's included)${at}`;
    case 'pacing':
      return `${profile.id}: waiting for the pacing (act.pacingSeconds is ${profile.act.pacingSeconds})${at}`;
    case 'busy':
      return `${profile.id}: another apply or the decision page is acting on this profile; nothing was sent. Try again in a minute`;
    case 'deadline':
      return `${profile.id}: stopped before the end; what is left waits for the next apply`;
    case 'lease_lost':
      return `${profile.id}: another actor took over this profile's acting lease; stopped, what is left waits for the next apply`;
  }
}
