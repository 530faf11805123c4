/**
 * Last line of defence for "no secret is ever logged": adapters never pass
 * secrets to the logger, but a key that names a credential is masked anyway,
 * at any depth, so a careless `log.info('…', { config })` cannot leak a token.
 */
const SECRET_KEY = /(token|password|secret|authorization|credential|cookie|apikey|api_key|session)/i;
const MASK = '[redacted]';
const MAX_DEPTH = 8;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    // A secret *reference* (`secretName`, `env`) names where a secret lives, which is useful and harmless.
    out[key] = SECRET_KEY.test(key) && key !== 'secretName' && typeof v !== 'object' ? MASK : redact(v, depth + 1);
  }
  return out;
}
