// Cluster view: every cluster with its size, generations, first and last onset and
// whether it is active; a cluster opens as a tree by generation from its index case.
import { gql } from './api';
import { CollapsibleTree, type ExtraEdge, type TreeNode } from './graphview';
import { t, tv } from './i18n';
import type { AsOf } from './state';
import { fmtDate } from './time';
import { clear, errorBox, h, nodeLabel, who } from './util';

export interface ClusterData {
  indexCase: { id: string; name: string };
  size: number;
  generations: number;
  firstOnset: string | null;
  lastOnset: string | null;
  active: boolean;
  cases: { person: { id: string; name: string }; generation: number; status: string; onsetDate: string | null; referenceTime: string | null }[];
  links: { source: { id: string }; target: { id: string }; exposure: { kind: string; to: string } }[];
}

export const CLUSTERS_QUERY = `query Clusters($asOf: DateTime) {
  clusters(asOf: $asOf) {
    indexCase { id name } size generations firstOnset lastOnset active
    cases { person { id name } generation status onsetDate referenceTime }
    links { source { id } target { id } exposure { kind to } }
  }
}`;

const STATUS_TIER: Record<string, string> = { SUSPECTED: 'CASE', CONFIRMED: 'CASE', ASYMPTOMATIC: 'RED', RECOVERED: 'GREEN', DECEASED: 'GREY' };

/** The cluster as a tree: each case hangs under a linked case one generation closer to the index. */
export function clusterTree(c: ClusterData): { nodes: TreeNode[]; extra: ExtraEdge[] } {
  const gen = new Map(c.cases.map((x) => [x.person.id, x.generation]));
  const parent = new Map<string, { id: string; label: string }>();
  const extra: ExtraEdge[] = [];
  const links = [...c.links].sort((a, b) => (a.source.id + a.target.id < b.source.id + b.target.id ? -1 : 1));
  for (const l of links) {
    const label = `${tv(l.exposure.kind)} · ${fmtDate(l.exposure.to)}`;
    for (const [a, b] of [
      [l.source.id, l.target.id],
      [l.target.id, l.source.id],
    ]) {
      if ((gen.get(a) ?? -1) + 1 === gen.get(b) && !parent.has(b)) parent.set(b, { id: a, label });
    }
  }
  const nodes: TreeNode[] = c.cases.map((x) => {
    const p = x.person.id === c.indexCase.id ? null : parent.get(x.person.id);
    return {
      id: x.person.id,
      parent: p ? p.id : x.person.id === c.indexCase.id ? null : c.indexCase.id,
      label: `${nodeLabel(x.person)} · G${x.generation}`,
      tier: STATUS_TIER[x.status] ?? 'CASE',
      edgeLabel: p?.label ?? '',
    };
  });
  for (const l of links) {
    const a = l.source.id;
    const b = l.target.id;
    if (parent.get(b)?.id !== a && parent.get(a)?.id !== b) extra.push({ source: a, target: b, label: tv(l.exposure.kind) });
  }
  return { nodes, extra };
}

export async function renderClusters(root: HTMLElement, asOf: AsOf, openChain: (id: string) => void): Promise<() => void> {
  clear(root);
  root.append(h('p', {}, t('loading')));
  let clusters: ClusterData[];
  try {
    clusters = (await gql<{ clusters: ClusterData[] }>(CLUSTERS_QUERY, { asOf: asOf.arg() })).clusters;
  } catch (err) {
    clear(root);
    root.append(errorBox(err));
    return () => {};
  }
  clear(root);
  clusters.sort((a, b) => b.size - a.size || (a.indexCase.id < b.indexCase.id ? -1 : 1));
  const canvas = h('div', { class: 'canvas', 'data-testid': 'cluster-canvas' });
  const info = h('div', { class: 'status', 'data-testid': 'cluster-info' });
  let tree: CollapsibleTree | null = null;
  const open = (c: ClusterData, row: HTMLElement) => {
    for (const r of root.querySelectorAll('tr.selected')) r.classList.remove('selected');
    row.classList.add('selected');
    tree?.destroy();
    const { nodes, extra } = clusterTree(c);
    clear(info);
    info.append(
      h('strong', {}, `${t('indexCase')} ${who(c.indexCase)}`),
      ` · ${t('size')} ${c.size} · ${t('generations')} ${c.generations} · `,
      h('button', { type: 'button', 'data-testid': 'open-chain' }, t('openChain')),
    );
    info.querySelector('button')!.addEventListener('click', () => openChain(c.indexCase.id));
    tree = new CollapsibleTree(canvas, nodes, extra, { onSelect: (id) => openChain(id) });
  };
  const rows = clusters.map((c) => {
    const tr = h(
      'tr',
      { 'data-index-case': c.indexCase.id, 'data-size': c.size, tabindex: 0 },
      h('td', {}, who(c.indexCase)),
      h('td', { class: 'num' }, String(c.size)),
      h('td', { class: 'num' }, String(c.generations)),
      h('td', {}, fmtDate(c.firstOnset)),
      h('td', {}, fmtDate(c.lastOnset)),
      h('td', {}, h('span', { class: c.active ? 'badge active' : 'badge' }, c.active ? t('active') : t('inactive'))),
    );
    tr.addEventListener('click', () => open(c, tr));
    return tr;
  });
  root.append(
    h(
      'div',
      { class: 'split' },
      h(
        'div',
        { class: 'table-wrap narrow' },
        h(
          'table',
          { class: 'grid', 'data-testid': 'cluster-table' },
          h('thead', {}, h('tr', {}, ...[t('indexCase'), t('size'), t('generations'), t('firstOnset'), t('lastOnset'), t('status')].map((x) => h('th', {}, x)))),
          h('tbody', {}, ...rows),
        ),
      ),
      h('div', { class: 'grow' }, info, canvas),
    ),
  );
  if (clusters.length > 0) open(clusters[0], rows[0]);
  return () => tree?.destroy();
}
