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

export type ServerMessage = SnapshotMessage | EventMessage;
