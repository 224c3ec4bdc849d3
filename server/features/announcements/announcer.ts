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

const ANNOUNCE_TTL_MS = 60_000;
const CALL_REPEAT = 2;

export class Announcer implements Feature {
  readonly name = 'announcements';
  private readonly unsubscribe: Array<() => void> = [];

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
      bus.on('playbook.notice', ({ text }) => this.notice(text)),
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

  /** A playbook's notice on every hall-wide speaker. */
  private notice(text: string): void {
    const speakers = this.directory.hallWide('speaker').map((d) => d.id);
    this.say(speakers, buildNoticeAnnouncements(text, this.hall.site.languages, { repeat: 1 }));
  }

  private say(speakerIds: string[], announcements: Announcement[]): void {
    for (const id of speakerIds)
      for (const a of announcements)
        this.outbox.send(
          id,
          'announce',
          { text: a.text, lang: hallLanguageTag(a.lang), repeat: a.repeat },
          ANNOUNCE_TTL_MS,
        );
  }
}
