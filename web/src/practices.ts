// Zoning, sweeps and ledgers (SPEC §10–12): the zoning panel (current level, proposal,
// figures, low-from date), the sweep of one area per child area with the missed
// households and people, and the returnee and worker ledgers with their missing
// health-report days. The missed households and the ledgers print (print-friendly page)
// and download as CSV for village cadres.
import { gql } from './api';
import { t, tv } from './i18n';
import type { AsOf } from './state';
import { addDays, fmtDate, fmtTime, localDate, zoned } from './time';
import { clear, errorBox, h, who } from './util';

interface Zone {
  areaCode: string; areaName: string; areaLevel: string; assessed: string; current: string; proposal: string;
  confirmedTotal: number; new14: number; clusterWithin14d: boolean; lastConfirmedAt: string | null; lowFrom: string | null;
}
interface SweepArea {
  areaCode: string; areaName: string; households: number; visited: number; people: number; accountedFor: number;
  notVisited?: { nodes: { householdId: string; lastNoAnswer: string | null; members: number; household: { address: string | null } }[] };
  notAccountedFor?: { nodes: { householdId: string; person: { id: string; name: string } }[] };
}
interface Entry { person: { id: string; name: string }; tripId: string; fromArea: string; originLevel: string; arrivedAt: string; quarantineKind: string | null; missingReports: string[] }

const QUERY = `query Practices($asOf: DateTime, $area: ID!, $from: DateTime!, $to: DateTime!) {
  zoning(asOf: $asOf) { areaCode areaName areaLevel assessed current proposal confirmedTotal new14 clusterWithin14d lastConfirmedAt lowFrom }
  sweepCoverage(areaCode: $area, from: $from, to: $to) { areaCode areaName households visited people accountedFor
    notVisited(first: 100) { nodes { householdId lastNoAnswer members household { address } } }
    notAccountedFor(first: 100) { nodes { householdId person { id name } } }
    children { areaCode areaName households visited people accountedFor } }
}`;

// The ledgers, in their own operation: each operation keeps under the complexity limit.
const LEDGERS = `query Ledgers($asOf: DateTime) {
  returnees(asOf: $asOf, first: 100) { totalCount nodes { person { id name } tripId fromArea originLevel arrivedAt quarantineKind missingReports } }
  workerLedger(asOf: $asOf) { employer { id name } missingYesterday workers { person { id name } tripId fromArea originLevel arrivedAt quarantineKind missingReports } }
}`;

/** "medium → low from 10 February": what the screen says of a proposal. */
export function proposalText(z: Zone): string {
  if (z.proposal === 'NONE') return z.lowFrom ? t('lowFrom', { date: fmtDate(z.lowFrom) }) : '—';
  const s = `${t('propose')} ${tv(z.current)} → ${tv(z.assessed)}`;
  return z.lowFrom ? `${s}, ${t('lowFrom', { date: fmtDate(z.lowFrom) })}` : s;
}

