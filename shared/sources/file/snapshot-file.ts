/**
 * The snapshot file format read by the `file` source (documented in
 * ../SNAPSHOT_FORMAT.md). It reuses the contact and interaction shapes of the
 * domain model, so a file and a network pull mean exactly the same thing.
 */
import { z } from 'zod';
import { Contact, Interaction, IsoInstant, Platform } from '../../domain/model.ts';

export const SNAPSHOT_FORMAT_VERSION = 1;

/** An interaction as written in a file: `id` may be left out and is then derived from the content. */
export const SnapshotInteraction = Interaction.extend({ id: Interaction.shape.id.optional() });
export type SnapshotInteraction = z.infer<typeof SnapshotInteraction>;

export const SnapshotCompleteness = z
  .object({
    contacts: z.boolean().default(true),
    interactions: z.boolean().default(true),
  })
  .strict();

export const SnapshotFile = z
  .object({
    /** Lets editors validate against a JSON Schema; ignored by followback. */
    $schema: z.string().optional(),
    formatVersion: z.literal(SNAPSHOT_FORMAT_VERSION),
    platform: Platform,
    takenAt: IsoInstant,
    owner: z.object({ id: z.string().min(1), handle: z.string().min(1) }).strict(),
    /** Whether the lists are whole; a partial list is never read as "they left". */
    complete: SnapshotCompleteness.prefault({}),
    /** From when on the file's inbound interactions are complete (the export's horizon). */
    historySince: IsoInstant.optional(),
    contacts: z.array(Contact),
    /** May include former contacts: someone who unfollowed you can still have liked your posts. */
    interactions: z.array(SnapshotInteraction).default([]),
  })
  // Unknown top-level keys are typos more often than extensions (a new format gets a new formatVersion).
  .strict()
  .superRefine((file, ctx) => {
    const firstIndexById = new Map<string, number>();
    file.contacts.forEach((contact, index) => {
      const first = firstIndexById.get(contact.id);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['contacts', index, 'id'], message: `duplicate contact id "${contact.id}" (first used by contacts[${first}])` });
      } else {
        firstIndexById.set(contact.id, index);
      }
    });
    const firstIndexByInteractionId = new Map<string, number>();
    file.interactions.forEach((interaction, index) => {
      if (interaction.id === undefined) return;
      const first = firstIndexByInteractionId.get(interaction.id);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['interactions', index, 'id'], message: `duplicate interaction id "${interaction.id}" (first used by interactions[${first}])` });
      } else {
        firstIndexByInteractionId.set(interaction.id, index);
      }
    });
  });
export type SnapshotFile = z.infer<typeof SnapshotFile>;
export type SnapshotFileInput = z.input<typeof SnapshotFile>;
