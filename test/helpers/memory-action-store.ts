/**
 * An in-memory ActionStore for unit tests of the apply engine (the DynamoDB adapter has its own
 * integration tests). The lease and the window keep the adapter's conditions: a lease is taken when
 * free, run out or already ours; renewed and released only by its owner; the window is written only
 * at the version it was read at.
 */
import type { ActionAudit, ActionRequest, ActionStatus, ActionStore, ActWindow } from '../../shared/ports/action-store.ts';

export class MemoryActionStore implements ActionStore {
  readonly requests = new Map<string, ActionRequest>();
  readonly audits: ActionAudit[] = [];
  readonly leases = new Map<string, { owner: string; until: number }>();
  readonly windows = new Map<string, ActWindow>();

  async putActionRequest(request: ActionRequest): Promise<boolean> {
    const key = `${request.profileId}/${request.id}`;
    if (this.requests.has(key)) return false;
    this.requests.set(key, { ...request });
    return true;
  }

  async getActionRequest(profileId: string, id: string): Promise<ActionRequest | null> {
    const found = this.requests.get(`${profileId}/${id}`);
    return found ? { ...found } : null;
  }

  async listActionRequests(profileId: string, status?: ActionStatus): Promise<ActionRequest[]> {
    return [...this.requests.values()]
      .filter((r) => r.profileId === profileId && (status === undefined || r.status === status))
      .sort((a, b) => a.confirmedAt.localeCompare(b.confirmedAt) || a.id.localeCompare(b.id))
      .map((r) => ({ ...r }));
  }

  async transitionAction(profileId: string, id: string, from: ActionStatus, to: ActionStatus, updatedAt: string, detail?: string): Promise<boolean> {
    const found = this.requests.get(`${profileId}/${id}`);
    if (!found || found.status !== from) return false;
    found.status = to;
    found.updatedAt = updatedAt;
    if (detail !== undefined) found.detail = detail;
    return true;
  }

  async appendAudit(audit: ActionAudit): Promise<void> {
    this.audits.push({ ...audit });
  }

  async listAudits(profileId: string, since?: string): Promise<ActionAudit[]> {
    return this.audits.filter((a) => a.profileId === profileId && (since === undefined || a.at >= since)).sort((a, b) => a.at.localeCompare(b.at));
  }

  async takeActLease(profileId: string, owner: string, nowIso: string, untilIso: string): Promise<boolean> {
    const held = this.leases.get(profileId);
    if (held !== undefined && held.until > Date.parse(nowIso) && held.owner !== owner) return false;
    this.leases.set(profileId, { owner, until: Date.parse(untilIso) });
    return true;
  }

  async renewActLease(profileId: string, owner: string, untilIso: string): Promise<boolean> {
    const held = this.leases.get(profileId);
    if (held === undefined || held.owner !== owner) return false;
    held.until = Date.parse(untilIso);
    return true;
  }

  async releaseActLease(profileId: string, owner: string): Promise<void> {
    if (this.leases.get(profileId)?.owner === owner) this.leases.delete(profileId);
  }

  async getActWindow(profileId: string): Promise<ActWindow> {
    const found = this.windows.get(profileId);
    return found ? { ...found, recent: [...found.recent] } : { recent: [], version: 0 };
  }

  async putActWindow(profileId: string, next: ActWindow, expectedVersion: number): Promise<boolean> {
    if ((this.windows.get(profileId)?.version ?? 0) !== expectedVersion) return false;
    this.windows.set(profileId, { ...next, recent: [...next.recent] });
    return true;
  }
}
