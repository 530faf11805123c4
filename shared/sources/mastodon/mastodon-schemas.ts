/**
 * The parts of Mastodon's REST entities followback reads (docs.joinmastodon.org/entities).
 * Objects are not strict: servers add fields release after release, and forks
 * (Pleroma, Akkoma, GoToSocial) add their own; only what we use must be right.
 */
import { z } from 'zod';

/** Mastodon sends ISO datetimes; forks vary in precision. Normalised to `toISOString()`. */
export const MastodonInstant = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO 8601 datetime')
  .transform((s) => new Date(s).toISOString());

const Count = z.number().int().nullish();

const AccountFields = {
  id: z.string().min(1),
  username: z.string(),
  /** `username` for local accounts, `username@domain` for remote ones. */
  acct: z.string().min(1),
  display_name: z.string().nullish(),
  /** HTML. */
  note: z.string().nullish(),
  url: z.string().nullish(),
  bot: z.boolean().nullish(),
  group: z.boolean().nullish(),
  /** Only present (true) when the account is suspended. */
  suspended: z.boolean().nullish(),
  /** A date (`2019-11-17`) since 3.1, a datetime before; null when the account never posted. */
  last_status_at: z.string().nullish(),
  statuses_count: Count,
  followers_count: Count,
  following_count: Count,
};

export const MastodonAccount = z.object({
  ...AccountFields,
  /** Set when the account moved; an Account itself (we only need where it went). */
  moved: z.object(AccountFields).nullish(),
});
export type MastodonAccount = z.infer<typeof MastodonAccount>;

const Mention = z.object({ id: z.string().min(1), acct: z.string(), url: z.string().nullish() });

const StatusFields = {
  id: z.string().min(1),
  created_at: MastodonInstant,
  in_reply_to_account_id: z.string().nullish(),
  url: z.string().nullish(),
  uri: z.string().nullish(),
  /** HTML. */
  content: z.string().nullish(),
  spoiler_text: z.string().nullish(),
  /** ISO 639-1 as the author's client tagged the status; null when unknown. */
  language: z.string().nullish(),
  account: z.object({ id: z.string().min(1), acct: z.string() }),
  mentions: z.array(Mention).nullish(),
};

const InnerStatus = z.object(StatusFields);
export type MastodonInnerStatus = z.infer<typeof InnerStatus>;

export const MastodonStatus = z.object({
  ...StatusFields,
  reblog: InnerStatus.nullish(),
  /**
   * Mastodon 4.4+: a Quote `{ state, quoted_status }` (or a ShallowQuote with only
   * `quoted_status_id`). Some forks put the quoted Status itself here, hence `account`.
   */
  quote: z
    .object({
      state: z.string().nullish(),
      quoted_status: InnerStatus.nullish(),
      account: z.object({ id: z.string().min(1), acct: z.string() }).nullish(),
      url: z.string().nullish(),
    })
    .nullish(),
});
export type MastodonStatus = z.infer<typeof MastodonStatus>;

export const MastodonNotification = z.object({
  id: z.string().min(1),
  /** Unknown types are ignored, not rejected: servers add new ones. */
  type: z.string(),
  created_at: MastodonInstant,
  account: MastodonAccount,
  status: MastodonStatus.nullish(),
});
export type MastodonNotification = z.infer<typeof MastodonNotification>;

export const MastodonAccounts = z.array(MastodonAccount);
export const MastodonStatuses = z.array(MastodonStatus);
export const MastodonNotifications = z.array(MastodonNotification);

/**
 * The account domain (LOCAL_DOMAIN): what follows the `@` in a local account's
 * full handle. A host name, with a port on development servers (`localhost:3000`).
 */
export const AccountDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$/, 'expected a domain name such as social.example');

/** `GET /api/v2/instance` (Mastodon ≥ 4.0): `domain` is the account domain, whatever host serves the API (WEB_DOMAIN). */
export const MastodonInstanceV2 = z.object({ domain: AccountDomain });

/** `GET /api/v1/instance` (Mastodon 3.x): `uri` is the domain; some forks send it as a URL. */
export const MastodonInstanceV1 = z.object({
  uri: z.string().transform((uri, ctx) => {
    let host = uri;
    if (/^https?:\/\//i.test(uri)) {
      try {
        host = new URL(uri).host;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected a domain or a URL' });
        return z.NEVER;
      }
    }
    const parsed = AccountDomain.safeParse(host);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: 'expected a domain name such as social.example' });
      return z.NEVER;
    }
    return parsed.data;
  }),
});
