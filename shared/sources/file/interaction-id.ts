import { createHash } from 'node:crypto';
import type { SnapshotInteraction } from './snapshot-file.ts';

/**
 * A stable id for an interaction written without one, so re-reading the same
 * file (or a later export that repeats it) never stores it twice. Two records
 * with the same content are the same event and get the same id.
 */
export function deriveInteractionId(interaction: Pick<SnapshotInteraction, 'contactId' | 'kind' | 'direction' | 'at' | 'postUrl'>): string {
  const key = [interaction.contactId, interaction.kind, interaction.direction, interaction.at, interaction.postUrl ?? ''].join('|');
  return createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16);
}
