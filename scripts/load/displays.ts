/**
 * Hall screens on the live stream: each display connects to /ws, reads, and now and then drops its connection and
 * comes back with `?since=<last seq>`, as screens on flaky Wi-Fi do.
 */
import WebSocket from 'ws';

export interface DisplayFleet {
  /** Connections opened (first ones and reconnects). */
  connects: number;
  /** Messages received over all connections. */
  messages: number;
  /** Connections refused or failed before opening. */
  failures: number;
  stop(): void;
}

/** Screens sit on their own addresses (ten to an address here, 127.0.1.x), as a hall's screens do on its network. */
const addressOf = (n: number) => `127.0.1.${1 + Math.floor(n / 10)}`;

/** Starts `count` displays that reconnect after a random time with mean `meanConnectedMs`. */
export function startDisplays(wsUrl: string, count: number, meanConnectedMs: number): DisplayFleet {
  let stopped = false;
  const sockets = new Set<WebSocket>();
  const fleet: DisplayFleet = {
    connects: 0,
    messages: 0,
    failures: 0,
    stop() {
      stopped = true;
      for (const ws of sockets) ws.terminate();
    },
  };

  function display(n: number, since?: number): void {
    if (stopped) return;
    const ws = new WebSocket(wsUrl + (since === undefined ? '' : `?since=${since}`), { localAddress: addressOf(n) });
    sockets.add(ws);
    let seq = since;
    let opened = false;
    const life = setTimeout(() => ws.terminate(), -Math.log(1 - Math.random()) * meanConnectedMs);
    ws.on('open', () => {
      opened = true;
      fleet.connects++;
    });
    ws.on('message', (data) => {
      fleet.messages++;
      const m = JSON.parse(data.toString()) as { seq?: number };
      if (typeof m.seq === 'number') seq = m.seq;
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      clearTimeout(life);
      sockets.delete(ws);
      if (!opened) fleet.failures++;
      // Back after a moment, like a screen's reconnect loop.
      if (!stopped) setTimeout(() => display(n, seq), 200 + Math.random() * 1000);
    });
  }

  // The screens come up over ten seconds, as a hall's do when it opens.
  for (let i = 0; i < count; i++) setTimeout(() => display(i), Math.random() * 10_000);
  return fleet;
}
