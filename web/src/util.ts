// Small DOM helpers: the page is plain TypeScript, no framework.

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

export function clear(el: HTMLElement): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function errorBox(err: unknown): HTMLElement {
  const msg = err instanceof Error ? err.message : String(err);
  return h('div', { class: 'error', 'data-testid': 'error' }, msg);
}

/** The person's name and id: "Zhang San (P001)". */
export function who(p: { id: string; name?: string | null } | null | undefined): string {
  if (!p) return '—';
  return p.name ? `${p.name} (${p.id})` : p.id;
}

/** Name over id, for graph nodes. */
export function nodeLabel(p: { id: string; name?: string | null }): string {
  return p.name ? `${p.name}\n${p.id}` : p.id;
}
