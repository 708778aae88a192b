// A tiny DOM builder: no innerHTML anywhere, so host data can never become markup.
type Child = Node | string | number | null | undefined | false;
interface Props {
  className?: string;
  text?: string;
  title?: string;
  id?: string;
  attrs?: Record<string, string>;
  data?: Record<string, string>;
  on?: { [K in keyof HTMLElementEventMap]?: (e: HTMLElementEventMap[K]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.className) el.className = props.className;
  if (props.id) el.id = props.id;
  if (props.title) el.title = props.title;
  if (props.text !== undefined) el.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  for (const [k, v] of Object.entries(props.data ?? {})) el.dataset[k] = v;
  for (const [k, fn] of Object.entries(props.on ?? {})) el.addEventListener(k, fn as EventListener);
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

/** The #app root the host's HTML provides (created if missing, e.g. in a test harness). */
export function appRoot(): HTMLElement {
  let app = document.getElementById('app');
  if (!app) document.body.appendChild((app = h('div', { id: 'app' })));
  return app;
}

/** A full-width message line (errors, empty states). */
export function notice(text: string, kind: 'error' | 'empty' = 'empty'): HTMLElement {
  return h('div', { className: `notice notice-${kind}`, text, attrs: kind === 'error' ? { role: 'alert' } : {} });
}
