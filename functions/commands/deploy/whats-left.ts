/**
 * What is left to do after a deployment, read from AWS and the config:
 * the SES identity (and, in the sandbox, the recipients) not verified yet, the
 * token secrets still holding the stack's placeholder, the decision page's URL
 * not yet in the profiles' `report.decisionsUrl`. Gathering asks AWS through
 * the ports of aws-ports.ts; rendering is a pure function.
 */
import type { Config } from '../../../shared/config/schema.ts';
import type { DeployAws, SecretState, VerificationStatus } from './aws-ports.ts';

/** The stack output naming the decision page (infra/constructs/decision-endpoint.ts DECISION_URL_OUTPUT; a test keeps them equal). */
export const DECISION_URL_OUTPUT = 'DecisionPageUrl';

/** Where a secret reference sits: the profile, the source, the field (`accessToken`, `api.refreshToken`). */
export interface SecretUsePlace {
  profileId: string;
  sourceId: string;
  field: string;
}

/** A Secrets Manager name the config refers to, and where. */
export interface SecretUse {
  secretName: string;
  uses: SecretUsePlace[];
}

const SECRET_REF_KEYS = new Set(['env', 'secretName', 'file']);

/** Every `secretName` of every source's secret references (tokens, app passwords, API tokens), once each, sorted. */
export function secretReferences(config: Config): SecretUse[] {
  const found = new Map<string, SecretUsePlace[]>();
  const walk = (value: unknown, where: { profileId: string; sourceId: string }, field: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, where, `${field}[${i}]`));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (typeof record['secretName'] === 'string' && keys.every((k) => SECRET_REF_KEYS.has(k))) {
      const uses = found.get(record['secretName']) ?? [];
      uses.push({ ...where, field });
      found.set(record['secretName'], uses);
      return;
    }
    for (const key of keys) walk(record[key], where, field === '' ? key : `${field}.${key}`);
  };
  for (const profile of config.profiles) {
    for (const source of profile.sources) walk(source, { profileId: profile.id, sourceId: source.id }, '');
  }
  return [...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([secretName, uses]) => ({ secretName, uses }));
}

type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

export interface DeployState {
  region: string;
  sesRegion: string;
  identity: string;
  identityStatus: Checked<VerificationStatus>;
  /** Recipients SES would refuse in the sandbox (neither the address nor its domain verified). */
  unverifiedRecipients: Checked<string[]>;
  sandbox: Checked<boolean | undefined>;
  secrets: (SecretUse & { state: Checked<SecretState> })[];
  /** The stack's DecisionPageUrl output; `undefined` value: the stack has no such output. */
  decisionUrl: Checked<string | undefined>;
  profiles: { id: string; decisionsUrl?: string }[];
}

