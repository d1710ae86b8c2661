// Chain view: a case and its contacts (close, secondary, general) as a collapsed tree,
// coloured by tier, edges labelled by exposure kind and time; clicking a person shows
// why they are at their tier.
import { gql } from './api';
import { CollapsibleTree, TIER_COLOURS, type ExtraEdge, type TreeNode } from './graphview';
import { t, tv } from './i18n';
import type { AsOf } from './state';
import { fmtTime } from './time';
import { clear, errorBox, h, nodeLabel, who } from './util';
import { showPerson } from './person';

interface PersonRef {
  id: string;
  name: string;
}
export interface ExposureData {
  kind: string;
  class: string;
  source: { id: string };
  from: string;
  to: string;
  householdId?: string | null;
  eventId?: string | null;
  tripId?: string | null;
  mode?: string | null;
  number?: string | null;
  seat?: string | null;
  sourceSeat?: string | null;
  setting?: string | null;
  durationMin?: number | null;
  protected?: boolean | null;
  indoor?: boolean | null;
}
export interface ContactData {
  person: PersonRef;
  degree: number;
  class: string;
  lastExposureAt: string;
  caseStatus: string | null;
  via: { id: string }[];
  exposures: ExposureData[];
}
interface ChainData {
  source: PersonRef;
  caseStatus: string;
  window: { from: string; to: string } | null;
  windowEmpty: boolean;
  asOf: string;
  contacts: ContactData[];
}

const CHAIN_QUERY = `query Chain($id: ID!, $asOf: DateTime, $depth: Int) {
  policy { contactRiskDays }
  contactChain(caseId: $id, maxDepth: $depth, asOf: $asOf) {
    source { id name } caseStatus window { from to } windowEmpty asOf
    contacts {
      person { id name } degree class lastExposureAt caseStatus via { id }
      exposures { kind class source { id } from to householdId eventId tripId mode number seat sourceSeat setting durationMin protected indoor }
    }
  }
}`;

const ACTIVE = new Set(['SUSPECTED', 'CONFIRMED', 'ASYMPTOMATIC']);

/** The tier a contact has from this chain alone (SPEC §5 contact rules). */
export function chainTier(c: ContactData, asOf: Date, riskDays: number): string {
  if (c.caseStatus && ACTIVE.has(c.caseStatus)) return 'RED';
  const last = new Date(c.lastExposureAt).getTime();
  if (last <= asOf.getTime() - riskDays * 86400000) return 'GREEN';
  if (c.class === 'CLOSE' && c.degree === 1) return 'RED';
  return 'YELLOW';
}

export function roleLabel(c: ContactData): string {
  if (c.class === 'GENERAL') return t('general');
  if (c.degree === 1) return t('close1');
  if (c.degree === 2) return t('close2');
  return t('closeN', { n: c.degree });
}

function edgeLabel(c: ContactData, parent: string): string {
  const ex = c.exposures.filter((e) => e.source.id === parent);
  const list = ex.length > 0 ? ex : c.exposures;
  const kinds = [...new Set(list.map((e) => tv(e.kind)))].join('+');
  const last = list.reduce((m, e) => (e.to > m ? e.to : m), '');
  return `${kinds} · ${fmtTime(last)}`;
}

