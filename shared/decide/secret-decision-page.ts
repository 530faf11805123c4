/**
 * The decision page's share of a deployed run: signing keys from Secrets
 * Manager (the secret the stack names in FOLLOWBACK_DECISION_KEYS_SECRET),
 * confirmed actions from the table. Links only for profiles with
 * `report.decisionsUrl`; the keyring is read at most once per run.
 */
import type { SecretResolver } from '../ports/secrets.ts';
import type { DecisionLedger } from '../ports/store.ts';
import { parseKeyring, type Keyring } from './keyring.ts';
import { decisionLinks } from './links.ts';
import type { DecisionPageDeps } from './report-parts.ts';

export function secretDecisionPage(options: { secrets: SecretResolver; secretName: string; ledger: DecisionLedger }): DecisionPageDeps {
  // The resolver caches the secret for a few minutes, so a rotated key reaches warm functions too.
  const keyring = async (): Promise<Keyring> => parseKeyring(await options.secrets.resolve({ secretName: options.secretName }), `secret ${options.secretName}`);
  return {
    async linksFor(profile, now) {
      const baseUrl = profile.report.decisionsUrl;
      if (baseUrl === undefined) return undefined;
      return decisionLinks({ baseUrl, keyring: await keyring(), profileId: profile.id, now });
    },
    confirmedActions: (profileId) => options.ledger.listConfirmedActions(profileId),
  };
}
