/**
 * When today is full (R4, 当日受理 without caps): the kiosk says so plainly and offers the next free slot; the visitor
 * takes today's number anyway or books the slot in one tap, with an optional phone for a reminder. Never a refusal.
 */
import { h, setText, toggleClass } from '../../lib/dom.js';
import { aboutMinutes, dateTime, time } from '../../lib/format.js';
import { t } from '../../lib/i18n.js';
import { openDialog, type DialogHandle } from '../../lib/ui.js';
import { keypad } from './input.js';

export interface SlotView {
  slotStart: string;
  slotEnd: string;
}

/** GET /services/:id/availability */
export interface AvailabilityView {
  servesToday: boolean;
  waiting: number;
  estimatedWaitMinutes: number;
  nextSlot: SlotView | null;
}

/** A slot as the visitor reads it: 3月3日 08:30–09:00. */
export function slotText(s: SlotView): string {
  return `${dateTime(s.slotStart)}–${time(s.slotEnd)}`;
}

/**
 * The choice: `takeToday` issues the number as usual; `book` books the slot with the phone typed (or none) and
 * answers whether it worked (a failure keeps the dialog open).
 */
export function openCapacityDialog(
  a: AvailabilityView,
  choices: { takeToday(): void; book(phone: string | undefined): Promise<boolean>; onClose(): void },
): DialogHandle {
  let phone = '';
  const display = h('output', { class: 'key-display', id: 'capacity-phone', 'aria-live': 'polite' });
  const paint = (v: string) => {
    phone = v;
    setText(display, v || t('kiosk.capacity.phonePlaceholder'));
    toggleClass(display, 'empty', !v);
  };
  paint('');
  const slot = a.nextSlot;
  const body = h(
    'div',
    { class: 'capacity' },
    h(
      'p',
      { class: 'capacity-text' },
      t('kiosk.capacity.body', { n: a.waiting, wait: aboutMinutes(a.estimatedWaitMinutes) }),
    ),
    slot
      ? [
          h('p', { class: 'capacity-slot' }, t('kiosk.capacity.offer', { slot: slotText(slot) })),
          h('p', { class: 'hint' }, t('kiosk.capacity.phoneHint')),
          display,
          keypad({ max: 11, allowX: false, value: () => phone, onChange: paint }),
        ]
      : h('p', { class: 'capacity-slot' }, t('kiosk.capacity.noSlot')),
  );
  return openDialog({
    title: t('kiosk.capacity.title'),
    tone: 'warn',
    className: 'capacity-dialog',
    body,
    actions: [
      {
        id: 'capacity-today',
        label: t('kiosk.capacity.takeToday'),
        kind: slot ? 'ghost' : 'primary',
        onClick: () => choices.takeToday(),
      },
      ...(slot
        ? [
            {
              id: 'capacity-book',
              label: t('kiosk.capacity.book', { slot: slotText(slot) }),
              kind: 'primary' as const,
              onClick: () => choices.book(phone.length === 11 ? phone : undefined),
            },
          ]
        : []),
    ],
    onClose: choices.onClose,
  });
}

/** The booking made: the slot and the code to check in with (also on the phone, when one was given). */
export function openBookedDialog(
  booked: { code: string; slotStart: string; slotEnd: string; phone?: string },
  onClose: () => void,
): DialogHandle {
  return openDialog({
    title: t('kiosk.capacity.bookedTitle'),
    tone: 'ok',
    className: 'booked-dialog',
    body: h(
      'div',
      { class: 'booked' },
      h('p', null, t('kiosk.capacity.bookedSlot', { slot: slotText(booked) })),
      h('p', { class: 'k-number booked-code', id: 'booked-code' }, booked.code),
      h('p', { class: 'hint' }, t(booked.phone ? 'kiosk.capacity.bookedSms' : 'kiosk.capacity.bookedNote')),
    ),
    actions: [{ id: 'booked-ok', label: t('kiosk.finish'), kind: 'primary' }],
    onClose,
  });
}
