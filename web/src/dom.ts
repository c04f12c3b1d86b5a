/** Building the page from data: every text goes in as text (never as HTML), so a hostile value from a feed stays a string. */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

function apply(element: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(element: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'object' ? child : String(child));
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  apply(element, attrs);
  append(element, children);
  return element;
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  apply(element, attrs);
  append(element, children);
  return element;
}

export const fmt = new Intl.NumberFormat('en');

export function date(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : '';
}

/** A TLP 2.0 label in the FIRST colours. */
export function tlpBadge(tlp: string): HTMLElement {
  return h('span', { class: `tlp tlp-${tlp.replace('+', '-')}`, title: `Traffic Light Protocol: ${tlp.toUpperCase()}` }, `TLP:${tlp.toUpperCase()}`);
}

/** A titled section, as a landmark with its heading. */
export function section(title: string, ...children: Child[]): HTMLElement {
  const id = `s-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return h('section', { class: 'panel', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

export function table(caption: string, headers: string[], rows: Child[][]): HTMLTableElement {
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...headers.map((name) => h('th', { scope: 'col' }, name)))),
    h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((cell) => h('td', {}, cell))))),
  );
}

/** Horizontal bars of counts, readable as a list by screen readers. */
export function bars(label: string, counts: Record<string, number>, classOf?: (key: string) => string): HTMLElement {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  if (!entries.length) return h('p', { class: 'empty' }, 'Nothing yet.');
  return h(
    'ul',
    { class: 'bars', 'aria-label': label },
    ...entries.map(([key, n]) => {
      const bar = h('span', { class: `bar ${classOf ? classOf(key) : ''}` });
      bar.style.width = `${Math.max(1, (n / max) * 100)}%`;
      return h('li', {}, h('span', { class: 'bar-label' }, key), h('span', { class: 'bar-track', 'aria-hidden': 'true' }, bar), h('span', { class: 'bar-value' }, fmt.format(n)));
    }),
  );
}

export function status(message: string, kind: 'info' | 'error' = 'info'): HTMLElement {
  return h('p', { class: `status status-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
}
