/** An in-memory ActionStore for unit tests of the apply engine (the DynamoDB adapter has its own integration tests). */
import type { ActionAudit, ActionRequest, ActionStatus, ActionStore } from '../../shared/ports/action-store.ts';

export class MemoryActionStore implements ActionStore {
  readonly requests = new Map<string, ActionRequest>();
  readonly audits: ActionAudit[] = [];

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
}
