/** The `/city` page: every site and the city's days, in plain tables, refreshed every five seconds. */
export const CITY_PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>全市大厅与便民服务点 · City view</title>
<style>
  body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 1.5rem; color: #111; background: #fff; }
  table { border-collapse: collapse; margin-bottom: 2rem; min-width: 60%; }
  th, td { border: 1px solid #888; padding: .4rem .7rem; text-align: left; }
  th { background: #eee; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; }
  .late { color: #a00; font-weight: bold; }
</style>
</head>
<body>
<main>
<h1>全市大厅与便民服务点 <small lang="en">City view</small></h1>
<p id="updated" aria-live="polite"></p>
<table aria-describedby="updated">
  <caption>各站点 · Sites</caption>
  <thead><tr><th scope="col">站点 Site</th><th scope="col">类型 Kind</th><th scope="col">等候 Waiting</th>
  <th scope="col">今日已办 Served today</th><th scope="col">开放窗口 Open counters</th>
  <th scope="col">预案 Playbooks</th><th scope="col">最近事件 Last event</th><th scope="col">延迟 Lag (s)</th>
  <th scope="col">连接 Link</th></tr></thead>
  <tbody id="sites"></tbody>
</table>
<table>
  <caption>全市按日 · City by day</caption>
  <thead><tr><th scope="col">日期 Day</th><th scope="col">取号 Issued</th><th scope="col">已办 Served</th>
  <th scope="col">过号 No-show</th><th scope="col">取消 Cancelled</th><th scope="col">平均等候 Avg wait (min)</th>
  <th scope="col">平均办理 Avg service (min)</th></tr></thead>
  <tbody id="days"></tbody>
</table>
</main>
<script>
const cell = (v, n) => { const td = document.createElement('td'); td.textContent = v ?? '—'; if (n) td.className = 'n'; return td; };
const fill = (id, rows) => document.getElementById(id).replaceChildren(...rows.map((cells) => {
  const tr = document.createElement('tr'); tr.append(...cells); return tr; }));
const link = (x) => {
  if (x.duplicate) {
    const c = cell('站点编号重复 two sources with this id');
    c.classList.add('late');
    return c;
  }
  if (x.online) return cell('在线 online');
  const c = cell('离线 offline' + (x.lastSeenAt ? ' · ' + new Date(x.lastSeenAt).toLocaleString() : ''));
  c.classList.add('late');
  return c;
};
async function refresh() {
  try {
    const [s, d] = await Promise.all([fetch('/api/v1/city/sites'), fetch('/api/v1/city/days')].map((p) => p.then((r) => r.json())));
    fill('sites', s.sites.map((x) => {
      const lag = cell(x.lagSeconds, true); if (x.lagSeconds > 60) lag.classList.add('late');
      return [cell(x.name), cell(x.kind === 'point' ? '便民服务点 point' : '大厅 hall'), cell(x.waiting, true),
        cell(x.servedToday, true), cell(x.openCounters, true), cell(x.active.join(', ') || '—'),
        cell(x.lastEventAt ? new Date(x.lastEventAt).toLocaleString() : null), lag, link(x)];
    }));
    fill('days', d.days.map((x) => [cell(x.day), cell(x.issued, true), cell(x.served, true), cell(x.noShow, true),
      cell(x.cancelled, true), cell(x.avgWaitMinutes, true), cell(x.avgServiceMinutes, true)]));
    document.getElementById('updated').textContent = '更新于 Updated ' + new Date().toLocaleTimeString();
  } catch { document.getElementById('updated').textContent = '暂时无法读取 City view unavailable'; }
}
refresh(); setInterval(refresh, 5000);
</script>
</body>
</html>
`;
