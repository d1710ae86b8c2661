// Dashboard: `summary` for the county and each town (cases, new today, days since the
// last new case, quarantines by kind, pending placements, facility occupancy, people by
// tier), the epidemic curve (`epicurve`, by onset or confirmation), the day's town
// reports (`dailyReports`, missing ones first) and overdue health reports
// (`overdueHealthReports`), and cluster figures from `clusters`. Showing "latest", it
// follows the subscriptions and loads again when something changes.
import { gql } from './api';
import { type ClusterData } from './clusters';
import { t, tv } from './i18n';
import type { AsOf } from './state';
import { addDays, fmtLongDate, localDate } from './time';
import { subscribeChanges } from './live';
import { clear, errorBox, h, who } from './util';

export interface Figures {
  tracedCases: number;
  clusters: number;
  activeClusters: number;
  largest: number;
  byStatus: Record<string, number>;
  curve: Map<string, number>;
  noOnset: number;
}

export function figures(clusters: ClusterData[]): Figures {
  const f: Figures = { tracedCases: 0, clusters: clusters.length, activeClusters: 0, largest: 0, byStatus: {}, curve: new Map(), noOnset: 0 };
  for (const c of clusters) {
    f.tracedCases += c.size;
    if (c.active) f.activeClusters++;
    f.largest = Math.max(f.largest, c.size);
    for (const x of c.cases) {
      f.byStatus[x.status] = (f.byStatus[x.status] ?? 0) + 1;
      if (x.onsetDate) f.curve.set(x.onsetDate, (f.curve.get(x.onsetDate) ?? 0) + 1);
      else f.noOnset++;
    }
  }
  return f;
}

interface DayData {
  epicurve: { date: string; cases: number }[];
  dailyReports: { areaCode: string; areaName: string; newReturnees: number; newFevers: number; newQuarantines: number; newCases: number; submitted: boolean }[];
}
interface Overdue {
  overdueHealthReports: { person: { id: string; name: string }; kind: string; officers: { name: string; role: string }[] }[];
}

const DAY_QUERY = `query Day($from: String!, $to: String!, $date: String!, $area: ID, $by: CaseDate) {
  epicurve(from: $from, to: $to, areaCode: $area, by: $by) { date cases }
  dailyReports(date: $date) { areaCode areaName newReturnees newFevers newQuarantines newCases submitted }
}`;
// Person-level: a dashboard token may not read it, so it is asked for on its own.
const OVERDUE_QUERY = `query Overdue($date: String!) { overdueHealthReports(date: $date) { person { id name } kind officers { name role } } }`;

/**
 * The area the dashboard opens on: the one asked for, else the county. Without an area
 * the service answers for the deepest area holding all others, which is above the county
 * when the areas of trips' origins (other provinces) are loaded too; the county is then
 * found by going down while one child holds every resident, until the county level.
 */
async function dashboardData(asOf: AsOf, area: string | null): Promise<{ clusters: ClusterData[]; summary: Summary }> {
  let d = await gql<{ clusters: ClusterData[]; summary: Summary }>(DASHBOARD_QUERY, { asOf: asOf.arg(), area });
  for (let i = 0; i < 4 && area === null; i++) {
    const s = d.summary;
    if (s.areaLevel === 'county' || !['province', 'city', null].includes(s.areaLevel)) break;
    const holders = (s.children ?? []).filter((c) => c.people === s.people && c.people > 0);
    if (holders.length !== 1 || !holders[0].areaCode) break;
    d = await gql<{ clusters: ClusterData[]; summary: Summary }>(DASHBOARD_QUERY, { asOf: asOf.arg(), area: holders[0].areaCode });
  }
  return d;
}

