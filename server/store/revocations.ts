/**
 * Tells the features that hold live connections (the stream, MQTT) that a token, a device or a user no longer counts,
 * so they close that party's connections at once instead of at their next check.
 */

/**
 * What was revoked: one token (by its hash: logout), every token of a device (removed), or every token of a user
 * (disabled, password reset or changed; a change of one's own password keeps the token that made it).
 */
export type Revocation = { tokenHash: string } | { deviceId: string } | { userId: string; exceptTokenHash?: string };

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
