// Cluster view: every cluster with its size, generations, first and last onset and
// whether it is active; a cluster opens as a tree along its transmission links (SPEC §4
// rev 5): arrows run from source to target, generations count from the introductions
// (marked), and a case whose reference time is a sample or a confirmation (no onset) is
// marked so that an index case placed by such a date shows.
import { gql } from './api';
import { CollapsibleTree, type ExtraEdge, type TreeNode } from './graphview';
import { t, tv } from './i18n';
import type { AsOf } from './state';
import { fmtDate } from './time';
import { clear, errorBox, h, nodeLabel, who } from './util';

export interface ClusterData {
  indexCase: { id: string; name: string };
  introductions: { id: string; name: string }[];
  size: number;
  generations: number;
  firstOnset: string | null;
  lastOnset: string | null;
  active: boolean;
  cases: {
    person: { id: string; name: string };
    generation: number;
    introduction: boolean;
    status: string;
    onsetDate: string | null;
    referenceTime: string | null;
    referenceKind: string;
  }[];
  links: { source: { id: string }; target: { id: string }; serialIntervalDays: number | null; bothWays: boolean; exposure: { kind: string; to: string } }[];
}

export const CLUSTERS_QUERY = `query Clusters($asOf: DateTime) {
  clusters(asOf: $asOf) {
    indexCase { id name } introductions { id name } size generations firstOnset lastOnset active
    cases { person { id name } generation introduction status onsetDate referenceTime referenceKind }
    links { source { id } target { id } serialIntervalDays bothWays exposure { kind to } }
  }
}`;

const STATUS_TIER: Record<string, string> = { SUSPECTED: 'CASE', CONFIRMED: 'CASE', ASYMPTOMATIC: 'RED', RECOVERED: 'GREEN', DECEASED: 'GREY' };

/** The id of the node that holds a cluster's introductions when it has several. */
export const anchorId = (c: ClusterData) => `introductions:${c.indexCase.id}`;

function linkLabel(l: ClusterData['links'][number]): string {
  const si = l.serialIntervalDays === null ? '' : ` · ${t('serialInterval')} ${l.serialIntervalDays}${t('daysShort')}`;
  return `${tv(l.exposure.kind)} · ${fmtDate(l.exposure.to)}${si}`;
}

/** A case's label: name, generation, and what its reference time is when not an onset. */
function caseLabel(x: ClusterData['cases'][number]): string {
  const ref = x.referenceKind === 'ONSET' ? '' : ` · ${t(x.referenceKind === 'SAMPLE' ? 'refSample' : x.referenceKind === 'CONFIRMATION' ? 'refConfirmation' : 'refNone')}`;
  return `${x.introduction ? '▶ ' : ''}${nodeLabel(x.person)} · G${x.generation}${ref}`;
}

/**
 * The cluster as a tree along its transmission links: each case hangs under the source
 * of a link into it from one generation before (the smallest such source id); the
 * introductions are the roots, under one anchor node when there are several. Links not
 * in the tree are drawn dashed, also from source to target.
 */
export function clusterTree(c: ClusterData): { nodes: TreeNode[]; extra: ExtraEdge[] } {
  const gen = new Map(c.cases.map((x) => [x.person.id, x.generation]));
  const parent = new Map<string, { id: string; label: string }>();
  const links = [...c.links].sort((a, b) => (a.source.id + '\u0000' + a.target.id < b.source.id + '\u0000' + b.target.id ? -1 : 1));
  for (const l of links) {
    const a = l.source.id;
    const b = l.target.id;
    if ((gen.get(a) ?? -1) + 1 === gen.get(b) && !parent.has(b)) parent.set(b, { id: a, label: linkLabel(l) });
  }
  const intros = c.cases.filter((x) => x.introduction).map((x) => x.person.id);
  const several = intros.length > 1;
  const root = several ? anchorId(c) : c.indexCase.id;
  const nodes: TreeNode[] = [];
  if (several) nodes.push({ id: root, parent: null, label: `${t('introductions')} (${intros.length})`, tier: 'GREY', anchor: true });
  for (const x of c.cases) {
    const p = parent.get(x.person.id);
    let up: string | null = p ? p.id : root;
    if (x.person.id === root) up = null;
    else if (x.introduction) up = several ? root : null;
    nodes.push({
      id: x.person.id,
      parent: up,
      label: caseLabel(x),
      tier: STATUS_TIER[x.status] ?? 'CASE',
      edgeLabel: p?.label ?? '',
      marks: { intro: x.introduction ? '1' : '0', ref: x.referenceKind },
    });
  }
  const extra: ExtraEdge[] = [];
  for (const l of links) {
    if (parent.get(l.target.id)?.id !== l.source.id) extra.push({ source: l.source.id, target: l.target.id, label: linkLabel(l) });
  }
  return { nodes, extra };
}

function legend(): HTMLElement {
  const item = (cls: string, label: string) => h('span', { class: 'legend-item' }, h('span', { class: `ring ${cls}` }), label);
  return h(
    'div',
    { class: 'legend', 'data-testid': 'cluster-legend' },
    item('intro', t('introduction')),
    item('sample', t('refSampleLong')),
    item('confirmation', t('refConfirmationLong')),
    h('span', { class: 'hint' }, ' ', t('arrowsHint')),
  );
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
    const index = c.cases.find((x) => x.person.id === c.indexCase.id);
    const indexRef = index && index.referenceKind !== 'ONSET' ? ` (${t(index.referenceKind === 'SAMPLE' ? 'refSampleLong' : 'refConfirmationLong')})` : '';
    info.append(
      h('strong', {}, `${t('indexCase')} ${who(c.indexCase)}${indexRef}`),
      ` · ${t('size')} ${c.size} · ${t('generations')} ${c.generations} · `,
      h('span', { 'data-testid': 'cluster-introductions', 'data-ids': c.introductions.map((p) => p.id).join(' ') }, `${t('introductions')}: ${c.introductions.map(who).join('、')}`),
      ' · ',
      h('button', { type: 'button', 'data-testid': 'open-chain' }, t('openChain')),
      legend(),
    );
    info.querySelector('button')!.addEventListener('click', () => openChain(c.indexCase.id));
    tree = new CollapsibleTree(canvas, nodes, extra, { onSelect: (id) => openChain(id) });
    // The browser tests read the drawn graph, as in the chain view.
    (window as unknown as { tracegraphCy?: unknown }).tracegraphCy = tree.cy;
  };
  const rows = clusters.map((c) => {
    const tr = h(
      'tr',
      { 'data-index-case': c.indexCase.id, 'data-size': c.size, tabindex: 0 },
      h('td', {}, who(c.indexCase)),
      h('td', { class: 'num' }, String(c.size)),
      h('td', { class: 'num' }, String(c.generations)),
      h('td', { class: 'num', 'data-introductions': c.introductions.length }, String(c.introductions.length)),
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
          h('thead', {}, h('tr', {}, ...[t('indexCase'), t('size'), t('generations'), t('introductions'), t('firstOnset'), t('lastOnset'), t('status')].map((x) => h('th', {}, x)))),
          h('tbody', {}, ...rows),
        ),
      ),
      h('div', { class: 'grow' }, info, canvas),
    ),
  );
  if (clusters.length > 0) open(clusters[0], rows[0]);
  return () => tree?.destroy();
}
