// The person panel: why someone is at their tier (every reason, with what is behind
// it), their exposures in this chain, their case record.
import { gql } from './api';
import type { ContactData, ExposureData } from './chain';
import { roleLabel } from './chain';
import { TIER_COLOURS } from './graphview';
import { t, tv } from './i18n';
import type { AsOf } from './state';
import { fmtDate, fmtTime } from './time';
import { clear, errorBox, h, who } from './util';

interface Ref {
  id: string;
  name: string;
}
interface Reason {
  rule: string;
  tier: string;
  since: string | null;
  expiresAt: string | null;
  case: Ref | null;
  via: Ref[];
  tripId: string | null;
  areaCode: string | null;
  designatedArea: string | null;
  testId: string | null;
  testKind: string | null;
  checkpointId: string | null;
  healthReportDate: string | null;
  temperature: number | null;
  caseStatus: string | null;
}
interface Quarantine {
  id: string;
  kind: string;
  status: string;
  start: string;
  end: string;
  placedAt: string | null;
  facility: { id: string; name: string } | null;
  officers: { id: string; name: string; role: string }[];
  reasons: string[];
}
interface PersonData {
  person: {
    id: string;
    name: string;
    case: { status: string; onsetDate: string | null; confirmedAt: string | null; isolatedAt: string | null } | null;
    quarantines: Quarantine[];
  } | null;
  risk: { tier: string; expiresAt: string | null; reasons: Reason[] };
}

const PERSON_QUERY = `query Person($id: ID!, $asOf: DateTime) {
  person(id: $id) {
    id name case { status onsetDate confirmedAt isolatedAt }
    quarantines { id kind status start end placedAt facility { id name } officers { id name role } reasons }
  }
  risk(personId: $id, asOf: $asOf) {
    tier expiresAt
    reasons { rule tier since expiresAt case { id name } via { id name } tripId areaCode designatedArea testId testKind checkpointId healthReportDate temperature caseStatus }
  }
}`;

let seq = 0;

export async function showPerson(side: HTMLElement, id: string, asOf: AsOf, contact: ContactData | null, isCase: boolean): Promise<void> {
  const mine = ++seq;
  clear(side);
  side.append(h('p', {}, t('loading')));
  let d: PersonData;
  try {
    d = await gql<PersonData>(PERSON_QUERY, { id, asOf: asOf.arg() });
  } catch (err) {
    if (mine !== seq) return;
    clear(side);
    side.append(errorBox(err));
    return;
  }
  if (mine !== seq) return; // a later click won
  clear(side);
  const p = d.person;
  side.dataset.personId = id;
  side.append(
    h('h3', {}, who(p ?? { id, name: '' })),
    h(
      'div',
      { class: 'tier', 'data-testid': 'person-tier', 'data-tier': d.risk.tier, style: `background:${TIER_COLOURS[d.risk.tier]}` },
      `${t('tier')}: ${tv(d.risk.tier)}`,
      d.risk.expiresAt ? ` · ${t('expires')} ${fmtTime(d.risk.expiresAt)}` : '',
    ),
  );
  if (contact) side.append(h('p', {}, `${roleLabel(contact)} · ${t('degree')} ${contact.degree} · ${t('lastExposure')} ${fmtTime(contact.lastExposureAt)}`));
  else if (isCase) side.append(h('p', {}, t('case')));

  side.append(h('h4', {}, t('reasons')));
  if (d.risk.reasons.length === 0) side.append(h('p', { 'data-testid': 'no-reasons' }, t('noReasons')));
  else side.append(h('ul', { class: 'reasons', 'data-testid': 'reasons' }, ...d.risk.reasons.map(reasonItem)));

  if (p?.case) {
    const c = p.case;
    side.append(
      h('h4', {}, t('case')),
      h('p', {}, `${t('status')}: ${tv(c.status)} · ${t('onset')}: ${fmtDate(c.onsetDate)} · ${t('confirmed')}: ${fmtTime(c.confirmedAt)} · ${t('isolated')}: ${fmtTime(c.isolatedAt)}`),
    );
  }
  if (contact && contact.exposures.length > 0) {
    side.append(h('h4', {}, t('exposures')), h('ul', { class: 'exposures', 'data-testid': 'exposures' }, ...contact.exposures.map(exposureItem)));
  }
  side.append(h('h4', {}, t('quarantine')));
  const qs = p?.quarantines ?? [];
  if (qs.length === 0) side.append(h('p', { class: 'hint', 'data-testid': 'no-quarantine' }, t('noQuarantine')));
  else
    side.append(
      h(
        'ul',
        { class: 'exposures', 'data-testid': 'quarantines' },
        ...qs.map((q) =>
          h(
            'li',
            { 'data-quarantine': q.id, 'data-status': q.status },
            h('strong', {}, `${tv(q.kind)} · ${tv(q.status)}`),
            ` ${fmtTime(q.start)} – ${fmtTime(q.end)}`,
            h(
              'div',
              { class: 'behind' },
              [q.facility ? `${t('facility')} ${q.facility.name}${q.placedAt ? ' (' + fmtTime(q.placedAt) + ')' : ''}` : '', q.officers.map((o) => `${o.name} (${o.role})`).join(', '), q.reasons.join('; ')]
                .filter((x) => x)
                .join(' · '),
            ),
          ),
        ),
      ),
    );
}

