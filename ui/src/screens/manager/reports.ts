/**
 * Reports and backups: the hall's last backup (with a warning when it failed, and a button for one now), the frozen
 * daily reports of the last 30 days as a chart and a table, the monthly ones, each downloadable as CSV.
 */
import { ApiFailure } from '../../lib/api.js';
import { barChart } from '../../lib/charts.js';
import { fill, h } from '../../lib/dom.js';
import { dateTime, num } from '../../lib/format.js';
import { addStrings, errorText, t } from '../../lib/i18n.js';
import { toast } from '../../lib/ui.js';
import { card } from './card.js';
import type { ManagerContext } from './state.js';

addStrings(
  {
    'm.nav.reports': '报表备份',
    'm.rep.backup': '数据备份',
    'm.rep.lastBackup': '上次备份：{at}（{size}）',
    'm.rep.noBackup': '尚无备份',
    'm.rep.failed': '备份失败：{error}（{at}）',
    'm.rep.dir': '备份目录：{dir}，每天 {time} 自动备份，保留 {keep} 份',
    'm.rep.backupNow': '立即备份',
    'm.rep.backedUp': '已备份',
    'm.rep.daily': '日报（近 30 天）',
    'm.rep.monthly': '月报',
    'm.rep.none': '暂无已生成的报表（每天零点生成前一天的日报）',
    'm.rep.chart': '每日办结与过号',
    'm.rep.served': '办结',
    'm.rep.noShow': '过号',
    'm.rep.period': '日期',
    'm.rep.issued': '取号',
    'm.rep.p50': '等候中位数（分）',
    'm.rep.p90': '等候 P90（分）',
    'm.rep.rating': '评价均分',
    'm.rep.csv': '下载 CSV',
  },
  {
    'm.nav.reports': 'Reports & backups',
    'm.rep.backup': 'Backups',
    'm.rep.lastBackup': 'Last backup: {at} ({size})',
    'm.rep.noBackup': 'No backup yet',
    'm.rep.failed': 'Backup failed: {error} ({at})',
    'm.rep.dir': 'Folder: {dir}; nightly at {time}, {keep} kept',
    'm.rep.backupNow': 'Back up now',
    'm.rep.backedUp': 'Backed up',
    'm.rep.daily': 'Daily reports (last 30 days)',
    'm.rep.monthly': 'Monthly reports',
    'm.rep.none': 'No reports yet (each day’s is made at midnight)',
    'm.rep.chart': 'Served and no-shows per day',
    'm.rep.served': 'Served',
    'm.rep.noShow': 'No-show',
    'm.rep.period': 'Period',
    'm.rep.issued': 'Issued',
    'm.rep.p50': 'Median wait (min)',
    'm.rep.p90': 'P90 wait (min)',
    'm.rep.rating': 'Rating',
    'm.rep.csv': 'Download CSV',
  },
);

interface Totals {
  issued: number;
  served: number;
  noShow: number;
  waitP50Minutes: number | null;
  waitP90Minutes: number | null;
  ratings: { average: number | null };
}
interface Summary {
  kind: 'daily' | 'monthly';
  period: string;
  totals: Totals;
}
export interface BackupStatus {
  dir: string;
  keep: number;
  at: string;
  lastSuccess: { at: string; name: string; bytes: number } | null;
  lastFailure: { at: string; error: string } | null;
  failing: boolean;
}

const DAY = 24 * 60 * 60 * 1000;

