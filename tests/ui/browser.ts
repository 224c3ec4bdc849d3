/** Shared set-up of the UI suites: the built screens, Debian's Chromium through playwright-core, axe-core. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = process.env.HALLQ_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let max = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    max = Math.max(max, st.isDirectory() ? newest(p) : st.mtimeMs);
  }
  return max;
}

/** Compiles ui/ to dist/ui when the build is missing or older than its sources. */
export function ensureUiBuilt(): void {
  const built = join(ROOT, 'dist', 'ui', 'screens', 'kiosk.js');
  if (existsSync(built) && newest(join(ROOT, 'dist', 'ui')) >= newest(join(ROOT, 'ui', 'src'))) return;
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'ui', 'tsconfig.json')],
    { stdio: 'inherit' },
  );
}

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk (never a downloaded browser)`,
    );
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Opens a page at a viewport, failing the test on any uncaught page error. */
export async function openPage(
  browser: Browser,
  url: string,
  viewport: { width: number; height: number },
  errors: string[] = [],
): Promise<Page> {
  const page = await browser.newPage({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  page.setDefaultTimeout(8000);
  page.on('pageerror', (e) => errors.push(`${url}: ${e.message}`));
  await page.goto(url);
  return page;
}

/** Signs in on the console or dashboard login form. */
export async function login(page: Page, username: string, password: string): Promise<void> {
  await page.fill('#login-user', username);
  await page.fill('#login-pass', password);
  await page.click('.login-submit');
}

let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/** Runs axe-core (WCAG 2.x A and AA rules) in the page; returns the serious and critical violations. */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  // evaluate() is not subject to the page's CSP, unlike an injected <script>.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    return axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
  });
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  return [...serious, ...(await contrastWorstCase(page))];
}

/**
 * Text contrast where axe cannot see it by itself: with background images (gradients) removed, every gradient's
 * fallback colour — its lightest stop under light text, its darkest under dark text — is what the text is measured
 * against. Text whose background still cannot be determined counts as a failure too, so no text goes unchecked.
 */
async function contrastWorstCase(page: Page): Promise<AxeViolation[]> {
  const r = await page.evaluate(async () => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(
      '*, *::before, *::after { background-image: none !important; animation: none !important; transition: none !important; text-shadow: none !important; }',
    );
    const before = document.adoptedStyleSheets;
    document.adoptedStyleSheets = [...before, sheet];
    try {
      const axe = (
        window as unknown as {
          axe: {
            run(
              ctx: Document,
              opts: unknown,
            ): Promise<{
              violations: AxeViolation[];
              incomplete: Array<AxeViolation & { nodes: Array<{ target: string[]; any: Array<{ message: string }> }> }>;
            }>;
          };
        }
      ).axe;
      // With a modal dialog open, only the dialog is visible; the page behind it is inert.
      const scope = document.querySelector('dialog[open]') ?? document;
      const res = await axe.run(scope as Document, {
        runOnly: { type: 'rule', values: ['color-contrast'] },
        resultTypes: ['violations', 'incomplete'],
      });
      // SVG chart labels (fixed colours on white, checked in the stylesheet) are not measurable by axe.
      for (const v of res.incomplete)
        v.nodes = v.nodes.filter((n) => !document.querySelector(n.target.join(' '))?.closest('svg'));
      return res;
    } finally {
      document.adoptedStyleSheets = before;
    }
  });
  const unverified = r.incomplete
    .flatMap((v) => v.nodes)
    .filter((n) => !/non-text|pseudo|too short/i.test(n.any.map((a) => a.message).join(' ')))
    .map((n) => ({ target: n.target, failureSummary: n.any.map((a) => a.message).join(' ') }));
  return [
    ...r.violations.map((v) => ({ ...v, id: `${v.id} (gradients at their worst stop)` })),
    ...(unverified.length
      ? [
          {
            id: 'color-contrast-unverified',
            impact: 'serious',
            help: 'text whose contrast could not be measured',
            nodes: unverified,
          },
        ]
      : []),
  ];
}

/** Visible interactive elements smaller than `min` px in either direction. */
export async function smallTargets(page: Page, min = 48): Promise<string[]> {
  return page.evaluate((min) => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(
      'button, a[href], input:not([type=hidden]), select, textarea, [role=button], [role=tab]',
    )) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
      if (r.width < min || r.height < min)
        out.push(
          `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? '').trim().slice(0, 20)}" ${Math.round(r.width)}×${Math.round(r.height)}`,
        );
    }
    return out;
  }, min);
}

export function describeViolations(v: AxeViolation[]): string {
  return v
    .map(
      (x) =>
        `${x.impact} ${x.id}: ${x.help}\n  ${x.nodes
          .slice(0, 4)
          .map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`)
          .join('\n  ')}`,
    )
    .join('\n');
}