export async function renderDashboard(
  root: HTMLElement,
  asOf: AsOf,
  area: string | null,
  by: string,
  openCluster: (id: string) => void,
  openArea: (code: string | null) => void,
  setBy: (by: string) => void,
): Promise<() => void> {
  clear(root);
  root.append(h('p', {}, t('loading')));
  const liveBadge = h('span', { class: 'badge', 'data-testid': 'live', 'data-live': '0' }, t('liveOff'));
  let loads = 0;
  const load = async () => {
    try {
      const d = await dashboardData(asOf, area);
      const date = localDate(asOf.moment());
      // The curve covers the slider's range up to the day shown, at most 366 days (the API's limit).
      const to = date < addDays(asOf.range.first, 365) ? date : addDays(asOf.range.first, 365);
      const day = await gql<DayData>(DAY_QUERY, { from: asOf.range.first, to, date, area: d.summary.areaCode, by });
      let overdue: Overdue | Error;
      try {
        overdue = await gql<Overdue>(OVERDUE_QUERY, { date });
      } catch (err) {
        overdue = err instanceof Error ? err : new Error(String(err));
      }
      clear(root);
      draw(root, d.summary, d.clusters, day, overdue, asOf, by, openCluster, openArea, setBy);
      root.querySelector('h2')?.append(' ', liveBadge);
      root.dataset.loads = String(++loads);
    } catch (err) {
      clear(root);
      root.append(errorBox(err));
    }
  };
  await load();
  if (asOf.value !== null) {
    liveBadge.remove();
    return () => {};
  }
  return subscribeChanges(
    () => void load(),
    (on) => {
      liveBadge.dataset.live = on ? '1' : '0';
      liveBadge.textContent = on ? t('live') : t('liveOff');
      liveBadge.classList.toggle('active', on);
    },
  );
}

interface Summary {
  areaCode: string | null;
  areaName: string | null;
  areaLevel: string | null;
  confirmedTotal: number;
  asymptomaticTotal: number;
  activeCases: number;
  recovered: number;
  deceased: number;
  suspected: number;
  newConfirmed: number;
  daysSinceLastNewConfirmed: number | null;
  openQuarantines: { centralized: number; home: number; healthMonitoring: number };
  pendingPlacements: number;
  people: number;
  peopleByTier: { red: number; yellow: number; green: number };
  facilities: { facility: { id: string; name: string }; capacity: number; occupied: number; free: number }[];
  children?: Summary[];
}

const FIGURES = `areaCode areaName areaLevel confirmedTotal asymptomaticTotal activeCases recovered deceased suspected
  newConfirmed daysSinceLastNewConfirmed openQuarantines { centralized home healthMonitoring } pendingPlacements
  people peopleByTier { red yellow green } facilities { facility { id name } capacity occupied free }`;

const DASHBOARD_QUERY = `query Dashboard($asOf: DateTime, $area: ID) {
  summary(asOf: $asOf, areaCode: $area) { ${FIGURES} children { ${FIGURES} } }
  clusters(asOf: $asOf) {
    indexCase { id name } size active
    cases { person { id } status onsetDate }
  }
}`;

/** The summary's figures in display order: key, label, value. */
export function summaryFigures(s: Summary): [string, string, string][] {
  return [
    ['confirmedTotal', t('confirmedTotal'), String(s.confirmedTotal)],
    ['asymptomaticTotal', t('asymptomaticTotal'), String(s.asymptomaticTotal)],
    ['activeCases', t('activeCases'), String(s.activeCases)],
    ['newConfirmed', t('newConfirmed'), String(s.newConfirmed)],
    ['daysSinceLastNewConfirmed', t('daysSince'), s.daysSinceLastNewConfirmed == null ? '—' : String(s.daysSinceLastNewConfirmed)],
    ['recovered', tv('RECOVERED'), String(s.recovered)],
    ['deceased', tv('DECEASED'), String(s.deceased)],
    ['suspected', tv('SUSPECTED'), String(s.suspected)],
    ['centralized', tv('CENTRALIZED'), String(s.openQuarantines.centralized)],
    ['home', tv('HOME'), String(s.openQuarantines.home)],
    ['healthMonitoring', tv('HEALTH_MONITORING'), String(s.openQuarantines.healthMonitoring)],
    ['pendingPlacements', t('pendingPlacements'), String(s.pendingPlacements)],
    ['red', tv('RED'), String(s.peopleByTier.red)],
    ['yellow', tv('YELLOW'), String(s.peopleByTier.yellow)],
    ['green', tv('GREEN'), String(s.peopleByTier.green)],
  ];
}

