/** HTTP requests whose headers never finish (slowloris): the server should time them out, not hold them. */
import { assertLocal, type Attack } from './attack.js';
import { holdSockets } from './held-sockets.js';

export const halfOpenHttp: Attack = async (target, budget) => {
  assertLocal(target);
  const started = Date.now();
  const { opened, endedByServer } = await holdSockets(
    { host: target.host, port: target.httpPort, from: target.from },
    budget.count,
    budget.holdMs,
    (s) => s.write(`GET /healthz HTTP/1.1\r\nHost: ${target.host}\r\nX-Slow: `),
  );
  return {
    name: 'half-open-http',
    attempts: opened,
    endedByServer,
    ms: Date.now() - started,
    note: 'half-sent requests the server closed while held',
  };
};