async function checked<T>(read: () => Promise<T>): Promise<Checked<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Reads the state; a call that fails is recorded as such (the deployment itself has succeeded). */
export async function gatherDeployState(input: { config: Config; stackName: string; region: string; aws: DeployAws }): Promise<DeployState> {
  const { config, region, aws } = input;
  const identity = config.deploy?.sesIdentity ?? '';
  const sesRegion = config.delivery.type === 'ses' ? (config.delivery.region ?? region) : region;
  const recipients = [...new Set(config.profiles.flatMap((p) => p.report.recipients))].sort();
  const domains = [...new Set(recipients.map(domainOf))];
  const ses = aws.ses(sesRegion);
  const secretsPort = aws.secrets(region);
  const [statuses, sandbox, secrets, stack] = await Promise.all([
    checked(() => ses.verification([...new Set([identity, ...recipients, ...domains])])),
    checked(() => ses.inSandbox()),
    Promise.all(secretReferences(config).map(async (use) => ({ ...use, state: await checked(() => secretsPort.state(use.secretName)) }))),
    checked(() => aws.stacks(region).describe(input.stackName)),
  ]);
  const verified = (id: string): boolean => statuses.ok && statuses.value.get(id) === 'Success';
  return {
    region,
    sesRegion,
    identity,
    identityStatus: statuses.ok ? { ok: true, value: statuses.value.get(identity) ?? 'NotFound' } : statuses,
    unverifiedRecipients: statuses.ok ? { ok: true, value: recipients.filter((r) => !verified(r) && !verified(domainOf(r))) } : statuses,
    sandbox,
    secrets,
    decisionUrl: stack.ok
      ? stack.value === undefined
        ? { ok: false, error: `stack ${input.stackName} not found in ${region}` }
        : { ok: true, value: stack.value.outputs[DECISION_URL_OUTPUT] }
      : stack,
    profiles: config.profiles.map((p) => ({ id: p.id, ...(p.report.decisionsUrl !== undefined ? { decisionsUrl: p.report.decisionsUrl } : {}) })),
  };
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

export interface WhatIsLeft {
  /** The text to print (ends with a newline). */
  text: string;
  /** How many things the owner still has to do (0: nothing). */
  todo: number;
  /** Checks that could not be made (AWS refused or failed). */
  unchecked: number;
}

export interface RenderOptions {
  /** The config file to edit. */
  configPath: string;
  /** True when the CLI has `followback secrets set` (then the hint uses it, else the AWS CLI). */
  secretsCommand: boolean;
}

/** Renders the state as numbered steps. */
export function renderWhatIsLeft(state: DeployState, options: RenderOptions): WhatIsLeft {
  const { configPath } = options;
  const steps: string[] = [];
  const unchecked: string[] = [];
  const done: string[] = [];
  const r = state.sesRegion;

  // SES: the sending identity.
  if (!state.identityStatus.ok) unchecked.push(`the SES identity ${state.identity} (${state.identityStatus.error})`);
  else {
    const status = state.identityStatus.value;
    const isAddress = state.identity.includes('@');
    const finish = isAddress ? `click the link in the email AWS sends to ${state.identity}` : `add the DNS records SES shows for ${state.identity} (SES console → Identities → ${state.identity})`;
    if (status === 'Success') done.push(`SES identity ${state.identity} verified`);
    else if (status === 'NotFound' || status === 'NotStarted') {
      steps.push(
        `Verify the SES identity ${state.identity} in ${r}: SES does not know it yet, and no report can be sent until it is verified.\n` +
          `Create it (or in the SES console → Identities → Create identity):\n` +
          `  aws sesv2 create-email-identity --email-identity ${state.identity} --region ${r}\n` +
          `then ${finish}.`,
      );
    } else if (status === 'Pending') {
      steps.push(`Finish verifying the SES identity ${state.identity} in ${r} (SES is waiting): ${finish}. No report can be sent until then.`);
    } else {
      steps.push(`The SES identity ${state.identity} in ${r} failed verification (${status}): check its records in the SES console → Identities → ${state.identity}, and start the verification again there.`);
    }
  }

  // SES sandbox: every recipient must be verified too.
  if (state.sandbox.ok && state.sandbox.value !== false && state.unverifiedRecipients.ok && state.unverifiedRecipients.value.length > 0) {
    const list = state.unverifiedRecipients.value;
    const lead = state.sandbox.value === true ? `Your SES account in ${r} is in the sandbox: it delivers only to verified addresses.` : `If your SES account in ${r} is still in the sandbox (new accounts are), it delivers only to verified addresses.`;
    steps.push(
      `${lead} Verify ${list.length === 1 ? 'this recipient' : 'these recipients'} (each gets a link to click):\n` +
        list.map((a) => `  aws sesv2 create-email-identity --email-identity ${a} --region ${r}`).join('\n') +
        `\nor request production access (SES console → Account dashboard).`,
    );
  } else if (!state.sandbox.ok && state.unverifiedRecipients.ok && state.unverifiedRecipients.value.length > 0) {
    unchecked.push(`whether SES in ${r} is in the sandbox (${state.sandbox.error}); if it is, verify ${state.unverifiedRecipients.value.join(', ')}`);
  }

  // Secrets: names and where they are used, never a value.
  const placeholders = state.secrets.filter((s) => s.state.ok && s.state.value === 'placeholder');
  const missing = state.secrets.filter((s) => s.state.ok && s.state.value === 'missing');
  for (const s of state.secrets) if (!s.state.ok) unchecked.push(`the secret ${s.secretName} (${s.state.error})`);
  const setCount = state.secrets.filter((s) => s.state.ok && s.state.value === 'set').length;
  if (setCount > 0) done.push(`${setCount} secret${setCount === 1 ? '' : 's'} set`);
  const width = Math.max(0, ...[...placeholders, ...missing].map((s) => s.secretName.length));
  const row = (s: SecretUse): string => `  ${s.secretName.padEnd(width)}  (${s.uses.map((u) => `${u.profileId}/${u.sourceId} ${u.field}`).join('; ')})`;
  if (placeholders.length > 0) {
    steps.push(
      `Put the token${placeholders.length === 1 ? '' : 's'} in ${placeholders.length === 1 ? 'this secret' : 'these secrets'}: ${placeholders.length === 1 ? 'it still holds' : 'they still hold'} the placeholder the stack created, and a run fails until then:\n` +
        placeholders.map(row).join('\n') +
        `\n${putSecretHint(placeholders, state.secrets, state.region, options.secretsCommand)}`,
    );
  }
  if (missing.length > 0) {
    steps.push(
      `${missing.length === 1 ? 'This secret does' : 'These secrets do'} not exist in ${state.region} (the config refers to ${missing.length === 1 ? 'it' : 'them'}, the stack did not create ${missing.length === 1 ? 'it' : 'them'}):\n` +
        missing.map(row).join('\n') +
        `\nCreate each with its value, e.g. aws secretsmanager create-secret --region ${state.region} --name ${missing[0]?.secretName ?? ''} --secret-string '<token>'`,
    );
  }

  // The decision page's URL in each profile's report.
  if (!state.decisionUrl.ok) unchecked.push(`the stack's outputs (${state.decisionUrl.error})`);
  else if (state.decisionUrl.value === undefined) unchecked.push(`the decision page's URL: the stack has no "${DECISION_URL_OUTPUT}" output`);
  else {
    const url = state.decisionUrl.value;
    const without = state.profiles.filter((p) => p.decisionsUrl === undefined);
    const elsewhere = state.profiles.filter((p) => p.decisionsUrl !== undefined && !sameOrigin(p.decisionsUrl, url));
    if (without.length > 0) {
      steps.push(
        `Put the decision page in ${without.length === 1 ? `profile ${without[0]?.id ?? ''}` : `profiles ${without.map((p) => p.id).join(', ')}`} of ${configPath}, then run followback deploy again (the functions carry the config), so the email's Keep / Snooze / Unfollow links open it:\n` +
          `  "report": { …, "decisionsUrl": "${url}" }`,
      );
    } else if (elsewhere.length === 0) done.push(`decision page ${url} in every profile`);
    for (const p of elsewhere) done.push(`profile ${p.id}'s decisionsUrl is ${p.decisionsUrl ?? ''}, not the stack's page ${url} (fine if it forwards there)`);
  }

  const lines: string[] = [];
  if (steps.length === 0) lines.push(unchecked.length === 0 ? 'Nothing left to do.' : 'Nothing left to do that could be checked.');
  else {
    lines.push(`What is left to do (${steps.length}):`);
    steps.forEach((step, i) => {
      const [first, ...rest] = step.split('\n');
      lines.push(`  ${i + 1}. ${first ?? ''}`, ...rest.map((l) => `     ${l}`));
    });
  }
  if (unchecked.length > 0) lines.push('Could not check:', ...unchecked.map((u) => `  - ${u}`));
  if (done.length > 0) lines.push(`Already done: ${done.join('; ')}.`);
  return { text: `${lines.join('\n')}\n`, todo: steps.length, unchecked: unchecked.length };
}

function putSecretHint(secrets: SecretUse[], all: SecretUse[], region: string, secretsCommand: boolean): string {
  if (!secretsCommand) return `Put each with: aws secretsmanager put-secret-value --region ${region} --secret-id ${secrets[0]?.secretName ?? ''} --secret-string '<token>'`;
  // followback secrets set reads the value from stdin, never from the command line (no token in the shell's history).
  const places = all.flatMap((s) => s.uses);
  const lines = secrets.map((s) => {
    const use = s.uses[0] as SecretUsePlace;
    const which = use.field.split('.').pop() ?? use.field;
    const profiles = new Set(places.filter((p) => p.sourceId === use.sourceId).map((p) => p.profileId));
    const fields = places.filter((p) => p.sourceId === use.sourceId && p.profileId === use.profileId);
    const flags = [...(profiles.size > 1 ? [`--profile ${use.profileId}`] : []), ...(fields.length > 1 ? [`--which ${which}`] : []), `--region ${region}`];
    return `  followback secrets set ${use.sourceId} ${flags.join(' ')}`;
  });
  return `Put each (it asks for the value, or reads it from a pipe):\n${lines.join('\n')}`;
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
