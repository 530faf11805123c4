/** A scheduled firing met another run of its profile (or itself, still running or killed): retried, never dropped. */
export class ProfileBusyError extends Error {
  override readonly name = 'ProfileBusyError';
  constructor(profileId: string, runKey: string) {
    super(`profile ${profileId} is busy with another run; firing ${runKey} fails so that it is retried`);
  }
}
