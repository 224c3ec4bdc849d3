/**
 * The small screen above a counter that has no LED board: its name, the number it serves, its state, and the
 * 暂停服务 sign with the reason while the counter is paused (告知牌), the active playbooks' banners, and the hall's
 * day: extended service after closing (延时服务), and, on a closed counter whose services nobody serves now, that
 * people are not sent to another counter that does not exist.
 */
import { Api, deviceToken } from '../lib/api.js';
import { $, fill, h, pathParam, setText } from '../lib/dom.js';
import { setTimeZone, time } from '../lib/format.js';
import { extendedUntil, unservedServices } from '../lib/hall-notes.js';
import { HallModel, type CounterView, type HallView } from '../lib/hall-model.js';
import { addStrings, counterName, serviceName, t } from '../lib/i18n.js';
import { clock, connectionBanner } from '../lib/ui.js';
import { bannerTexts, paintBanners } from '../lib/banners.js';

addStrings(
  {
    'cd.please': '请',
    'cd.toCounter': '号到本窗口办理',
    'cd.serving': '正在办理',
    'cd.welcome': '欢迎办理',
    'cd.watch': '请留意叫号',
    'cd.paused': '暂停服务',
    'cd.sorry': '给您带来不便，敬请谅解',
    'cd.closed': '暂未开放',
    'cd.closedHint': '请到其他窗口办理',
    'cd.staff': '工作人员',
    'cd.services': '办理业务',
    'cd.unknown': '没有这个窗口：{id}',
    'cd.extended': '延时服务中，已取号码继续办理（至 {until}）',
    'cd.unservedHint': '请稍候，工作人员正在安排窗口办理',
  },
  {
    'cd.please': 'Number',
    'cd.toCounter': 'please come to this counter',
    'cd.serving': 'Now serving',
    'cd.welcome': 'Welcome',
    'cd.watch': 'Please watch for your number',
    'cd.paused': 'Paused',
    'cd.sorry': 'Sorry for the inconvenience',
    'cd.closed': 'Closed',
    'cd.closedHint': 'Please go to another counter',
    'cd.staff': 'Staff',
    'cd.services': 'Services',
    'cd.unknown': 'No such counter: {id}',
    'cd.extended': 'Extended service: numbers already taken are still served (until {until})',
    'cd.unservedHint': 'Please wait: staff are arranging a counter for you',
  },
);

const app = $('#app');
const counterId = pathParam('/display/counter/');
const token = deviceToken(`counter-display-${counterId}`);
const model = new HallModel(new Api({ token }), token).start();
const conn = connectionBanner();
model.onStatus((s) => conn.set(s));

const head = h('header', { class: 'cd-head' });
const body = h('main', { class: 'cd-body', 'aria-live': 'polite' });
const foot = h('footer', { class: 'cd-foot' });
const bannerEl = h('div', { class: 'emergency-banner cd-banner', role: 'alert', hidden: true });
app.replaceChildren(conn.el, bannerEl, head, body, foot);

let lastKey = '';
const clk = clock(false);

function paint(view: HallView): void {
  setTimeZone(view.timezone);
  paintBanners(bannerEl, bannerTexts(view.emergency));
  const c = view.counters.find((x) => x.id === counterId);
  if (!c) {
    fill(body, h('p', { class: 'cd-msg' }, t('cd.unknown', { id: counterId })));
    return;
  }
  const state =
    c.status !== 'open' ? c.status : c.current ? (c.currentStatus === 'serving' ? 'serving' : 'called') : 'idle';
  document.body.dataset.state = state;
  const until = extendedUntil(view);
  const unserved = unservedServices(view, c.services.flat()).length > 0;
  const key = `${state}|${c.current}|${c.pauseReason}|${c.staffName}|${until}|${unserved}`;
  if (key === lastKey) return;
  const flash = lastKey !== '' && state === 'called' && !lastKey.startsWith(`called|${c.current}|`);
  lastKey = key;
  document.title = `${c.name} · ${view.name}`;
  fill(
    head,
    h('div', { class: 'cd-name' }, counterName(c)),
    h(
      'div',
      { class: 'cd-tags' },
      (c.tags ?? []).map((tag) => h('span', { class: `cd-tag ${c.greenLane ? 'green' : ''}` }, tag)),
    ),
    clk,
  );
  fill(
    body,
    stateView(c, state, unserved),
    until ? h('div', { class: 'cd-extended', id: 'cd-extended' }, t('cd.extended', { until: time(until) })) : null,
  );
  const services = c.services.flat().map((id) =>
    serviceName(
      view.services.find((s) => s.id === id),
      id,
    ),
  );
  fill(
    foot,
    h('span', null, h('b', null, `${t('cd.staff')}：`), c.staffName ?? '—'),
    h('span', { class: 'cd-services' }, h('b', null, `${t('cd.services')}：`), services.join('、')),
  );
  if (flash) {
    body.classList.remove('flash');
    void body.offsetWidth;
    body.classList.add('flash');
  }
}

function stateView(c: CounterView, state: string, unserved: boolean) {
  switch (state) {
    case 'called':
      return [
        h('div', { class: 'cd-line' }, t('cd.please')),
        h('div', { class: 'cd-number num', id: 'cd-number' }, c.current),
        h('div', { class: 'cd-line' }, t('cd.toCounter')),
      ];
    case 'serving':
      return [
        h('div', { class: 'cd-line' }, t('cd.serving')),
        h('div', { class: 'cd-number num', id: 'cd-number' }, c.current),
      ];
    case 'paused':
      return [
        h('div', { class: 'cd-sign', id: 'cd-sign' }, t('cd.paused')),
        c.pauseReason ? h('div', { class: 'cd-reason', id: 'cd-reason' }, c.pauseReason) : null,
        h('div', { class: 'cd-line small' }, t('cd.sorry')),
      ];
    case 'closed':
      return [
        h('div', { class: 'cd-sign', id: 'cd-sign' }, t('cd.closed')),
        // Nobody else serves these people now: not "go to another counter".
        h('div', { class: 'cd-line', id: 'cd-hint' }, t(unserved ? 'cd.unservedHint' : 'cd.closedHint')),
      ];
    default:
      return [h('div', { class: 'cd-welcome' }, t('cd.welcome')), h('div', { class: 'cd-line' }, t('cd.watch'))];
  }
}

model.onChange(() => model.view && paint(model.view));
