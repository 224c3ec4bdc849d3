/**
 * Tells the features that hold live connections (the stream, MQTT) that a token, a device or a user no longer counts,
 * so they close that party's connections at once instead of at their next check.
 */

/** What was revoked: one token (by its hash), every token of a device, or every token of a user. */
export type Revocation = { tokenHash: string } | { deviceId: string } | { userId: string };

export type RevocationListener = (revoked: Revocation) => void;

export class Revocations {
  private readonly listeners = new Set<RevocationListener>();

  /** Calls `listener` for every revocation from now on; returns the unsubscribe. */
  on(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Announces a revocation; call it after the database change, so a listener that checks again sees it gone. */
  emit(revoked: Revocation): void {
    for (const l of this.listeners) l(revoked);
  }
}
