/** A refusal in the visitor's words: what the server's error code means and what to do, one dialog each. */
import type { HallView } from '../../protocol/hall.js';
import { ApiFailure } from '../../lib/api.js';
import { h } from '../../lib/dom.js';
import { dateTime, time } from '../../lib/format.js';
import { errorText, t } from '../../lib/i18n.js';
import { openDialog, type DialogHandle } from '../../lib/ui.js';
import { KIOSK_ZH } from './strings.js';

/** The title and text for a failed request. */
export function refusalText(err: unknown, v: HallView | null): { title: string; body: string; code: string } {
  const e = err instanceof ApiFailure ? err : new ApiFailure(0, 'NETWORK', String(err));
  const d = e.details as Record<string, string | boolean | undefined>;
  const key = `kiosk.refuse.${e.code}`;
  const playbook = v?.emergency?.banner ?? v?.emergency?.name ?? '';
  let body: string;
  switch (e.code) {
    case 'ACTIVE_TICKET_EXISTS':
      body = t(`${key}.body`, { number: (d.number as string) ?? '' });
      break;
    case 'DAILY_LIMIT':
      body = t(`${key}.body`, { n: /(\d+)/.exec(e.message)?.[1] ?? '' });
      break;
    case 'NO_ID_LIMIT':
      body = t(`${key}.body`, { n: String(d.limit ?? ''), s: String(d.retryAfterSeconds ?? '') });
      break;
    case 'HALL_CLOSED':
      if (d.suggestedTime) body = t('kiosk.refuse.HALL_CLOSED.until', { time: dateTime(d.suggestedTime as string) });
      else if (d.appointmentsOnly) body = t('kiosk.refuse.HALL_CLOSED.appointments', { reason: playbook });
      else if (d.playbookId) body = t('kiosk.refuse.HALL_CLOSED.paused', { reason: playbook });
      else body = t('kiosk.refuse.HALL_CLOSED.body');
      break;
    case 'TOO_EARLY':
      body = t(`${key}.body`, { time: d.checkInFrom ? time(d.checkInFrom as string) : '' });
      break;
    default:
      body = KIOSK_ZH[`${key}.body`] !== undefined ? t(`${key}.body`) : errorText(e);
  }
  const title = KIOSK_ZH[`${key}.title`] !== undefined ? t(`${key}.title`) : t('kiosk.refuse.default.title');
  return { title, body, code: e.code };
}

export function openRefusal(title: string, body: string, code: string, onClose: () => void): DialogHandle {
  return openDialog({
    title,
    tone: 'warn',
    className: 'refusal',
    body: h('p', { class: 'refusal-text', dataset: { code } }, body),
    actions: [{ label: t('kiosk.understood'), kind: 'primary' }],
    onClose,
  });
}
