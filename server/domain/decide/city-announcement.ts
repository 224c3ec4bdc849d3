/**
 * A city-wide announcement (docs/city.md): free text shown as a banner, held in the active playbook set so that it
 * stacks with the hall's own banners by severity and changes nothing else (normal issuing, no freeze, no ack).
 */
import { ANNOUNCEMENT_MAX_MS, announcementPlaybookId } from '../../../protocol/city.js';
import type { Severity } from '../../../protocol/hall.js';
import { refuse } from '../errors.js';
import { activePlaybooks, type ActivePlaybook } from '../playbooks.js';
import type { HallState } from '../types.js';
import type { DecideContext, Decision } from './context.js';

/** At most this many announcements at once: the city cannot make a site hold an unbounded stack of banners. */
export const MAX_ANNOUNCEMENTS = 10;

export interface AnnounceCommand {
  announcementId: string;
  text: string;
  severity: Severity;
  until: number;
  directiveId: string;
}

export function announce(ctx: DecideContext, state: HallState, cmd: AnnounceCommand): Decision {
  const playbookId = announcementPlaybookId(cmd.announcementId);
  const active = activePlaybooks(state);
  if (cmd.until <= ctx.now) throw refuse.conflict('EXPIRED', 'the announcement has already ended');
  // The site checks again what the city checked: a banner held at most 7 days from now.
  if (cmd.until > ctx.now + ANNOUNCEMENT_MAX_MS)
    throw refuse.badInput('INVALID_ANNOUNCEMENT', 'an announcement lasts at most 7 days');
  if (active.some((p) => p.playbookId === playbookId))
    throw refuse.conflict('ALREADY_ACTIVE', `announcement ${cmd.announcementId} is already shown`);
  if (active.filter((p) => p.until !== undefined).length >= MAX_ANNOUNCEMENTS)
    throw refuse.conflict('TOO_MANY_ANNOUNCEMENTS', `at most ${MAX_ANNOUNCEMENTS} city announcements at once`);
  const playbook: ActivePlaybook = {
    playbookId,
    name: '全市公告',
    drill: false,
    startedAt: ctx.now,
    cause: { by: 'city', directiveId: cmd.directiveId },
    note: cmd.text,
    effects: { banner: cmd.text, issuing: 'normal', severity: cmd.severity, freezeQueue: false, acknowledge: false },
    acknowledgements: [],
    until: cmd.until,
  };
  return { events: [{ type: 'playbook.activated', data: { playbook } }] };
}

/** The announcements whose time is up at `now` (the site's expiry job ends them). */
export function expiredAnnouncements(state: HallState, now: number): string[] {
  return activePlaybooks(state)
    .filter((p) => p.until !== undefined && p.until <= now)
    .map((p) => p.playbookId);
}
