/**
 * Who may call each route of the app: one row per method and path that `createApp(...)` registers. The role test
 * reads the routes from the app itself, so a route added without a row here fails the suite.
 */
import type { TokenRole } from '../../server/store/accounts.js';

export const ALL_ROLES: readonly TokenRole[] = [
  'manager',
  'counter',
  'kiosk',
  'display',
  'pad',
  'integration',
  'device',
];

export interface RouteRule {
  /** The roles admitted, or 'public' when no token is needed. */
  roles: readonly TokenRole[] | 'public';
  /** A concrete path to call (default: the route's path with each `:param` as `x_unknown`). */
  example?: string;
  /** A parameter route that serves its example's value only: the fuzzer calls the example, not random values. */
  onlyExample?: true;
}

const PUBLIC = 'public' as const;
const MANAGER: readonly TokenRole[] = ['manager'];
const STAFF: readonly TokenRole[] = ['counter', 'manager'];
const ISSUING: readonly TokenRole[] = ['kiosk', 'counter', 'manager'];

const counterAction = (action: string): [string, RouteRule] => [
  `POST /api/v1/counters/:id/${action}`,
  { roles: STAFF, example: `/api/v1/counters/2/${action}` },
];

/** Keyed by `METHOD path` exactly as hono lists the route. */
export const ROUTE_RULES: Readonly<Record<string, RouteRule>> = {
  'GET /healthz': { roles: PUBLIC },
  'GET /api/v1/hall': { roles: PUBLIC },
  'GET /api/v1/city/nearby': { roles: PUBLIC },
  'GET /api/v1/hall/amendments': { roles: MANAGER },
  'GET /api/v1/version': { roles: PUBLIC },

  'POST /api/v1/auth/login': { roles: PUBLIC },
  'POST /api/v1/auth/logout': { roles: ALL_ROLES },
  'GET /api/v1/auth/me': { roles: ALL_ROLES },
  'POST /api/v1/staff': { roles: MANAGER },
  'GET /api/v1/staff': { roles: MANAGER },
  'PATCH /api/v1/staff/:id': { roles: MANAGER },
  'POST /api/v1/staff/:id/disable': { roles: MANAGER },
  'POST /api/v1/staff/:id/enable': { roles: MANAGER },
  'POST /api/v1/staff/:id/password': { roles: MANAGER },
  'POST /api/v1/auth/password': { roles: STAFF },

  'POST /api/v1/tickets': { roles: ISSUING },
  'GET /api/v1/tickets': { roles: STAFF },
  'GET /api/v1/tickets/:id': { roles: PUBLIC },
  'GET /api/v1/tickets/:id/ticket.svg': { roles: PUBLIC },
  'POST /api/v1/tickets/:id/reinstate': { roles: ISSUING },
  'POST /api/v1/tickets/:id/cancel': { roles: ['kiosk', 'manager'] },
  'POST /api/v1/tickets/:id/check-holder': { roles: STAFF },

  ...Object.fromEntries(
    [
      'sign-in',
      'sign-out',
      'call-next',
      'recall',
      'start',
      'finish',
      'no-show',
      'transfer',
      'call',
      'pause',
      'resume',
      'open',
      'close',
    ].map(counterAction),
  ),
  'GET /api/v1/counters': { roles: PUBLIC },
  'GET /api/v1/counters/:id/queue': { roles: STAFF, example: '/api/v1/counters/2/queue' },

  'POST /api/v1/appointments': { roles: ['manager', 'integration', 'kiosk'] },
  'GET /api/v1/appointments': { roles: ['manager', 'counter'] },
  // check-in as a parameter route (server/http/routes/appointments.ts: it keeps the app on hono's RegExpRouter).
  'POST /api/v1/appointments/:id': {
    roles: ISSUING,
    example: '/api/v1/appointments/check-in',
    onlyExample: true,
  },
  'POST /api/v1/appointments/:id/cancel': { roles: ['manager', 'integration'] },

  'GET /api/v1/integrations': { roles: MANAGER },

  'POST /api/v1/evaluations': { roles: ['pad', 'kiosk'] },
  'GET /api/v1/followups': { roles: MANAGER },
  'POST /api/v1/followups/:id/answer': { roles: MANAGER },

  'GET /api/v1/emergency': { roles: PUBLIC },
  'POST /api/v1/emergency/activate': { roles: MANAGER },
  'POST /api/v1/emergency/deactivate': { roles: MANAGER },
  'POST /api/v1/emergency/acknowledge': { roles: STAFF },
  'GET /api/v1/emergency/drills': { roles: MANAGER },
  'POST /api/v1/counters/:id/finish-pending-system': {
    roles: STAFF,
    example: '/api/v1/counters/2/finish-pending-system',
  },
  'GET /api/v1/catch-up': { roles: MANAGER },
  'POST /api/v1/catch-up/:ticketId/done': { roles: STAFF },
  'POST /api/v1/emergency/proposals/:id/confirm': { roles: MANAGER },
  'POST /api/v1/emergency/proposals/:id/dismiss': { roles: MANAGER },

  'GET /api/v1/audit': { roles: MANAGER },
  'GET /api/v1/audit/verify': { roles: MANAGER },

  'POST /api/v1/devices': { roles: MANAGER },
  'GET /api/v1/devices': { roles: MANAGER },
  'DELETE /api/v1/devices/:id': { roles: MANAGER },

  'GET /api/v1/stats/today': { roles: STAFF },
  'GET /api/v1/stats/history': { roles: MANAGER },
  'GET /api/v1/alerts': { roles: MANAGER },
  'GET /api/v1/services/:id/availability': { roles: PUBLIC, example: '/api/v1/services/one-window/availability' },

  'GET /api/v1/cases': { roles: MANAGER },
  'GET /api/v1/cases/:number': { roles: PUBLIC },
  'POST /api/v1/cases/:id/complete': { roles: STAFF },
  'GET /api/v1/backups': { roles: MANAGER },
  'POST /api/v1/backups': { roles: MANAGER },
  'GET /api/v1/reports': { roles: MANAGER },
  'GET /api/v1/reports/daily': { roles: MANAGER, example: '/api/v1/reports/daily?date=2026-03-02' },
  'GET /api/v1/reports/monthly': { roles: MANAGER, example: '/api/v1/reports/monthly?month=2026-03' },
  'POST /api/v1/prereviews': { roles: ['manager', 'integration'] },
  'GET /api/v1/prereviews': { roles: STAFF },
  'POST /api/v1/prereviews/:id/answer': { roles: STAFF },
  'POST /api/v1/home-visits': { roles: STAFF },
  'GET /api/v1/home-visits': { roles: STAFF },
  'POST /api/v1/home-visits/:id/done': { roles: STAFF },
  'POST /api/v1/home-visits/:id/cancel': { roles: STAFF },

  // The screens: pages are public; device screens take their token in the page's own API calls.
  'GET /': { roles: PUBLIC },
  'GET /favicon.ico': { roles: PUBLIC },
  'GET /kiosk': { roles: PUBLIC },
  'GET /counter': { roles: PUBLIC },
  'GET /display': { roles: PUBLIC },
  'GET /display/counter/:counterId': { roles: PUBLIC, example: '/display/counter/2' },
  'GET /pad/:counterId': { roles: PUBLIC, example: '/pad/2' },
  'GET /manager': { roles: PUBLIC },
  'GET /t/:ticketId': { roles: PUBLIC },
  'GET /case': { roles: PUBLIC },
  'GET /ui/announcers.json': { roles: PUBLIC },
  'GET /ui/*': { roles: PUBLIC, example: '/ui/icon.svg' },
};

/** The path to call for a route: its example, or its path with every `:param` filled in. */
export function examplePath(path: string, rule: RouteRule | undefined): string {
  return rule?.example ?? path.replace(/:[A-Za-z]+/g, 'x_unknown');
}
