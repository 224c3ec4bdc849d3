/** The WebSocket messages of the contract (a snapshot, then events in order, each with its stream `seq`): in protocol/. */
export type {
  EventMessage,
  HeartbeatMessage,
  ProposalsChangedMessage,
  ServerMessage,
  SnapshotMessage,
} from '../../protocol/stream.js';

/** Close code when the server shuts down: reconnect (with `since`) when it is back. */
export const CLOSE_SHUTTING_DOWN = 1001;
/** Close code when the stream's token was revoked or expired (logout, device removed, staff disabled): log in again. */
export const CLOSE_REVOKED = 4401;
