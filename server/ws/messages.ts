/** The WebSocket messages of the contract (a snapshot, then events in order, each with its stream `seq`): in protocol/. */
export type { EventMessage, HeartbeatMessage, ServerMessage, SnapshotMessage } from '../../protocol/stream.js';