function draw(
  root: HTMLElement,
  summary: Summary,
  clusters: ClusterData[],
  day: DayData,
  overdue: Overdue | Error,
  asOf: AsOf,
  by: string,
  openCluster: (id: string) => void,
  openArea: (code: string | null) => void,
  setBy: (by: string) => void,
): void {
  const f = figures(clusters);
  const card = (key: string, label: string, value: string | number) => h('div', { class: 'card', 'data-figure': key }, h('div', { class: 'value' }, String(value)), h('div', { class: 'label' }, label));
  const towns = summary.children ?? [];
  const figs = summaryFigures(summary);
  root.append(
    h('h2', { 'data-testid': 'summary-area', 'data-area': summary.areaCode ?? '' }, `${summary.areaName ?? t('allAreas')} · ${t('asOf')} ${fmtLongDate(asOf.moment())}`),
    h('div', { class: 'cards', 'data-testid': 'summary-cards' }, ...figs.map(([k, l, v]) => card(k, l, v))),
    h('h3', {}, t('towns'), ' ', h('span', { class: 'hint' }, t('drillHint'))),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'grid', 'data-testid': 'town-table' },
        h('thead', {}, h('tr', {}, h('th', {}, t('area')), ...figs.map(([, l]) => h('th', {}, l)))),
        h(
          'tbody',
          {},
          ...towns.map((c) => {
            const tr = h('tr', { 'data-area': c.areaCode ?? '' }, h('td', {}, c.areaName ?? c.areaCode ?? ''), ...summaryFigures(c).map(([k, , v]) => h('td', { class: 'num', 'data-figure': k }, v)));
            tr.addEventListener('click', () => openArea(c.areaCode));
            return tr;
          }),
        ),
      ),
    ),
    h('h3', {}, t('facilities')),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'grid', 'data-testid': 'facility-table' },
        h('thead', {}, h('tr', {}, ...[t('facility'), t('capacity'), t('occupied'), t('free')].map((x) => h('th', {}, x)))),
        h(
          'tbody',
          {},
          ...summary.facilities.map((x) =>
            h('tr', { 'data-facility': x.facility.id }, h('td', {}, `${x.facility.name} (${x.facility.id})`), h('td', { class: 'num' }, String(x.capacity)), h('td', { class: 'num' }, String(x.occupied)), h('td', { class: 'num' }, String(x.free))),
          ),
        ),
      ),
    ),
    h('h3', {}, t('clusters')),
    h(
      'div',
      { class: 'cards' },
      card('tracedCases', t('tracedCases'), f.tracedCases),
      card('clusters', t('clusterCount'), f.clusters),
      card('activeClusters', t('activeClusters'), f.activeClusters),
      card('largestCluster', t('largestCluster'), f.largest),
    ),
    h('h3', {}, t('epicurveTitle'), ' ', byButton('ONSET', t('byOnset'), by, setBy), ' ', byButton('CONFIRMATION', t('byConfirmation'), by, setBy)),
    curve(day.epicurve),
    h('h3', {}, t('dailyReportsTitle'), ` (${localDate(asOf.moment())})`),
    reportsTable(day.dailyReports),
    h('h3', {}, t('overdueTitle')),
    overdueList(overdue),
    h('h3', {}, t('clusters')),
    h(
      'ul',
      { class: 'top-clusters' },
      ...[...clusters]
        .sort((a, b) => b.size - a.size)
        .slice(0, 10)
        .map((c) => {
          const a = h('a', { href: '#' }, `${who(c.indexCase)} · ${t('size')} ${c.size} · ${c.active ? t('active') : t('inactive')}`);
          a.addEventListener('click', (ev) => {
            ev.preventDefault();
            openCluster(c.indexCase.id);
          });
          return h('li', {}, a);
        }),
    ),
    h('p', { class: 'hint', 'data-testid': 'dashboard-note' }, t('dashboardNote')),
  );
}

function byButton(value: string, label: string, by: string, setBy: (by: string) => void): HTMLElement {
  const b = h('button', { type: 'button', class: value === by ? 'on' : '', 'data-by': value }, label);
  b.addEventListener('click', () => setBy(value));
  return b;
}

