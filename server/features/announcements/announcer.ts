/**
 * Call announcements: on every call and recall, the speaker at that counter (and every hall-wide speaker) says
 * 请A零一二号到3号窗口办理 in the hall's languages. The bridge keeps one queue per speaker, so calls never overlap.
 */
import {
  buildCallAnnouncements,
  buildNoticeAnnouncements,
  hallLanguageTag,
  type Announcement,
} from '../../../devices/announce/index.js';
import type { CommittedEvent } from '../../core/event-bus.js';
import type { Feature } from '../../core/feature.js';
import type { HallService } from '../../core/hall-service.js';
import type { CommandOutbox } from '../../mqtt/command-outbox.js';
import type { DeviceDirectory } from '../../mqtt/device-directory.js';
import { activePlaybooks } from '../../domain/playbooks.js';

const ANNOUNCE_TTL_MS = 60_000;
const noticeTag = (playbookId: string) => `playbook:${playbookId}`;
const CALL_REPEAT = 2;

export class Announcer implements Feature {
  readonly name = 'announcements';
  private readonly unsubscribe: Array<() => void> = [];
  /** Each active playbook's notice commands still alive in the outbox, to withdraw when it ends. */
  private readonly noticeCommands = new Map<string, Array<{ deviceId: string; id: string; at: number }>>();

  constructor(
    private readonly hall: HallService,
    private readonly directory: DeviceDirectory,
    private readonly outbox: CommandOutbox,
  ) {}

  start(): void {
    const { bus } = this.hall;
    this.unsubscribe.push(
      // One listener for both, so a batch's calls and recalls are said in the order they happened.
      bus.on('committed', (events) => {
        for (const c of events)
          if (c.event.type === 'ticket.called' || c.event.type === 'ticket.recalled')
            this.onCall(c as CommittedEvent<'ticket.called' | 'ticket.recalled'>);
      }),
      bus.on('playbook.notice', ({ playbookId, text, rank }) => this.notice(playbookId, text, rank)),
      bus.on('committed', (events) => {
        if (events.some((c) => c.event.type.startsWith('playbook.') || c.event.type === 'emergency.changed'))
          this.withdrawEnded();
      }),
    );
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  private onCall(c: CommittedEvent<'ticket.called' | 'ticket.recalled'>): void {
    const e = c.event;
    const ticket = this.hall.state.tickets.get(e.data.ticketId);
    const counter = this.hall.hallFile.counters.find((x) => x.id === e.data.counterId);
    if (!ticket || !counter) return;
    const announcements = buildCallAnnouncements({
      number: ticket.number,
      counterName: counter.name,
      languages: this.hall.site.languages,
      repeat: CALL_REPEAT,
      recall: e.type === 'ticket.recalled',
    });
    this.say(
      [...this.directory.atCounter('speaker', counter.id), ...this.directory.hallWide('speaker')].map((d) => d.id),
      announcements,
    );
  }

  /**
   * A playbook's notice on every hall-wide speaker, with its severity `rank` as the priority among notices; its
   * commands are noted, to be withdrawn when it ends.
   */
  private notice(playbookId: string, text: string, rank: number): void {
    const speakers = this.directory.hallWide('speaker').map((d) => d.id);
    const sent = this.say(speakers, buildNoticeAnnouncements(text, this.hall.site.languages, { repeat: 1 }), {
      urgent: true,
      priority: rank,
      tag: noticeTag(playbookId),
    });
    const now = this.hall.clock();
    // Older than a command lives: expired in the outbox already, so not kept (a fire repeats every 20 s for hours).
    const live = (this.noticeCommands.get(playbookId) ?? []).filter((c) => c.at > now - ANNOUNCE_TTL_MS);
    this.noticeCommands.set(playbookId, [...live, ...sent.map((c) => ({ ...c, at: now }))]);
  }

  /**
   * Withdraws the notices of playbooks no longer active that a speaker has not yet taken (offline, or busy): one that
   * came back after the all-clear was told to evacuate. Said notices are closed already; withdrawing them does nothing.
   */
  private withdrawEnded(): void {
    if (this.noticeCommands.size === 0) return;
    const active = new Set(activePlaybooks(this.hall.state).map((p) => p.playbookId));
    for (const [playbookId, sent] of this.noticeCommands) {
      if (active.has(playbookId)) continue;
      for (const c of sent) this.outbox.withdraw(c.deviceId, c.id);
      // What a speaker already took waits in its queue: it drops those unspoken.
      for (const deviceId of new Set(sent.map((c) => c.deviceId)))
        this.outbox.send(deviceId, 'announce-cancel', { tag: noticeTag(playbookId) }, ANNOUNCE_TTL_MS, {
          urgent: true,
        });
      this.noticeCommands.delete(playbookId);
    }
  }

  /**
   * `urgent`: a playbook's notice, said before the calls waiting at the speaker and never held behind them here;
   * `priority`: its order among notices; `tag`: what `cmd/announce-cancel` names to drop it unspoken.
   */
  private say(
    speakerIds: string[],
    announcements: Announcement[],
    opts: { urgent?: boolean; priority?: number; tag?: string } = {},
  ): Array<{ deviceId: string; id: string }> {
    const sent: Array<{ deviceId: string; id: string }> = [];
    const marks = {
      ...(opts.urgent ? { urgent: true } : {}),
      ...(opts.priority !== undefined ? { priority: opts.priority } : {}),
      ...(opts.tag ? { tag: opts.tag } : {}),
    };
    for (const deviceId of speakerIds)
      for (const a of announcements)
        sent.push({
          deviceId,
          id: this.outbox.send(
            deviceId,
            'announce',
            { text: a.text, lang: hallLanguageTag(a.lang), repeat: a.repeat, ...marks },
            ANNOUNCE_TTL_MS,
            { urgent: opts.urgent },
          ),
        });
    return sent;
  }
}
