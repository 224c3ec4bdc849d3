/** The counter console's state (this counter's queue, today's figures) and what its views may do. */
import type { CounterStatus } from '../../protocol/codes.js';
import type { HallView, ServiceView } from '../../protocol/hall.js';
import type { TicketView } from '../../protocol/tickets.js';
import type { StaffSession } from '../../lib/api.js';
import type { openDialog } from '../../lib/ui.js';

export interface CounterInfo {
  id: string;
  name: string;
  status: CounterStatus;
  pauseReason: string | null;
  staffName: string | null;
  services: string[][];
  tags?: string[];
}

/** GET /counters/:id/queue: the counter, its ticket, and who it would call, group by group in its order. */
export interface QueueView {
  counter: CounterInfo;
  current: TicketView | null;
  groups: Array<{ services: string[]; waiting: TicketView[] }>;
  /** 超期预警: this counter's open cases due today or overdue. */
  cases?: Array<{ id: string; number: string; serviceId: string; dueOn: string; overdue: boolean }>;
}

/** GET /stats/today, as much of it as the console shows. */
export interface Figures {
  totals: { served: number; noShow: number; avgServiceMinutes: number | null; avgWaitMinutes: number | null };
  ratings: { count: number; average: number | null; satisfiedPercent: number | null };
}

export interface ConsoleState {
  queue: QueueView | null;
  /** A request to the counter is under way: one at a time. */
  busy: boolean;
  dialogOpen: boolean;
  figures: Figures | null;
  /** This counter's last finished or no-show tickets, newest first. */
  recentDone: TicketView[];
  /** A playbook freezes the queue (fire): calls, recalls and no-shows are refused until the all-clear. */
  queueFrozen?: boolean;
}

/** What the views read and do: the hall, who is signed in, the state, and the counter's commands. */
export interface Console {
  readonly hall: HallView;
  readonly session: StaffSession;
  readonly state: ConsoleState;
  service(id: string | undefined): ServiceView | undefined;
  /** POST /counters/:id/<path>; toasts `okKey` on success; true when it went through. */
  post(path: string, body: unknown, okKey?: string): Promise<boolean>;
  dialog(opts: Parameters<typeof openDialog>[0]): void;
  outOfTurnFor(ticketId: string): void;
  /** POST /cases/:id/complete, then the queue (and its 超期预警) again. */
  completeCase(caseId: string): Promise<void>;
}

export const status = (s: ConsoleState): CounterStatus => s.queue?.counter.status ?? 'closed';
export const serving = (s: ConsoleState): boolean => !!s.queue?.current;
export const waitingTickets = (s: ConsoleState): TicketView[] => (s.queue?.groups ?? []).flatMap((g) => g.waiting);

/** The badge class of a ticket's priority. */
export const priorityBadge = (p: TicketView['priority']): string =>
  `badge badge-${p === 'appointment' || p === 'green' ? p : 'priority'}`;