export async function renderChain(root: HTMLElement, caseId: string, depth: number, asOf: AsOf, go: (id: string, depth: number) => void): Promise<() => void> {
  clear(root);
  const input = h('input', { type: 'text', value: caseId, placeholder: t('caseId'), 'data-testid': 'case-input', size: 14 });
  const depthSel = h('select', { 'data-testid': 'depth' }, ...[1, 2, 3].map((d) => h('option', { value: d, selected: d === depth }, `${t('degree')} ≤ ${d}`)));
  const form = h('form', { class: 'toolbar' }, h('label', {}, t('caseId'), ' ', input), depthSel, h('button', { type: 'submit' }, t('show')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go(input.value.trim(), Number(depthSel.value));
  });
  // Search by name (the start of it): traced cases and anyone else, to pick an id.
  const nameInput = h('input', { type: 'search', placeholder: t('searchName'), 'data-testid': 'name-search', size: 14 });
  const matches = h('span', { class: 'matches', 'data-testid': 'name-matches' });
  let searchSeq = 0;
  nameInput.addEventListener('input', async () => {
    const mine = ++searchSeq;
    const prefix = nameInput.value.trim();
    clear(matches);
    if (!prefix) return;
    try {
      const d = await gql<{ people: { nodes: { id: string; name: string; case: { status: string } | null }[] } }>(
        'query($p: String) { people(filter: { namePrefix: $p }, first: 20) { nodes { id name case { status } } } }',
        { p: prefix },
      );
      if (mine !== searchSeq) return;
      if (d.people.nodes.length === 0) matches.append(t('noMatch'));
      for (const p of d.people.nodes) {
        const a = h('a', { href: '#', 'data-person-id': p.id }, `${who(p)}${p.case ? ' · ' + tv(p.case.status) : ''}`);
        a.addEventListener('click', (ev) => {
          ev.preventDefault();
          go(p.id, Number(depthSel.value));
        });
        matches.append(a, ' ');
      }
    } catch (err) {
      if (mine === searchSeq) matches.append(errorBox(err));
    }
  });
  form.append(nameInput, matches);
  root.append(form);
  if (!caseId) {
    root.append(h('p', { class: 'hint' }, t('pickCase')));
    return () => {};
  }
  const status = h('div', { class: 'status', 'data-testid': 'chain-status' }, t('loading'));
  const canvas = h('div', { class: 'canvas', 'data-testid': 'chain-canvas' });
  const side = h('aside', { class: 'side', 'data-testid': 'person-panel' });
  const table = h('div', { class: 'table-wrap' });
  root.append(status, h('div', { class: 'split' }, canvas, side), table);

  let data: ChainData;
  let riskDays = 14;
  try {
    const res = await gql<{ contactChain: ChainData; policy: { contactRiskDays: number } }>(CHAIN_QUERY, { id: caseId, asOf: asOf.arg(), depth });
    data = res.contactChain;
    riskDays = res.policy.contactRiskDays;
  } catch (err) {
    clear(status);
    status.append(errorBox(err));
    return () => {};
  }
  const at = new Date(data.asOf);
  const byId = new Map(data.contacts.map((c) => [c.person.id, c]));
  const nodes: TreeNode[] = [{ id: data.source.id, parent: null, label: nodeLabel(data.source), tier: 'CASE' }];
  const extra: ExtraEdge[] = [];
  for (const c of data.contacts) {
    // The tree parent is the first person the contact was reached from; other "via"
    // people get a dashed edge when both are drawn.
    const vias = c.via.map((v) => v.id).filter((v) => v === data.source.id || byId.has(v));
    const parent = vias[0] ?? data.source.id;
    nodes.push({ id: c.person.id, parent, label: nodeLabel(c.person), tier: chainTier(c, at, riskDays), edgeLabel: edgeLabel(c, parent) });
    for (const v of vias.slice(1)) extra.push({ source: v, target: c.person.id, label: edgeLabel(c, v) });
  }

  const counts = { close: 0, secondary: 0, general: 0 };
  for (const c of data.contacts) {
    if (c.class === 'GENERAL') counts.general++;
    else if (c.degree === 1) counts.close++;
    else counts.secondary++;
  }
  const head = () =>
    h(
      'div',
      {},
      h('strong', {}, `${t('case')} ${who(data.source)} · ${tv(data.caseStatus)}`),
      ' · ',
      h('span', { 'data-testid': 'contact-count', 'data-count': data.contacts.length }, `${data.contacts.length} ${t('contacts')}`),
      ` (${t('close1')} ${counts.close} · ${t('close2')} ${counts.secondary} · ${t('general')} ${counts.general})`,
      ' · ',
      data.window ? `${t('window')} ${fmtTime(data.window.from)} – ${fmtTime(data.window.to)}` : t('windowEmpty'),
    );
  const drawInfo = h('div', { class: 'hint', 'data-testid': 'draw-info' });
  clear(status);
  status.append(head(), legend(), drawInfo);

  const select = (id: string) => {
    tree.select(id);
    for (const r of table.querySelectorAll('tr.selected')) r.classList.remove('selected');
    table.querySelector(`tr[data-person-id="${CSS.escape(id)}"]`)?.classList.add('selected');
    void showPerson(side, id, asOf, byId.get(id) ?? null, id === data.source.id);
  };
  const tree = new CollapsibleTree(canvas, nodes, extra, {
    onSelect: select,
    onDraw: (s) => {
      drawInfo.textContent = `${t('nodesDrawn')}: ${s.people} / ${nodes.length} · ${t('collapsed')}: ${s.hidden} · ${s.ms.toFixed(0)} ms${s.groups > 0 ? ' · ' + t('expandHint') : ''}`;
    },
  });
  (window as unknown as { tracegraphCy?: unknown }).tracegraphCy = tree.cy;

  // The contact list: the same people, for reading and for keyboards.
  const rows = data.contacts.slice(0, 500).map((c) => {
    const tier = chainTier(c, at, riskDays);
    const tr = h(
      'tr',
      { 'data-person-id': c.person.id, tabindex: 0 },
      h('td', {}, h('span', { class: 'dot', style: `background:${TIER_COLOURS[tier]}` }), who(c.person)),
      h('td', {}, roleLabel(c)),
      h('td', {}, String(c.degree)),
      h('td', {}, tv(c.class)),
      h('td', {}, fmtTime(c.lastExposureAt)),
      h('td', {}, [...new Set(c.exposures.map((e) => tv(e.kind)))].join(', ')),
      h('td', {}, c.caseStatus ? tv(c.caseStatus) : ''),
    );
    tr.addEventListener('click', () => select(c.person.id));
    return tr;
  });
  table.append(
    h(
      'table',
      { class: 'grid', 'data-testid': 'contact-table' },
      h('thead', {}, h('tr', {}, ...[t('person'), t('role'), t('degree'), t('class'), t('lastExposure'), t('exposures'), t('status')].map((x) => h('th', {}, x)))),
      h('tbody', {}, ...rows),
    ),
  );
  if (data.contacts.length > rows.length) table.append(h('p', { class: 'hint' }, `… ${data.contacts.length - rows.length}`));
  return () => tree.destroy();
}

function legend(): HTMLElement {
  const item = (tier: string, label: string) => h('span', { class: 'legend-item' }, h('span', { class: 'dot', style: `background:${TIER_COLOURS[tier]}` }), label);
  return h('div', { class: 'legend' }, item('CASE', t('case')), item('RED', tv('RED')), item('YELLOW', tv('YELLOW')), item('GREEN', tv('GREEN')), h('span', { class: 'hint' }, ' ', t('tierFromChain')));
}
