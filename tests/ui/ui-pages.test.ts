/** The screens' pages from one template: the screen table and the hall's name fill it; every imported module is preloaded. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importedModules, renderPage, screenPage, SCREENS } from '../../server/http/ui-pages.js';

const template = readFileSync(new URL('../../ui/static/page.html', import.meta.url), 'utf8');
const kiosk = SCREENS.find((s) => s.route === '/kiosk')!;

describe('screen pages', () => {
  it("fill the template with the screen's title, classes, stylesheet and script, and the hall's name, escaped", () => {
    const html = renderPage(template, kiosk, '某市<不动产>登记中心 & 分厅', ['/ui/lib/dom.js']);
    expect(html).toContain('<title>自助取号 · 某市&lt;不动产&gt;登记中心 &amp; 分厅</title>');
    expect(html).toContain('<html lang="zh-CN" class="kiosk-html">');
    expect(html).toContain('<body class="kiosk">');
    expect(html).toContain('content="width=device-width, initial-scale=1, user-scalable=no"');
    expect(html).toContain('<link rel="stylesheet" href="/ui/css/kiosk.css">');
    expect(html).toContain('<link rel="modulepreload" href="/ui/lib/dom.js">');
    expect(html).toContain('<script type="module" src="/ui/screens/kiosk.js"></script>');
    expect(html).not.toMatch(/\{\{\w+\}\}/);
  });

  it('staff screens may zoom; touch screens in the hall may not', () => {
    const counter = renderPage(
      template,
      SCREENS.find((s) => s.route === '/counter')!,
      'H',
      [],
    );
    expect(counter).toContain('content="width=device-width, initial-scale=1"');
    expect(counter).toContain('<body class="console">');
  });

  it('preload every module the script imports, directly or not, once', () => {
    const files: Record<string, string> = {
      '/ui/screens/kiosk.js': "import { a } from './kiosk/a.js';\nimport { h } from '../lib/dom.js';",
      '/ui/screens/kiosk/a.js': "export { x } from '../../lib/dom.js';\nimport '../../protocol/codes.js';",
      '/ui/lib/dom.js': 'export const h = 1;',
      '/ui/protocol/codes.js': 'export {};',
    };
    expect(importedModules('/ui/screens/kiosk.js', (u) => files[u]).sort()).toEqual([
      '/ui/lib/dom.js',
      '/ui/protocol/codes.js',
      '/ui/screens/kiosk/a.js',
    ]);
  });

  it('are not made before the screen is built', () => {
    expect(screenPage(kiosk, 'H', (rel) => (rel === 'page.html' ? template : undefined))).toBeUndefined();
  });
});