function reasonItem(r: Reason): HTMLElement {
  const behind: string[] = [];
  if (r.case) behind.push(`${t('source')} ${who(r.case)}`);
  if (r.via.length > 0) behind.push(`${t('via')} ${r.via.map(who).join(', ')}`);
  if (r.tripId) behind.push(`${t('tripRef')} ${r.tripId}${r.areaCode ? ` ← ${t('areaRef')} ${r.areaCode}` : ''}`);
  if (r.testId) behind.push(`${t('testRef')} ${r.testId} (${r.testKind ?? ''})`);
  if (r.checkpointId) behind.push(`${t('checkpointRef')} ${r.checkpointId}`);
  if (r.healthReportDate) behind.push(`${t('reportRef')} ${r.healthReportDate}`);
  if (r.temperature != null) behind.push(`${r.temperature} °C`);
  if (r.caseStatus) behind.push(tv(r.caseStatus));
  return h(
    'li',
    { 'data-rule': r.rule },
    h('span', { class: 'dot', style: `background:${TIER_COLOURS[r.tier]}` }),
    h('strong', { class: 'rule' }, tv(r.rule)),
    ` · ${t('since')} ${fmtTime(r.since)} · ${t('expires')} ${r.expiresAt ? fmtTime(r.expiresAt) : t('never')}`,
    behind.length > 0 ? h('div', { class: 'behind' }, behind.join(' · ')) : null,
  );
}

function exposureItem(e: ExposureData): HTMLElement {
  const detail: string[] = [];
  if (e.householdId) detail.push(e.householdId);
  if (e.eventId) detail.push(`${e.eventId}${e.indoor === false ? ' (outdoor)' : ''}`);
  if (e.tripId) detail.push(`${e.mode ?? ''} ${e.number ?? ''} ${e.seat ?? ''}${e.sourceSeat ? ' / ' + e.sourceSeat : ''}`.trim());
  if (e.setting) detail.push(e.setting);
  if (e.durationMin != null) detail.push(`${e.durationMin} min`);
  if (e.protected) detail.push('protected');
  return h(
    'li',
    { 'data-kind': e.kind },
    h('strong', {}, `${tv(e.kind)} (${tv(e.class)})`),
    ` ${t('source')} ${e.source.id} · ${fmtTime(e.from)} – ${fmtTime(e.to)}`,
    detail.length > 0 ? h('div', { class: 'behind' }, detail.join(' · ')) : null,
  );
}
