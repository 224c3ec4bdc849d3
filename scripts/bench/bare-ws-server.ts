/**
 * ws-bench's baseline: a bare `ws` server that sends one ticket.called-shaped message (or the POST's `{message}`) to every
 * client per POST /broadcast.
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

let seq = 0;

/** The same shape and size as the hall's public ticket.called event. */
function calledMessage(): string {
  seq++;
  return JSON.stringify({
    type: 'event',
    seq,
    event: {
      type: 'ticket.called',
      at: new Date().toISOString(),
      counterId: '1',
      outOfTurn: null,
      ticket: {
        number: `A${String(seq).padStart(3, '0')}`,
        serviceId: 'one-window',
        status: 'called',
        priority: 'normal',
        counterId: '1',
        recalls: 0,
      },
    },
  });
}

function givenMessage(body: Buffer): string | undefined {
  try {
    const message = (JSON.parse(body.toString('utf8')) as { message?: unknown }).message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    return;
  }
  if (req.method === 'POST' && req.url === '/broadcast') {
    // `{message}`: that text is broadcast as it is (playbook-fanout-bench sends the hall's own); else a ticket.called.
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const msg = givenMessage(Buffer.concat(chunks)) ?? calledMessage();
      for (const ws of wss.clients) if (ws.readyState === ws.OPEN) ws.send(msg);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    return;
  }
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ server, path: '/ws' });
wss.on('connection', (ws) => ws.send(JSON.stringify({ type: 'snapshot', seq, state: {} })));
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');

process.on('SIGTERM', () => {
  for (const ws of wss.clients) ws.terminate();
  wss.close();
  server.close(() => process.exit(0));
});
