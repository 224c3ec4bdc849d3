/** Many wrong staff logins, some for real usernames: each refused (401, 429, or 503 when too many wait for a check), never a 5xx, never a stall. */
import { apiClient } from '../../lib/hall-process.js';
import { assertLocal, type Attack } from './attack.js';

export const badStaffLogins: Attack = async (target, budget) => {
  assertLocal(target);
  const started = Date.now();
  const api = apiClient(`http://${target.host}:${target.httpPort}`, budget.holdMs, { localAddress: target.from });
  let refused = 0;
  let unanswered = 0;
  let next = 0;
  const worker = async () => {
    while (next < budget.count && Date.now() - started < budget.holdMs) {
      const i = next++;
      const username = i % 3 === 0 ? 'boss' : `guess-${i}`;
      try {
        const r = await api('POST', '/api/v1/auth/login', { username, password: `wrong-password-${i}` });
        if (r.status === 401 || r.status === 429 || r.status === 503) refused++;
      } catch {
        unanswered++; // no answer within the hold: the login path stalled
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: 20 }, worker));
  } finally {
    api.close();
  }
  return {
    name: 'bad-staff-logins',
    attempts: next,
    endedByServer: refused,
    ms: Date.now() - started,
    note: `bad logins answered 401, 429 or 503 (${unanswered} got no answer within ${budget.holdMs} ms)`,
  };
};
