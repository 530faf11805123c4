/** One line for a failure in a pull's `problems`: the error's message (HttpError names method, endpoint and field). */
export function problemOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return 'unknown error';
}