export function reportsPanel(ctx: ManagerContext, root: HTMLElement, onBackup: (b: BackupStatus) => void): void {
  let backup: BackupStatus | null = null;
  let daily: Summary[] = [];
  let monthly: Summary[] = [];

  const load = async () => {
    const from = new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10);
    const [b, d, m] = await Promise.all([
      ctx.api.get<BackupStatus>('/backups').catch(() => null),
      ctx.api.get<{ reports: Summary[] }>(`/reports?kind=daily&from=${from}`),
      ctx.api.get<{ reports: Summary[] }>('/reports?kind=monthly'),
    ]);
    backup = b;
    if (b) onBackup(b);
    daily = d.reports;
    monthly = m.reports;
    paint();
  };

  const backUpNow = async (button: HTMLButtonElement) => {
    button.disabled = true;
    try {
      await ctx.api.request('POST', '/backups');
      toast(t('m.rep.backedUp'), 'ok');
    } catch (err) {
      toast(errorText(err), 'error');
    }
    await load().catch(() => undefined);
  };

  const backupCard = () => {
    if (!backup) return null;
    const b = backup;
    const button = h('button', { type: 'button', class: 'btn btn-sm', id: 'backup-now' }, t('m.rep.backupNow'));
    button.onclick = () => void backUpNow(button);
    return card(
      t('m.rep.backup'),
      h(
        'div',
        { id: 'backup-status' },
        b.failing && b.lastFailure
          ? h(
              'p',
              { class: 'm-warn', role: 'alert', id: 'backup-failed' },
              t('m.rep.failed', { error: b.lastFailure.error, at: dateTime(b.lastFailure.at) }),
            )
          : null,
        h(
          'p',
          { id: 'backup-last' },
          b.lastSuccess
            ? t('m.rep.lastBackup', { at: dateTime(b.lastSuccess.at), size: megabytes(b.lastSuccess.bytes) })
            : t('m.rep.noBackup'),
        ),
        h('p', { class: 'm-sub' }, t('m.rep.dir', { dir: b.dir, time: b.at, keep: b.keep })),
      ),
      button,
    );
  };

  const table = (list: Summary[], id: string) =>
    h(
      'table',
      { class: 'table', id },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          [t('m.rep.period'), t('m.rep.issued'), t('m.rep.served'), t('m.rep.noShow')].map((x) => h('th', null, x)),
          [t('m.rep.p50'), t('m.rep.p90'), t('m.rep.rating')].map((x) => h('th', { class: 'r' }, x)),
          h('th', null, ''),
        ),
      ),
      h(
        'tbody',
        null,
        [...list].reverse().map((r) =>
          h(
            'tr',
            { dataset: { period: r.period } },
            h('td', { class: 'num' }, r.period),
            h('td', { class: 'num' }, r.totals.issued),
            h('td', { class: 'num' }, r.totals.served),
            h('td', { class: 'num' }, r.totals.noShow),
            h('td', { class: 'r num' }, num(r.totals.waitP50Minutes, 1)),
            h('td', { class: 'r num' }, num(r.totals.waitP90Minutes, 1)),
            h('td', { class: 'r num' }, num(r.totals.ratings.average, 2)),
            h(
              'td',
              { class: 'r' },
              h(
                'button',
                {
                  type: 'button',
                  class: 'btn btn-sm btn-ghost csv',
                  'aria-label': `${t('m.rep.csv')} ${r.period}`,
                  onclick: () => void downloadCsv(ctx, r),
                },
                t('m.rep.csv'),
              ),
            ),
          ),
        ),
      ),
    );

  const paint = () =>
    fill(
      root,
      h(
        'div',
        { class: 'm-grid reports' },
        backupCard(),
        card(
          t('m.rep.daily'),
          daily.length === 0
            ? h('p', { class: 'empty' }, t('m.rep.none'))
            : h(
                'div',
                null,
                barChart({
                  title: t('m.rep.chart'),
                  // The card spans the page: a wide, low chart.
                  width: 1200,
                  height: 220,
                  labels: daily.map((r) => r.period.slice(5)),
                  series: [
                    { name: t('m.rep.served'), values: daily.map((r) => r.totals.served) },
                    { name: t('m.rep.noShow'), values: daily.map((r) => r.totals.noShow) },
                  ],
                }),
                table(daily, 'daily-reports'),
              ),
        ),
        card(
          t('m.rep.monthly'),
          monthly.length === 0 ? h('p', { class: 'empty' }, t('m.rep.none')) : table(monthly, 'monthly-reports'),
        ),
      ),
    );

  fill(root, h('p', { class: 'empty' }, t('m.loading')));
  load().catch((err) => {
    if (!(err instanceof ApiFailure && err.status === 401)) toast(errorText(err), 'error');
  });
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** The CSV comes with the token in a header, so it is fetched and handed to the browser as a file. */
async function downloadCsv(ctx: ManagerContext, r: Summary): Promise<void> {
  const param = r.kind === 'daily' ? `date=${r.period}` : `month=${r.period}`;
  try {
    const res = await fetch(`/api/v1/reports/${r.kind}?${param}&format=csv`, {
      headers: { authorization: `Bearer ${ctx.session.token}` },
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const url = URL.createObjectURL(await res.blob());
    const a = h('a', { href: url, download: `hallq-${r.kind}-${r.period}.csv`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (err) {
    toast(errorText(err), 'error');
  }
}
