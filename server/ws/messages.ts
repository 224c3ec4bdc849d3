/** The WebSocket messages of the contract: a snapshot, then events in order, each with its stream `seq`. */

export interface SnapshotMessage {
  type: 'snapshot';
  seq: number;
  state: Record<string, unknown>;
}

export interface EventMessage {
  type: 'event';
  seq: number;
  event: Record<string, unknown> & { type: string };
}

/** Sent every 20 s: a sign of life. `seq` is the stream's head; it is not an event and never advances seq. */
export interface HeartbeatMessage {
  type: 'heartbeat';
  seq: number;
}

export type ServerMessage = SnapshotMessage | EventMessage | HeartbeatMessage;

/** Close code when the server shuts down: reconnect (with `since`) when it is back. */
export const CLOSE_SHUTTING_DOWN = 1001;
/** Close code when the stream's token was revoked or expired (logout, device removed, staff disabled): log in again. */
export const CLOSE_REVOKED = 4401;
