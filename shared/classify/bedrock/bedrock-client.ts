/**
 * Builds the Bedrock tone classifier for a run (Lambda or CLI). The caller
 * passes the profile's `tone` settings and, in tests, a local endpoint; the
 * credentials come from the SDK's usual chain (the function's role in AWS).
 */
import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import type { ToneClassifier } from '../../ports/classifiers.ts';
import { BedrockToneClassifier, type BedrockToneOptions } from './bedrock-tone-classifier.ts';

/**
 * Attempts per request. Throttling (ThrottlingException, HTTP 429),
 * ModelNotReadyException (retryable in the service model) and 5xx are retried
 * by the SDK's standard strategy with jittered exponential backoff; five
 * attempts ride out a burst without holding the run for minutes. After them the
 * rest of the run goes to the local classifier.
 */
export const DEFAULT_MAX_ATTEMPTS = 5;
/** A small model labels a batch in seconds; a stuck connection must not eat the Lambda's time. */
const REQUEST_TIMEOUT_MS = 30_000;
const CONNECTION_TIMEOUT_MS = 5_000;

export interface BedrockToneSettings extends BedrockToneOptions {
  /** Bedrock's region (`tone.region`); unset: the SDK's (the function's own region in Lambda). */
  region?: string;
  /** Another endpoint, e.g. the local test server. */
  endpoint?: string;
  maxAttempts?: number;
  /** Explicit credentials (tests); unset: the SDK's default chain. */
  credentials?: BedrockRuntimeClientConfig['credentials'];
}

export function bedrockClient(settings: Pick<BedrockToneSettings, 'region' | 'endpoint' | 'maxAttempts' | 'credentials'> = {}): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    ...(settings.region !== undefined ? { region: settings.region } : {}),
    ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials !== undefined ? { credentials: settings.credentials } : {}),
    retryMode: 'standard',
    maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: CONNECTION_TIMEOUT_MS },
  });
}

export function bedrockToneClassifier(fallback: ToneClassifier, settings: BedrockToneSettings = {}): BedrockToneClassifier {
  const { region, endpoint, maxAttempts, credentials, ...options } = settings;
  return new BedrockToneClassifier(
    bedrockClient({
      ...(region !== undefined ? { region } : {}),
      ...(endpoint !== undefined ? { endpoint } : {}),
      ...(maxAttempts !== undefined ? { maxAttempts } : {}),
      ...(credentials !== undefined ? { credentials } : {}),
    }),
    fallback,
    options,
  );
}
