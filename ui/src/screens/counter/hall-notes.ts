/**
 * The hall's day on the console: extended service (延时服务: serve on those already holding a number) and this
 * counter's services that people wait for with no open counter serving them (needsCounter). Kept current from the
 * console's own stream: events through the hall reducer, GET /hall when the reducer asks for it.
 */
import type { Api } from '../../lib/api.js';
import { debounce, fill, h } from '../../lib/dom.js';
import { time } from '../../lib/format.js';
import { extendedUntil, unservedServices } from '../../lib/hall-notes.js';
import { reduceHall } from '../../lib/hall-reducer.js';
import { serviceName, t } from '../../lib/i18n.js';
import type { HallView } from '../../protocol/hall.js';
import type { StreamEvent } from '../../protocol/stream.js';

export interface HallNotes {
  el: HTMLElement;
  snapshot(view: HallView): void;
  event(e: StreamEvent): void;
  /** Paints again (e.g. after a language change). */
  paint(): void;
}

export function hallNotes(api: Api, hall: HallView, counterId: string): HallNotes {
  let view = hall;
  const el = h('div', { class: 'c-hall-notes', id: 'hall-notes', role: 'status', hidden: true });
  const refetch = debounce(async () => {
    try {
      view = await api.get<HallView>('/hall'); // newer than any event applied so far
      paint();
    } catch {
      /* the next event asks again */
    }
  }, 300);

  function paint(): void {
    const mine = view.counters.find((c) => c.id === counterId)?.services.flat() ?? [];
    const until = extendedUntil(view);
    const notes = [
      until ? h('p', { class: 'c-note c-note-extended' }, t('c.extended', { until: time(until) })) : null,
      ...unservedServices(view, mine).map((s) =>
        h(
          'p',
          { class: 'c-note c-note-unserved', dataset: { service: s.id } },
          t('c.needsCounter', { service: serviceName(s), n: s.waiting }),
        ),
      ),
    ].filter((n) => n !== null);
    el.hidden = notes.length === 0;
    fill(el, notes);
  }

  /**
   * Whether `e` can change what the notes show. A ticket elsewhere in the hall cannot: only the waiting count of one of
   * this counter's services decides whether it needs a counter, so a queue event about another service asks nothing
   * (twelve consoles reading the whole hall view after every ticket was the alternative).
   */
  function mayChangeNotes(e: StreamEvent): boolean {
    const mine = view.counters.find((c) => c.id === counterId)?.services.flat() ?? [];
    const services =
      e.type === 'ticket.transferred'
        ? [e.fromServiceId, e.toServiceId]
        : 'ticket' in e && e.ticket
          ? [e.ticket.serviceId]
          : undefined;
    // Counters opening or closing, a freeze, an amendment, a check-in or a ticket the stream tells no service of: ask.
    return services === undefined || services.some((id) => mine.includes(id));
  }

  paint();
  return {
    el,
    paint,
    snapshot(v) {
      view = v;
      paint();
    },
    event(e) {
      const r = reduceHall(view, e);
      view = r.view;
      paint();
      if (r.refresh !== 'none' && mayChangeNotes(e)) refetch();
    },
  };
}