function csvCell(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function download(name: string, rows: (string | number | null)[][]): void {
  const blob = new Blob(['\ufeff' + rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n'], { type: 'text/csv;charset=utf-8' });
  const a = h('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

function table(testid: string, head: string[], rows: (string | number)[][]): HTMLElement {
  return h('table', { 'data-testid': testid }, h('thead', {}, h('tr', {}, ...head.map((x) => h('th', {}, x)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, String(c)))))));
}

export async function renderPractices(root: HTMLElement, asOf: AsOf, area: string | null): Promise<() => void> {
  const box = h('div', { class: 'practices' }, t('loading'));
  root.append(box);
  const day = localDate(asOf.moment());
  const [y, m, d] = addDays(day, -1).split('-').map(Number);
  const from = zoned(y, m, d).toISOString();
  const to = asOf.moment().toISOString();
  try {
    let code = area;
    if (!code) {
      const s = await gql<{ summary: { areaCode: string | null } }>('query($asOf: DateTime) { summary(asOf: $asOf) { areaCode } }', { asOf: asOf.arg() });
      code = s.summary.areaCode ?? '';
    }
    const [z, l] = await Promise.all([
      gql<{ zoning: Zone[]; sweepCoverage: SweepArea & { children: SweepArea[] } }>(QUERY, { asOf: asOf.arg(), area: code, from, to }),
      gql<{ returnees: { totalCount: number; nodes: Entry[] }; workerLedger: { employer: { id: string; name: string }; missingYesterday: number; workers: Entry[] }[] }>(LEDGERS, { asOf: asOf.arg() }),
    ]);
    const data = { ...z, ...l };
    clear(box);
    const sw = data.sweepCoverage;
    const missedHouseholds = sw.notVisited?.nodes ?? [];
    const missedPeople = sw.notAccountedFor?.nodes ?? [];
    const print = h('button', { type: 'button', 'data-testid': 'print' }, t('print'));
    print.addEventListener('click', () => window.print());
    const csv = h('button', { type: 'button', 'data-testid': 'csv-missed' }, t('csvMissed'));
    csv.addEventListener('click', () => download(`sweep-${sw.areaCode}-${day}.csv`, [
      [t('household'), t('address'), t('members'), t('lastNoAnswer'), t('person')],
      ...missedHouseholds.map((x) => [x.householdId, x.household.address ?? '', x.members, x.lastNoAnswer ?? '', '']),
      ...missedPeople.map((x) => [x.householdId, '', '', '', `${x.person.name} (${x.person.id})`]),
    ]));
    const ledgerRow = (e: Entry) => [who(e.person), e.tripId, e.fromArea, tv(e.originLevel), fmtTime(e.arrivedAt), e.quarantineKind ? tv(e.quarantineKind) : '—', e.missingReports.length, e.missingReports.join(' ')];
    const ledgerHead = [t('person'), t('trip'), t('from'), t('originLevel'), t('arrived'), t('quarantine'), t('missingDays'), t('missingDates')];
    const csvLedger = h('button', { type: 'button', 'data-testid': 'csv-ledgers' }, t('csvLedgers'));
    csvLedger.addEventListener('click', () => download(`ledgers-${day}.csv`, [
      ['ledger', ...ledgerHead],
      ...data.returnees.nodes.map((e) => ['returnee', ...ledgerRow(e)]),
      ...data.workerLedger.flatMap((l) => l.workers.map((e) => [l.employer.name, ...ledgerRow(e)])),
    ]));
    box.append(
      h('section', { class: 'panel', 'data-testid': 'zoning' }, h('h2', {}, t('zoning')),
        table('zoning-table', [t('area'), t('current'), t('assessed'), t('proposal'), t('confirmedTotal'), t('new14'), t('cluster14'), t('lastConfirmed')],
          data.zoning.map((z) => [`${z.areaName} (${z.areaCode})`, tv(z.current), tv(z.assessed), proposalText(z), z.confirmedTotal, z.new14, z.clusterWithin14d ? '✓' : '—', fmtTime(z.lastConfirmedAt)]))),
      h('section', { class: 'panel', 'data-testid': 'sweep' }, h('h2', {}, `${t('sweep')}: ${sw.areaName} ${fmtTime(from)} – ${fmtTime(to)}`),
        h('div', { class: 'no-print' }, print, csv, csvLedger),
        table('sweep-table', [t('area'), t('households'), t('visited'), t('people'), t('accountedFor')],
          [sw, ...sw.children].map((a) => [`${a.areaName} (${a.areaCode})`, a.households, a.visited, a.people, a.accountedFor])),
        h('h3', {}, t('notVisited')),
        table('not-visited', [t('household'), t('address'), t('members'), t('lastNoAnswer')],
          missedHouseholds.map((x) => [x.householdId, x.household.address ?? '', x.members, x.lastNoAnswer ? fmtTime(x.lastNoAnswer) : '—'])),
        h('h3', {}, t('notAccountedFor')),
        table('not-accounted', [t('person'), t('household')], missedPeople.map((x) => [who(x.person), x.householdId]))),
      h('section', { class: 'panel', 'data-testid': 'returnees' }, h('h2', {}, `${t('returnees')} (${data.returnees.totalCount})`),
        table('returnees-table', ledgerHead, data.returnees.nodes.map(ledgerRow))),
      h('section', { class: 'panel', 'data-testid': 'workers' }, h('h2', {}, t('workers')),
        ...data.workerLedger.map((l) => h('div', {}, h('h3', {}, `${l.employer.name} — ${t('missingYesterday')}: ${l.missingYesterday}`),
          table(`workers-${l.employer.id}`, ledgerHead, l.workers.map(ledgerRow))))),
    );
  } catch (err) {
    clear(box);
    box.append(errorBox(err));
  }
  return () => {};
}
