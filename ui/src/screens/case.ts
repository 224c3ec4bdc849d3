/**
 * The public case look-up (/case, behind the receipt's QR code, and from the kiosk): type the case number, see its
 * service, status and due date. No personal data: the server answers by number only, and limits guessing.
 */
import { Api, ApiFailure, deviceToken } from '../lib/api.js';
import { $, fill, h } from '../lib/dom.js';
import type { HallView } from '../lib/hall-model.js';
import { addStrings, errorText, onLangChange, serviceName, t } from '../lib/i18n.js';
import { idleTimer, langButton } from '../lib/ui.js';

addStrings(
  {
    'cs.title': '办件查询',
    'cs.lead': '请输入受理回执上的办件编号',
    'cs.placeholder': '例如 A-20261127-4821937465',
    'cs.search': '查询',
    'cs.number': '办件编号',
    'cs.service': '办理业务',
    'cs.dueOn': '办结期限',
    'cs.open': '办理中',
    'cs.completed': '已办结',
    'cs.overdue': '已超过办结期限，请咨询大厅导办人员',
    'cs.notFound': '未找到该办件',
    'cs.notFoundSub': '请核对受理回执上的编号（可不输入字母和横线）。',
    'cs.tooMany': '查询次数过多，请 {s} 秒后再试',
    'cs.back': '返回取号',
    'cs.privacy': '本页面不显示任何个人信息。',
  },
  {
    'cs.title': 'Case look-up',
    'cs.lead': 'Enter the case number on your receipt',
    'cs.placeholder': 'e.g. A-20261127-4821937465',
    'cs.search': 'Look up',
    'cs.number': 'Case number',
    'cs.service': 'Service',
    'cs.dueOn': 'Due by',
    'cs.open': 'In progress',
    'cs.completed': 'Completed',
    'cs.overdue': 'Past its due date: please ask the hall staff',
    'cs.notFound': 'No such case',
    'cs.notFoundSub': 'Check the number on the receipt (letters and dashes may be left out).',
    'cs.tooMany': 'Too many look-ups: try again in {s} s',
    'cs.back': 'Back to the kiosk',
    'cs.privacy': 'This page shows no personal data.',
  },
);

interface PublicCase {
  number: string;
  serviceId: string;
  status: 'open' | 'completed';
  dueOn: string;
  overdue: boolean;
}

const params = new URLSearchParams(location.search);
const fromKiosk = params.get('from') === 'kiosk';
// From the kiosk its token goes along: its look-ups then count against that kiosk, not against the one address
// everyone at it shares.
const api = new Api({ token: (fromKiosk && deviceToken('kiosk')) || undefined });
const app = $('#app');
let hall: HallView | null = null;
let shown: PublicCase | null = null;
let problem: HTMLElement | null = null;

const input = h('input', {
  type: 'text',
  id: 'case-number',
  class: 'cs-input',
  autocomplete: 'off',
  autocapitalize: 'characters',
  spellcheck: 'false',
  maxlength: 40,
  value: params.get('n') ?? '',
}) as HTMLInputElement;
const form = h(
  'form',
  {
    class: 'cs-form',
    onsubmit: (e: Event) => {
      e.preventDefault();
      void lookUp();
    },
  },
  input,
  h('button', { type: 'submit', class: 'btn btn-primary', id: 'case-search' }, t('cs.search')),
);
const result = h('div', { id: 'case-result', 'aria-live': 'polite' });
const main = h('main', { class: 'ph-main' });
app.replaceChildren(
  h(
    'header',
    { class: 'ph-top' },
    h(
      'div',
      { class: 'ph-brand' },
      h('img', { src: '/ui/icon.svg', alt: '', width: 32, height: 32 }),
      h('span', { class: 'ph-hall' }, document.title.split(' · ')[1] ?? ''),
    ),
    fromKiosk ? h('a', { class: 'btn btn-sm', href: '/kiosk' }, t('cs.back')) : null,
    langButton('btn-sm'),
  ),
  main,
);
// On the kiosk, a page left alone goes back to taking numbers.
if (fromKiosk) idleTimer(60_000, () => location.assign('/kiosk'));

function paint(): void {
  input.placeholder = t('cs.placeholder');
  const k = shown;
  fill(
    result,
    problem,
    k
      ? h(
          'section',
          { class: 'ph-card ph-ticket' },
          h('p', { class: 'ph-label' }, t('cs.number')),
          h('p', { class: 'ph-number num cs-number', id: 'cs-number' }, k.number),
          h(
            'p',
            { class: 'ph-service' },
            serviceName(
              hall?.services.find((s) => s.id === k.serviceId),
              k.serviceId,
            ),
          ),
          h(
            'div',
            { class: `ph-status ph-status-${k.status === 'completed' ? 'done' : 'waiting'}`, role: 'status' },
            h('b', { id: 'cs-status' }, t(`cs.${k.status}`)),
            k.overdue ? h('span', { id: 'cs-overdue' }, t('cs.overdue')) : null,
          ),
          h(
            'dl',
            { class: 'ph-facts' },
            h('div', null, h('dt', null, t('cs.dueOn')), h('dd', { id: 'cs-due' }, k.dueOn)),
          ),
        )
      : null,
  );
  fill(
    main,
    h('section', { class: 'ph-card' }, h('h1', null, t('cs.title')), h('p', null, t('cs.lead')), form),
    result,
    h('p', { class: 'ph-tips' }, t('cs.privacy')),
  );
}

async function lookUp(): Promise<void> {
  const typed = input.value.trim();
  if (!typed) return;
  try {
    shown = (await api.get<{ case: PublicCase }>(`/cases/${encodeURIComponent(typed)}`)).case;
    problem = null;
  } catch (err) {
    shown = null;
    problem =
      err instanceof ApiFailure && err.status === 404
        ? h(
            'section',
            { class: 'ph-card ph-missing' },
            h('h2', null, t('cs.notFound')),
            h('p', null, t('cs.notFoundSub')),
          )
        : err instanceof ApiFailure && err.status === 429
          ? h('p', { class: 'empty' }, t('cs.tooMany', { s: Number(err.details.retryAfterSeconds ?? 60) }))
          : h('p', { class: 'empty' }, errorText(err));
  }
  paint();
}

onLangChange(() => paint());
paint();
void api
  .get<HallView>('/hall')
  .then((v) => {
    hall = v;
    paint();
  })
  .catch(() => undefined);
if (input.value) void lookUp();
