/**
 * Playbook notices to people: when a playbook starts (by anyone or anything, a drill too), every staff member its
 * `notify` names gets a `playbook-notify` SMS (their sealed mobile; none on file: skipped and counted), and each role
 * named gets a QoS 1 notice on `notify/<role>` for staff devices. Once per activation: the bus's committed events do
 * not fire on replay, and each SMS key is unique per activation and staff member, so nothing goes twice (a start asks
 * again for the last minutes' texts, in case a stop cut them off: `resendRecent`).
 */
import type { HallTopics, NotifyPayload } from '../../../devices/protocol/mqtt-topics.js';
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import { SYSTEM_ACTOR } from '../../domain/decide/context.js';
import { activePlaybooks, drillText, notifyRolesOf, type ActivePlaybook } from '../../domain/playbooks.js';
import type { NotifyRole } from '../../../protocol/staff.js';
import { log } from '../../log.js';
import type { MqttLink } from '../../mqtt/mqtt-link.js';
import type { Accounts } from '../../store/accounts.js';
import type { NotifySummary } from '../../core/playbook-views.js';
import { staffToNotify } from './recipients.js';

/** How far back a start asks again for texts a stop may have cut off (the outbox keeps sent keys for 7 days). */
export const RESEND_WINDOW_MS = 10 * 60_000;

export class PlaybookNotify implements Feature {
  readonly name = 'playbook-notify';
  private readonly summaries = new Map<string, NotifySummary>();
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly hall: HallService,
    private readonly accounts: Accounts,
    private readonly link: MqttLink,
    private readonly topics: HallTopics,
    private readonly smsOn: boolean,
  ) {}

  start(): void {
    const { bus } = this.hall;
    this.unsubscribe.push(
      bus.on('playbook.activated', (c) => this.notify(c.event.data.playbook)),
      bus.on('playbook.deactivated', (c) => this.summaries.delete(c.event.data.playbookId)),
    );
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** The active playbook's notify summary (this run of the process only). */
  summary(playbookId: string): NotifySummary | undefined {
    return this.summaries.get(playbookId);
  }

  /**
   * At start, once the SMS outbox listens: asks again for the texts of playbooks started in the last RESEND_WINDOW_MS,
   * in case a stop cut them off between the commit and the outbox's write. The keys are the same, so whatever the
   * outbox already holds is not sent twice; pagers are not paged again (their notices are not deduplicated).
   */
  resendRecent(): void {
    const since = this.hall.clock() - RESEND_WINDOW_MS;
    for (const p of activePlaybooks(this.hall.state)) {
      const roles = this.rolesOf(p);
      if (p.startedAt >= since && roles.length > 0) this.summaries.set(p.playbookId, this.textStaff(p, roles));
    }
  }

  private rolesOf(p: ActivePlaybook): NotifyRole[] {
    return notifyRolesOf(this.hall.hallFile.playbooks.find((x) => x.id === p.playbookId));
  }

  private notify(p: ActivePlaybook): void {
    const roles = this.rolesOf(p);
    if (roles.length === 0) return;
    const notice: NotifyPayload = {
      playbookId: p.playbookId,
      name: drillText(p.name, p.drill),
      severity: p.effects.severity,
      drill: p.drill,
      at: new Date(p.startedAt).toISOString(),
      // Without the manager's note: every device on the hall's network may read notify/#, and a note names people
      // ("3号窗口张三丰与人争执", QA-M); the note goes by SMS to the staff named, and to the consoles.
      text: notifyText({ ...p, note: undefined }),
    };
    for (const role of roles) this.link.publish(this.topics.notify(role), JSON.stringify(notice), { qos: 1 });
    const summary = this.textStaff(p, roles);
    this.summaries.set(p.playbookId, summary);
    const { startedAt: _s, ...detail } = summary;
    this.hall.audit(SYSTEM_ACTOR, {
      type: 'playbook.action',
      data: { playbookId: p.playbookId, action: 'notify', detail, drill: p.drill },
    });
    log.info('playbook notify', { playbookId: p.playbookId, ...detail });
  }

  /** Asks the SMS outbox for one text to each staff member the roles name who has a mobile; counts them. */
  private textStaff(p: ActivePlaybook, roles: NotifyRole[]): NotifySummary {
    const contacts = this.hall.state.staff;
    const staff = staffToNotify(roles, this.accounts.listUsers(), contacts, this.hall.hallFile);
    const withPhone = staff.filter((a) => contacts?.[a.id]?.phoneSealed);
    if (this.smsOn)
      for (const a of withPhone)
        this.hall.bus.emit('sms.request', {
          to: { staff: a.id },
          template: 'playbook-notify',
          params: { text: notifyText(p) },
          key: `playbook-notify:${p.playbookId}:${p.startedAt}:${a.id}`,
        });
    return {
      startedAt: p.startedAt,
      roles,
      staff: staff.length,
      sms: this.smsOn ? withPhone.length : 0,
      noPhone: staff.length - withPhone.length,
      smsOn: this.smsOn,
    };
  }
}

/** 应急预案「火灾疏散」已启动：<note>, 【演练】 first in a drill. */
function notifyText(p: ActivePlaybook): string {
  return drillText(`应急预案「${p.name}」已启动${p.note ? `：${p.note}` : ''}`, p.drill);
}
