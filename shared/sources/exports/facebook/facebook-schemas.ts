/**
 * The record shapes of a Facebook "Download your information" export (JSON),
 * NETWORK-EXPORTS.md §4.1. Each file is parsed, then repaired (Meta's mojibake),
 * then read record by record: a record that fits no shape is counted, never
 * silently dropped.
 */
import { z } from 'zod';

const Seconds = z.number().finite();

/** Instagram-style `string_list_data` entry (2025 `people_who_followed_you_N.json`). */
const StringListItem = z.object({ value: z.string().optional(), href: z.string().optional(), timestamp: Seconds.optional() });

/** 2024+ `label_values` entry: a localized label and a value. */
const LabelValue = z.object({ label: z.string().optional(), value: z.string().optional(), href: z.string().optional() });
export type LabelValue = z.infer<typeof LabelValue>;

/** A person in a friends / followers / following list, whatever the era. */
export const PersonRecord = z.object({
  name: z.string().optional(),
  timestamp: Seconds.optional(),
  title: z.string().optional(),
  string_list_data: z.array(StringListItem).optional(),
  label_values: z.array(LabelValue).optional(),
});
export type PersonRecord = z.infer<typeof PersonRecord>;

/** One of the owner's comments (`comments_and_reactions/comments.json` → `comments_v2`). */
export const CommentRecord = z.object({
  timestamp: Seconds,
  title: z.string().optional(),
  data: z
    .array(z.object({ comment: z.object({ timestamp: Seconds.optional(), comment: z.string().optional(), author: z.string().optional() }).optional() }))
    .optional(),
});
export type CommentRecord = z.infer<typeof CommentRecord>;

/** One of the owner's reactions (`likes_and_reactions_N.json`, bare array; newer records with `label_values`). */
export const ReactionRecord = z.object({
  timestamp: Seconds,
  title: z.string().optional(),
  data: z.array(z.object({ reaction: z.object({ reaction: z.string().optional(), actor: z.string().optional() }).optional() })).optional(),
  label_values: z.array(LabelValue).optional(),
});
export type ReactionRecord = z.infer<typeof ReactionRecord>;

/** A notification line (`notifications_v2`; older `about_you/notifications.json` → `notifications`). */
export const NotificationRecord = z.object({
  timestamp: Seconds,
  text: z.string(),
  href: z.string().optional(),
  unread: z.boolean().optional(),
});
export type NotificationRecord = z.infer<typeof NotificationRecord>;

/** The owner's profile (`profile_v2`; 2018–19 `profile`). */
export const ProfileFile = z.object({
  profile_v2: z.unknown().optional(),
  profile: z.unknown().optional(),
});
export const Profile = z.object({
  name: z.union([z.string(), z.object({ full_name: z.string().optional() })]).optional(),
  profile_uri: z.string().optional(),
});
