/** Shapes of the X archive's files (NETWORK-EXPORTS.md §5.1): all numbers are strings, ids included. */
import { z } from 'zod';

/** An id or count: a string in every archive seen; a number tolerated. */
const NumericText = z.union([z.string(), z.number().int()]).transform((v) => String(v));

export const FollowEntry = z.object({
  accountId: NumericText.pipe(z.string().regex(/^\d+$/)),
  userLink: z.string().optional(),
});

export const Account = z.object({
  accountId: NumericText.optional(),
  username: z.string().optional(),
  accountDisplayName: z.string().optional(),
  createdAt: z.string().optional(),
});

export const Manifest = z.object({
  userInfo: z.object({ accountId: NumericText.optional(), userName: z.string().optional(), displayName: z.string().optional() }).optional(),
  archiveInfo: z.object({ generationDate: z.string().optional(), isPartialArchive: z.boolean().optional() }).optional(),
  dataTypes: z
    .record(
      z.string(),
      z.object({ files: z.array(z.object({ fileName: z.string(), globalName: z.string().optional(), count: NumericText.optional() })).optional() }),
    )
    .optional(),
});
export type Manifest = z.infer<typeof Manifest>;

const Indices = z.array(NumericText.transform(Number)).optional();

export const Mention = z.object({
  screen_name: z.string().optional(),
  id_str: NumericText.optional(),
  name: z.string().optional(),
  indices: Indices,
});
export type Mention = z.infer<typeof Mention>;

export const Tweet = z.object({
  id_str: NumericText.optional(),
  id: NumericText.optional(),
  created_at: z.string(),
  full_text: z.string().optional(),
  text: z.string().optional(),
  display_text_range: Indices,
  in_reply_to_user_id_str: NumericText.optional(),
  in_reply_to_screen_name: z.string().optional(),
  in_reply_to_status_id_str: NumericText.optional(),
  entities: z.object({ user_mentions: z.array(Mention).optional() }).optional(),
});
export type Tweet = z.infer<typeof Tweet>;
