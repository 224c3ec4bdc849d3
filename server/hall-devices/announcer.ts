/**
 * Call announcements: on every call and recall, the speaker at that counter (and every hall-wide speaker) says
 * 请A零一二号到3号窗口办理 in the hall's languages. The bridge keeps one queue per speaker, so calls never overlap.
 */
import { buildCallAnnouncements, buildNoticeAnnouncements, hallLanguageTag, type Announcement } from '../../devices/announce/index.js';
import type { CommittedEvent } from '../core/event-bus.js';
import type { HallService } from '../core/hall-service.js';
import type { CommandOutbox } from '../mqtt/command-outbox.js';
import type { DeviceDirectory } from './device-directory.js';

const ANNOUNCE_TTL_MS = 60_000;
const CALL_REPEAT = 2;

export class Announcer {
  constructor(
    private readonly hall: HallService,
    private readonly directory: DeviceDirectory,
    private readonly outbox: CommandOutbox,
  ) {}

  onCommitted(events: CommittedEvent[]): void {
    for (const c of events) {
      const e = c.event;
      if (e.type !== 'ticket.called' && e.type !== 'ticket.recalled') continue;
      const ticket = this.hall.state.tickets.get(e.data.ticketId);
      const counter = this.hall.hall.counters.find((x) => x.id === e.data.counterId);
      if (!ticket || !counter) continue;
      const announcements = buildCallAnnouncements({
        number: ticket.number,
        counterName: counter.name,
        languages: this.hall.hall.hall.languages,
        repeat: CALL_REPEAT,
        recall: e.type === 'ticket.recalled',
      });
      this.say([...this.directory.atCounter('speaker', counter.id), ...this.directory.hallWide('speaker')].map((d) => d.id), announcements);
    }
  }

  /** A playbook's notice on every hall-wide speaker. */
  notice(text: string): void {
    const speakers = this.directory.hallWide('speaker').map((d) => d.id);
    this.say(speakers, buildNoticeAnnouncements(text, this.hall.hall.hall.languages, { repeat: 1 }));
  }

  private say(speakerIds: string[], announcements: Announcement[]): void {
    for (const id of speakerIds)
      for (const a of announcements) this.outbox.send(id, 'announce', { text: a.text, lang: hallLanguageTag(a.lang), repeat: a.repeat }, ANNOUNCE_TTL_MS);
  }
}
