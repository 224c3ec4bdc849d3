/** Opens TCP connections that each send some bytes and then hold on, to see whether the server lets go of them. */
import { connect, type Socket } from 'node:net';

export interface HeldOutcome {
  opened: number;
  /** Connections the server closed (or reset) while we were still holding them. */
  endedByServer: number;
}

/**
 * Opens `count` connections to host:port from the address `from` (in bursts of 50), writes `send(socket, i)` on each once connected, and
 * holds every one until the server ends it or `holdMs` has passed since the start; then destroys what is left.
 */
export async function holdSockets(
  to: { host: string; port: number; from: string },
  count: number,
  holdMs: number,
  send: (socket: Socket, i: number) => void,
): Promise<HeldOutcome> {
  const deadline = Date.now() + holdMs;
  const outcome: HeldOutcome = { opened: 0, endedByServer: 0 };
  const held = new Set<Socket>();
  const letGo = new Set<Socket>();
  const closed: Promise<void>[] = [];
  for (let i = 0; i < count && Date.now() < deadline; i++) {
    const socket = connect({ port: to.port, host: to.host, localAddress: to.from });
    held.add(socket);
    closed.push(
      new Promise<void>((resolve) => {
        socket.on('connect', () => {
          outcome.opened++;
          send(socket, i);
        });
        socket.on('data', () => undefined);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          if (!letGo.has(socket)) outcome.endedByServer++;
          held.delete(socket);
          resolve();
        });
      }),
    );
    if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5));
  }
  const timer = setTimeout(
    () => {
      for (const s of held) {
        letGo.add(s);
        s.destroy();
      }
    },
    Math.max(0, deadline - Date.now()),
  );
  await Promise.all(closed);
  clearTimeout(timer);
  return outcome;
}
