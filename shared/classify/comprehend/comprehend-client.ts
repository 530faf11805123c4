/**
 * Builds the Comprehend tone classifier for a run (Lambda or CLI). The caller
 * passes the profile's `tone.region` and, in tests, a local endpoint; the
 * credentials come from the SDK's usual chain (the function's role in AWS).
 */
import { ComprehendClient, type ComprehendClientConfig } from '@aws-sdk/client-comprehend';
import { ComprehendToneClassifier, type ComprehendToneOptions } from './comprehend-tone-classifier.ts';

/**
 * Attempts per call. Throttling (ThrottlingException, TooManyRequestsException,
 * HTTP 429) and 5xx are retried by the SDK's standard strategy with jittered
 * exponential backoff (up to 1, 2, 4, 8 s after a throttle in this SDK
 * version, capped at 20 s): five attempts ride out a burst of a few seconds
 * without holding the run for minutes.
 */
export const DEFAULT_MAX_ATTEMPTS = 5;
/** A sentiment call answers in well under a second; a stuck connection must not eat the Lambda's time. */
const REQUEST_TIMEOUT_MS = 15_000;
const CONNECTION_TIMEOUT_MS = 5_000;

export interface ComprehendToneSettings extends ComprehendToneOptions {
  /** Comprehend's region (`tone.region`); unset: the SDK's (the function's own region in Lambda). */
  region?: string;
  /** Another endpoint, e.g. the local test server. */
  endpoint?: string;
  maxAttempts?: number;
  /** Explicit credentials (tests); unset: the SDK's default chain. */
  credentials?: ComprehendClientConfig['credentials'];
}

export function comprehendClient(settings: Pick<ComprehendToneSettings, 'region' | 'endpoint' | 'maxAttempts' | 'credentials'> = {}): ComprehendClient {
  return new ComprehendClient({
    ...(settings.region !== undefined ? { region: settings.region } : {}),
    ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials !== undefined ? { credentials: settings.credentials } : {}),
    retryMode: 'standard',
    maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: CONNECTION_TIMEOUT_MS },
  });
}

export function comprehendToneClassifier(settings: ComprehendToneSettings = {}): ComprehendToneClassifier {
  const { region, endpoint, maxAttempts, credentials, ...options } = settings;
  return new ComprehendToneClassifier(
    comprehendClient({
      ...(region !== undefined ? { region } : {}),
      ...(endpoint !== undefined ? { endpoint } : {}),
      ...(maxAttempts !== undefined ? { maxAttempts } : {}),
      ...(credentials !== undefined ? { credentials } : {}),
    }),
    options,
  );
}
