/** Tiny DOM helpers: build elements from data (text is always text, never parsed HTML) and update only what changed. */

export type Child = Node | string | number | null | undefined | false | Child[];
type Handler = (ev: any) => void;
export type Props = Record<string, string | number | boolean | null | undefined | Handler | Record<string, string>>;

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

function setProps(el: Element, props: Props | null | undefined): void {
  if (!props) return;
  for (const [k, v] of Object.entries(props)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.setAttribute('class', String(v));
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v as Handler);
    else if (k === 'dataset' && typeof v === 'object')
      for (const [dk, dv] of Object.entries(v as Record<string, string>)) (el as HTMLElement).dataset[dk] = dv;
    else if (k === 'value' && 'value' in el) (el as HTMLInputElement).value = String(v);
    else if (k === 'checked' && 'checked' in el) (el as HTMLInputElement).checked = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

/** h('button', {class: 'btn', onclick: go}, '取号') */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setProps(el, props);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** svg('rect', {x: 0, y: 0, width: 10, height: 10}) */
export function svg(tag: string, props?: Props | null, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag) as SVGElement;
  setProps(el, props);
  append(el, children);
  return el;
}

export function $(selector: string, root: ParentNode = document): HTMLElement {
  const el = root.querySelector(selector);
  if (!el) throw new Error(`missing element ${selector}`);
  return el as HTMLElement;
}

/** Sets text only when it differs: no needless layout work on screens that refresh often. */
export function setText(el: Element, text: string | number): void {
  const s = String(text);
  if (el.textContent !== s) el.textContent = s;
}

export function toggleClass(el: Element, name: string, on: boolean): void {
  if (el.classList.contains(name) !== on) el.classList.toggle(name, on);
}

/** Replaces an element's children in one go. */
export function fill(el: Element, ...children: Child[]): void {
  const frag = document.createDocumentFragment();
  const holder = document.createElement('div');
  append(holder, children);
  frag.append(...holder.childNodes);
  el.replaceChildren(frag);
}

/** Calls `fn` at most once per `ms`, with the latest arguments, at the end of the quiet period. */
export function debounce<A extends unknown[]>(fn: (...a: A) => void, ms: number): (...a: A) => void {
  let timer: number | undefined;
  return (...a: A) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn(...a);
    }, ms) as unknown as number;
  };
}

/** Path segment after `prefix`, e.g. pathParam('/pad/') on /pad/3 → '3'. */
export function pathParam(prefix: string): string {
  const p = location.pathname;
  return p.startsWith(prefix) ? decodeURIComponent(p.slice(prefix.length).split('/')[0] ?? '') : '';
}
