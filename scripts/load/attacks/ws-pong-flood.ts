/** WebSocket clients that never read what the server sends and flood it with unsolicited pongs. */
import WebSocket from 'ws';
import { assertLocal, type Attack } from './attack.js';

function pongFlooder(url: string, from: string, holdMs: number): Promise<{ opened: boolean; endedByServer: boolean }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { localAddress: from });
    let opened = false;
    let letGo = false;
    let timer: NodeJS.Timeout | undefined;
    const stop = setTimeout(() => {
      letGo = true;
      ws.terminate();
    }, holdMs);
    ws.on('open', () => {
      opened = true;
      // Stop reading: the server's messages pile up on its side.
      (ws as unknown as { _socket: { pause(): void } })._socket.pause();
      timer = setInterval(() => {
        for (let i = 0; i < 20; i++) ws.pong(Buffer.alloc(125, 0x70));
      }, 10);
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      clearTimeout(stop);
      clearInterval(timer);
      resolve({ opened, endedByServer: opened && !letGo });
    });
  });
}

export const wsPongFlood: Attack = async (target, budget) => {
  assertLocal(target);
  const started = Date.now();
  const url = `ws://${target.host}:${target.httpPort}/ws`;
  const results = await Promise.all(
    Array.from({ length: budget.count }, () => pongFlooder(url, target.from, budget.holdMs)),
  );
  return {
    name: 'ws-pong-flood',
    attempts: results.filter((r) => r.opened).length,
    endedByServer: results.filter((r) => r.endedByServer).length,
    ms: Date.now() - started,
    note: 'non-reading pong flooders the server dropped',
  };
};