function reportsTable(rows: DayData['dailyReports']): HTMLElement {
  const sorted = [...rows].sort((a, b) => Number(a.submitted) - Number(b.submitted) || (a.areaCode < b.areaCode ? -1 : 1));
  const missing = rows.filter((r) => !r.submitted).length;
  return h(
    'div',
    { class: 'table-wrap' },
    h('p', { class: 'hint', 'data-testid': 'missing-reports', 'data-count': missing }, `${t('missingReports')}: ${missing} / ${rows.length}`),
    h(
      'table',
      { class: 'grid', 'data-testid': 'report-table' },
      h('thead', {}, h('tr', {}, ...[t('area'), t('status'), t('newReturnees'), t('newFevers'), t('newQuarantines'), t('newCases')].map((x) => h('th', {}, x)))),
      h(
        'tbody',
        {},
        ...sorted.map((r) =>
          h(
            'tr',
            { 'data-area': r.areaCode, 'data-submitted': String(r.submitted) },
            h('td', {}, r.areaName),
            h('td', {}, h('span', { class: r.submitted ? 'badge' : 'badge active' }, r.submitted ? t('submitted') : t('missingReports'))),
            ...[r.newReturnees, r.newFevers, r.newQuarantines, r.newCases].map((n) => h('td', { class: 'num' }, String(n))),
          ),
        ),
      ),
    ),
  );
}

function overdueList(o: Overdue | Error): HTMLElement {
  if (o instanceof Error) return h('p', { class: 'hint' }, `${t('error')}: ${o.message}`);
  const rows = o.overdueHealthReports;
  if (rows.length === 0) return h('p', { class: 'hint', 'data-testid': 'overdue', 'data-count': 0 }, '0');
  return h(
    'ul',
    { 'data-testid': 'overdue', 'data-count': rows.length },
    ...rows.map((r) => h('li', {}, `${who(r.person)} · ${tv(r.kind)} · ${t('officers')}: ${r.officers.map((x) => `${x.name} (${x.role})`).join(', ') || '—'}`)),
  );
}

/** A bar chart of cases per date, as SVG (no chart library needed). */
function curve(points: { date: string; cases: number }[]): HTMLElement {
  const total = points.reduce((a, p) => a + p.cases, 0);
  const wrap = h('div', { class: 'curve', 'data-testid': 'epicurve', 'data-total': total });
  if (points.length === 0) {
    wrap.append(h('p', { class: 'hint' }, '—'));
    return wrap;
  }
  const days = points.length;
  const max = Math.max(1, ...points.map((p) => p.cases));
  const W = 720;
  const H = 180;
  const bw = Math.max(2, Math.floor((W - 40) / days));
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${40 + bw * days} ${H + 30}`);
  svg.setAttribute('width', '100%');
  svg.setAttribute('height', String(H + 30));
  points.forEach((p, i) => {
    const bh = (p.cases / max) * H;
    const r = document.createElementNS(ns, 'rect');
    r.setAttribute('x', String(30 + i * bw));
    r.setAttribute('y', String(H - bh));
    r.setAttribute('width', String(Math.max(1, bw - 1)));
    r.setAttribute('height', String(bh));
    r.setAttribute('fill', '#d9363e');
    r.setAttribute('data-date', p.date);
    r.setAttribute('data-count', String(p.cases));
    const title = document.createElementNS(ns, 'title');
    title.textContent = `${p.date}: ${p.cases}`;
    r.append(title);
    svg.append(r);
    if (i === 0 || i === days - 1 || (days > 10 && i % Math.ceil(days / 8) === 0)) {
      const tx = document.createElementNS(ns, 'text');
      tx.setAttribute('x', String(30 + i * bw));
      tx.setAttribute('y', String(H + 16));
      tx.setAttribute('font-size', '10');
      tx.textContent = p.date.slice(5);
      svg.append(tx);
    }
  });
  const top = document.createElementNS(ns, 'text');
  top.setAttribute('x', '0');
  top.setAttribute('y', '10');
  top.setAttribute('font-size', '10');
  top.textContent = String(max);
  svg.append(top);
  wrap.append(svg);
  return wrap;
}
