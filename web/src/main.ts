// The command centre's page: dashboard, chain view and cluster view over the public
// GraphQL API. Routes live in the URL's fragment: #/dashboard, #/chain/<caseId>,
// #/clusters[/<indexCaseId>], #/bench; each takes ?asOf=<RFC 3339>.
import './style.css';
import { currentToken, gql, GraphQLError, loadConfig, setToken, useToken } from './api';
import { renderBench } from './bench';
import { renderChain } from './chain';
import { renderClusters } from './clusters';
import { renderDashboard } from './dashboard';
import { renderPractices } from './practices';
import { getLang, setLang, t } from './i18n';
import { AsOf, parseRoute, routeHash } from './state';
import { addDays, daysBetween, endOfDay, fmtLongDate, localDate, setZone } from './time';
import { clear, errorBox, h } from './util';

const app = document.getElementById('app')!;
const asOf = new AsOf();
let cleanup: () => void = () => {};
let renderSeq = 0;

async function start(): Promise<void> {
  let cfg;
  try {
    cfg = await loadConfig();
  } catch (err) {
    app.append(errorBox(err));
    return;
  }
  setZone(cfg.timeZone);
  setLang(getLang());
  const token = currentToken(cfg);
  if (!token) {
    askToken();
    return;
  }
  useToken(token);
  try {
    await initRange();
  } catch (err) {
    if (err instanceof GraphQLError && err.status === 401) {
      setToken(null);
      askToken();
      return;
    }
    app.append(errorBox(err));
    return;
  }
  window.addEventListener('hashchange', () => void render());
  asOf.onChange(() => {
    const r = parseRoute();
    const params = Object.fromEntries(r.params);
    const a = asOf.arg();
    if (a) params.asOf = a;
    else delete params.asOf;
    const next = routeHash(r.view, r.arg, params);
    if (next !== location.hash) location.hash = next;
    else void render();
  });
  await render();
}

function askToken(): void {
  clear(app);
  const input = h('textarea', { rows: 4, cols: 60, 'data-testid': 'token-input' });
  const form = h('form', { class: 'token-form' }, h('h2', {}, t('token')), h('p', {}, t('tokenNeeded')), input, h('button', { type: 'submit' }, t('save')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    setToken(input.value.trim());
    location.reload();
  });
  app.append(form);
}

/** The slider covers the outbreak: from a few days before the first traced case. */
async function initRange(): Promise<void> {
  const d = await gql<{ clusters: { cases: { referenceTime: string | null }[] }[] }>('{ clusters { cases { referenceTime } } }');
  const refs = d.clusters.flatMap((c) => c.cases.map((x) => x.referenceTime)).filter((x): x is string => !!x).sort();
  const today = localDate(new Date());
  if (refs.length > 0) {
    const first = localDate(new Date(refs[0]));
    const last = localDate(new Date(refs[refs.length - 1]));
    const end = daysBetween(addDays(last, 30), today) > 0 ? addDays(last, 30) : today;
    asOf.range = { first: addDays(first, -3), last: end };
    // Historical data (nothing in the last 30 days): open on the day after the latest
    // case rather than today, when every tier would long have expired.
    if (end !== today) asOf.value = endOfDay(addDays(last, 1));
  }
  const fromUrl = parseRoute().params.get('asOf');
  if (fromUrl && !isNaN(new Date(fromUrl).getTime())) asOf.value = new Date(fromUrl);
}

function header(view: string): HTMLElement {
  const nav = (v: string, label: string) => h('a', { href: routeHash(v, '', asOf.arg() ? { asOf: asOf.arg()! } : {}), class: v === view ? 'on' : '', 'data-nav': v }, label);
  const slider = h('input', { type: 'range', min: 0, max: asOf.steps(), value: asOf.dayIndex(), 'data-testid': 'asof-slider' });
  const label = h('span', { class: 'asof', 'data-testid': 'asof-label', 'data-asof': asOf.arg() ?? '' }, `${t('asOf')} ${fmtLongDate(asOf.moment())}`);
  slider.addEventListener('input', () => {
    label.textContent = `${t('asOf')} ${fmtLongDate(clampNow(asOf.dayAt(Number(slider.value))))}`;
  });
  slider.addEventListener('change', () => asOf.set(clampNow(asOf.dayAt(Number(slider.value)))));
  const latest = h('button', { type: 'button' }, t('latest'));
  latest.addEventListener('click', () => asOf.set(null));
  const lang = h('button', { type: 'button', 'data-testid': 'lang' }, t('language'));
  lang.addEventListener('click', () => {
    setLang(getLang() === 'zh' ? 'en' : 'zh');
    void render();
  });
  return h(
    'header',
    {},
    h('h1', { 'data-testid': 'title' }, t('title')),
    h('nav', {}, nav('dashboard', t('dashboard')), nav('chain', t('chain')), nav('clusters', t('clusters')), nav('practices', t('practices'))),
    h('div', { class: 'asof-box' }, label, slider, latest),
    lang,
  );
}

function clampNow(d: Date): Date {
  const now = new Date();
  return d > now ? now : d;
}

async function render(): Promise<void> {
  const mine = ++renderSeq;
  cleanup();
  cleanup = () => {};
  const r = parseRoute();
  const fromUrl = r.params.get('asOf');
  if (fromUrl && !isNaN(new Date(fromUrl).getTime()) && asOf.arg() !== fromUrl) asOf.set(new Date(fromUrl), false);
  clear(app);
  const main = h('main', { 'data-view': r.view });
  app.append(header(r.view), main);
  const keep = asOf.arg() ? { asOf: asOf.arg()! } : ({} as Record<string, string>);
  let done: () => void = () => {};
  switch (r.view) {
    case 'chain':
      done = await renderChain(main, r.arg, Number(r.params.get('depth') ?? 2), asOf, (id, depth) => {
        location.hash = routeHash('chain', id, { ...keep, depth: String(depth) });
      });
      break;
    case 'clusters':
      done = await renderClusters(main, asOf, (id) => {
        location.hash = routeHash('chain', id, keep);
      });
      break;
    case 'practices':
      done = await renderPractices(main, asOf, r.params.get('area'));
      break;
    case 'bench':
      done = await renderBench(main, r.params);
      break;
    default:
      done = await renderDashboard(
        main,
        asOf,
        r.params.get('area'),
        r.params.get('by') === 'CONFIRMATION' ? 'CONFIRMATION' : 'ONSET',
        () => {
          location.hash = routeHash('clusters', '', keep);
        },
        (code) => {
          location.hash = routeHash('dashboard', '', code ? { ...keep, area: code } : keep);
        },
        (by) => {
          location.hash = routeHash('dashboard', '', { ...Object.fromEntries(r.params), ...keep, by });
        },
      );
  }
  if (mine !== renderSeq) done();
  else cleanup = done;
}

void start();
