/** WebSocket upgrade requests to paths nobody serves, held open: the server should close them, not keep them. */
import { assertLocal, type Attack } from './attack.js';
import { holdSockets } from './held-sockets.js';

export const upgradeUnknownPath: Attack = async (target, budget) => {
  assertLocal(target);
  const started = Date.now();
  const { opened, endedByServer } = await holdSockets(
    { host: target.host, port: target.httpPort, from: target.from },
    budget.count,
    budget.holdMs,
    (s, i) =>
      s.write(
        `GET /not-a-stream-${i} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      ),
  );
  return {
    name: 'upgrade-unknown-path',
    attempts: opened,
    endedByServer,
    ms: Date.now() - started,
    note: 'upgrades to unknown paths the server closed while held',
  };
};
