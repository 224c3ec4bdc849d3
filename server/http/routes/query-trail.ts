/**
 * Query trail (查询留痕, R13): a read of personal data or per-staff figures is itself in the audit log, who read what.
 * One entry per request (never per row), with the request's own parameters, bounded in size.
 */
import type { HallService } from '../../core/hall-service.js';
import type { Principal } from '../../store/accounts.js';
import { actorOf } from '../middleware/auth.js';

const MAX_PARAMS = 8;
const MAX_VALUE_CHARS = 80;

export function auditRead(
  hall: HallService,
  p: Principal,
  read: { resource: string; query?: Record<string, string | undefined>; rows?: number },
): void {
  const query = Object.fromEntries(
    Object.entries(read.query ?? {})
      .filter((e): e is [string, string] => e[1] !== undefined)
      .slice(0, MAX_PARAMS)
      .map(([k, v]) => [k, v.slice(0, MAX_VALUE_CHARS)]),
  );
  hall.audit(actorOf(p), {
    type: 'data.read',
    data: { resource: read.resource, ...(Object.keys(query).length ? { query } : {}), rows: read.rows },
  });
}
