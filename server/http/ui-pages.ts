/**
 * The screens' pages: one template (ui/static/page.html) filled from the screen table and the hall's name, with a
 * modulepreload for every module the screen's script imports, so the browser asks for them all at once.
 */
import { posix } from 'node:path';

export interface ScreenPage {
  /** The page's route. */
  route: string;
  /** Its script under screens/ and its stylesheet under css/, without the extension. */
  script: string;
  css: string;
  /** The class of <body>; <html> gets `<cls>-html`. */
  cls: string;
  /** What the page is, before the hall's name in the title. */
  title: string;
  /** A touch screen in the hall: no pinch zoom. */
  fixedZoom?: boolean;
}

export const SCREENS: readonly ScreenPage[] = [
  { route: '/kiosk', script: 'kiosk', css: 'kiosk', cls: 'kiosk', title: '自助取号', fixedZoom: true },
  { route: '/counter', script: 'counter', css: 'console', cls: 'console', title: '窗口工作台' },
  { route: '/display', script: 'display', css: 'display', cls: 'display', title: '叫号大屏' },
  {
    route: '/display/counter/:counterId',
    script: 'counter-display',
    css: 'counter-display',
    cls: 'cdisplay',
    title: '窗口屏',
  },
  { route: '/pad/:counterId', script: 'pad', css: 'pad', cls: 'pad', title: '服务评价', fixedZoom: true },
  { route: '/manager', script: 'manager', css: 'manager', cls: 'manager', title: '大厅管理' },
  { route: '/t/:ticketId', script: 'ticket', css: 'phone', cls: 'phone', title: '排队进度' },
  { route: '/case', script: 'case', css: 'phone', cls: 'phone', title: '办件查询' },
];

/** The template's name among the UI's static files. */
const PAGE_TEMPLATE = 'page.html';

/**
 * A screen's page from the UI's files (`read` gives a file's text by its path under /ui/, or undefined), or undefined
 * while the template or the screen's script is not there (not built yet).
 */
export function screenPage(
  screen: ScreenPage,
  hallName: string,
  read: (rel: string) => string | undefined,
): string | undefined {
  const template = read(PAGE_TEMPLATE);
  const script = `/ui/screens/${screen.script}.js`;
  const fromUi = (url: string) => read(url.slice('/ui/'.length));
  if (template === undefined || fromUi(script) === undefined) return undefined;
  return renderPage(template, screen, hallName, importedModules(script, fromUi));
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[c]};`);

/** The screen's page: `{{name}}` slots of the template filled; `modules` are the /ui/ URLs to preload. */
export function renderPage(template: string, screen: ScreenPage, hallName: string, modules: readonly string[]): string {
  const slots: Record<string, string> = {
    cls: screen.cls,
    viewport: screen.fixedZoom
      ? 'width=device-width, initial-scale=1, user-scalable=no'
      : 'width=device-width, initial-scale=1',
    title: escapeHtml(`${screen.title} · ${hallName}`),
    css: `/ui/css/${screen.css}.css`,
    preloads: modules.map((m) => `<link rel="modulepreload" href="${m}">`).join('\n'),
    script: `/ui/screens/${screen.script}.js`,
  };
  return template.replace(/\{\{(\w+)\}\}/g, (all, name: string) => slots[name] ?? all);
}

/**
 * Every module `entry` (a /ui/ URL) imports, directly or not, following the relative imports of the built scripts;
 * `read` gives a /ui/ URL's text, or undefined when there is no such file.
 */
export function importedModules(entry: string, read: (url: string) => string | undefined): string[] {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length) {
    const url = queue.shift()!;
    const src = read(url);
    if (src === undefined) continue;
    for (const m of src.matchAll(
      /(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\s*['"](\.{1,2}\/[^'"]+)['"]/g,
    )) {
      const next = posix.normalize(posix.join(posix.dirname(url), m[1] ?? m[2]));
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  seen.delete(entry);
  return [...seen];
}
