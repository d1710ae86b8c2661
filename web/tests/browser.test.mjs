// Browser tests of the command centre's page, in Debian's chromium driven by
// playwright-core. They load a bundle into the Neo4j at NEO4J_URI, start the real
// server in development mode, and check what the page shows against the GraphQL
// answers for the same asOf. Screenshots go to web/test-artifacts/.
//
// Environment: NEO4J_URI (required), TRACEGRAPH_BIN (bin/tracegraph), WEB_TEST_BUNDLE,
// WEB_TEST_PORT (8093), WEB_TEST_BENCH_CASES (5000), WEB_TEST_BENCH_CONTACTS (20000).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const artefacts = resolve(root, 'web/test-artifacts');
mkdirSync(artefacts, { recursive: true });
const bin = resolve(root, process.env.TRACEGRAPH_BIN ?? 'bin/tracegraph');
const bundle = resolve(root, process.env.WEB_TEST_BUNDLE ?? 'testdata/conformance/case01/bundle');
const port = Number(process.env.WEB_TEST_PORT ?? 8093);
const neo4j = process.env.NEO4J_URI;
if (!neo4j) {
  console.error('browser tests: set NEO4J_URI (the database is written to)');
  process.exit(1);
}
const base = `http://127.0.0.1:${port}`;
const results = [];

async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (err) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}: ${err?.stack ?? err}`);
  }
}

// 1. An empty graph, then the bundle (exit 0, or 2 when it has rejected rows on purpose).
const empty = spawnSync('go', ['run', './web/tests/emptygraph'], { cwd: root, env: { ...process.env, NEO4J_URI: neo4j }, encoding: 'utf8' });
if (empty.status !== 0) {
  console.error(empty.stdout, empty.stderr);
  process.exit(1);
}
console.log(`loading ${bundle}`);
const load = spawnSync(bin, ['load', bundle], { env: { ...process.env, NEO4J_URI: neo4j }, encoding: 'utf8' });
if (load.status !== 0 && load.status !== 2) {
  console.error(load.stdout, load.stderr);
  console.error(`browser tests: tracegraph load exited ${load.status}`);
  process.exit(1);
}

// 2. The real server, development mode (its page gets the development token).
const server = spawn(bin, ['serve'], {
  env: { ...process.env, NEO4J_URI: neo4j, TRACEGRAPH_DEV: '1', TRACEGRAPH_ADDR: `127.0.0.1:${port}`, TRACEGRAPH_JWT_SECRET: '', TRACEGRAPH_JWKS_FILE: '' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let serverLog = '';
server.stdout.on('data', (d) => (serverLog += d));
server.stderr.on('data', (d) => (serverLog += d));
const stopServer = () => {
  if (server.exitCode === null) server.kill('SIGTERM');
};
process.on('exit', stopServer);

async function waitReady() {
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited ${server.exitCode}:\n${serverLog}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`server not ready in 60 s:\n${serverLog}`);
}
await waitReady();
const cfg = await (await fetch(`${base}/app/config.json`)).json();
assert.ok(cfg.devToken, 'config.json carries the development token in development mode');

async function gql(query, variables = {}) {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${cfg.devToken}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));
const shot = (name) => page.screenshot({ path: resolve(artefacts, `${name}.png`), fullPage: true });

let asOf = null;
let clusters = [];

await step('the API the page uses refuses a request without a token', async () => {
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"query":"{ policy { name } }"}' });
  assert.equal(res.status, 401);
});

const FIG = `areaCode confirmedTotal asymptomaticTotal activeCases recovered deceased suspected newConfirmed daysSinceLastNewConfirmed
  openQuarantines { centralized home healthMonitoring } pendingPlacements peopleByTier { red yellow green } facilities { facility { id } capacity occupied free }`;
const figuresOf = (s) => ({
  confirmedTotal: s.confirmedTotal, asymptomaticTotal: s.asymptomaticTotal, activeCases: s.activeCases, newConfirmed: s.newConfirmed,
  daysSinceLastNewConfirmed: s.daysSinceLastNewConfirmed == null ? '—' : s.daysSinceLastNewConfirmed, recovered: s.recovered, deceased: s.deceased,
  suspected: s.suspected, centralized: s.openQuarantines.centralized, home: s.openQuarantines.home, healthMonitoring: s.openQuarantines.healthMonitoring,
  pendingPlacements: s.pendingPlacements, red: s.peopleByTier.red, yellow: s.peopleByTier.yellow, green: s.peopleByTier.green,
});

await step('dashboard: county and town figures match summary, cluster figures match clusters', async () => {
  await page.goto(`${base}/app/`);
  await page.waitForSelector('[data-figure="tracedCases"]', { timeout: 60000 });
  asOf = (await page.getAttribute('[data-testid=asof-label]', 'data-asof')) || null;
  // The page opens on the county (docs/web.md); the figures are summary's for that area.
  const area = (await page.getAttribute('[data-testid=summary-area]', 'data-area')) || null;
  const summary = (await gql(`query($a: DateTime, $c: ID) { summary(asOf: $a, areaCode: $c) { ${FIG} children { ${FIG} } } }`, { a: asOf, c: area })).summary;
  if (process.env.WEB_TEST_BUNDLE?.includes('examples/county')) assert.equal(area, '411530', 'the demo opens on its county, 淮川县');
  const want = figuresOf(summary);
  for (const [k, v] of Object.entries(want)) {
    assert.equal(await page.textContent(`[data-testid=summary-cards] [data-figure="${k}"] .value`), String(v), `county figure ${k}`);
  }
  assert.ok(summary.confirmedTotal > 0, 'the bundle has confirmed cases');
  assert.equal(await page.locator('[data-testid=town-table] tbody tr').count(), summary.children.length);
  for (const town of summary.children) {
    for (const [k, v] of Object.entries(figuresOf(town))) {
      assert.equal(await page.textContent(`[data-testid=town-table] tr[data-area="${town.areaCode}"] [data-figure="${k}"]`), String(v), `town ${town.areaCode} figure ${k}`);
    }
  }
  const occupied = await page.locator('[data-testid=facility-table] tbody tr').evaluateAll((rows) => rows.map((r) => [r.dataset.facility, r.cells[2].textContent]));
  assert.deepEqual(occupied, summary.facilities.map((f) => [f.facility.id, String(f.occupied)]));
  clusters = (await gql('query($a: DateTime) { clusters(asOf: $a) { indexCase { id } size active cases { person { id } status onsetDate } } }', { a: asOf })).clusters;
  assert.ok(clusters.length > 0, 'the bundle has traced cases');
  const fig = async (k) => Number(await page.textContent(`[data-figure="${k}"] .value`));
  assert.equal(await fig('tracedCases'), clusters.reduce((s, c) => s + c.size, 0));
  assert.equal(await fig('clusters'), clusters.length);
  assert.equal(await fig('activeClusters'), clusters.filter((c) => c.active).length);
  assert.equal(await fig('largestCluster'), Math.max(...clusters.map((c) => c.size)));
  // The curve, the town reports and the overdue health reports of the asOf day.
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: cfg.timeZone }).format(asOf ? new Date(asOf) : new Date());
  const first = await page.evaluate(() => document.querySelector('[data-testid=epicurve] rect')?.dataset.date);
  const day = await gql('query($f: String!, $t: String!, $d: String!, $c: ID) { epicurve(from: $f, to: $t, areaCode: $c) { date cases } dailyReports(date: $d) { areaCode submitted } overdueHealthReports(date: $d) { person { id } } }', { f: first, t: date, d: date, c: area });
  assert.equal(Number(await page.getAttribute('[data-testid=epicurve]', 'data-total')), day.epicurve.reduce((s, p) => s + p.cases, 0));
  assert.equal(await page.locator('[data-testid=epicurve] rect').count(), day.epicurve.length);
  assert.equal(Number(await page.getAttribute('[data-testid=missing-reports]', 'data-count')), day.dailyReports.filter((r) => !r.submitted).length);
  assert.equal(await page.locator('[data-testid=report-table] tbody tr').count(), day.dailyReports.length);
  assert.equal(Number(await page.getAttribute('[data-testid=overdue]', 'data-count')), day.overdueHealthReports.length);
  await shot('1-dashboard-zh');
  // A town row opens that town's figures.
  const town = summary.children.find((c) => c.activeCases > 0) ?? summary.children[0];
  await page.click(`[data-testid=town-table] tr[data-area="${town.areaCode}"]`);
  await page.waitForSelector(`[data-testid=summary-area][data-area="${town.areaCode}"]`);
  assert.equal(await page.textContent('[data-testid=summary-cards] [data-figure="activeCases"] .value'), String(town.activeCases));
});

let caseId = null;
let chain = null;
await step('chain view: drawn people match contactChain', async () => {
  // The traced case with the most contacts (of the first 30), to draw something.
  const ids = clusters.flatMap((c) => c.cases.map((x) => x.person.id)).slice(0, 30);
  let best = -1;
  for (const id of ids) {
    const ch = (await gql('query($id: ID!, $a: DateTime) { contactChain(caseId: $id, asOf: $a) { contacts { person { id } class degree } } }', { id, a: asOf })).contactChain;
    if (ch.contacts.length > best) {
      best = ch.contacts.length;
      caseId = id;
      chain = ch;
    }
  }
  assert.ok(best > 0, 'some traced case has contacts');
  const q = asOf ? `?asOf=${encodeURIComponent(asOf)}` : '';
  await page.goto(`${base}/app/#/chain/${encodeURIComponent(caseId)}${q}`);
  await page.waitForSelector('[data-testid=contact-count]', { timeout: 30000 });
  assert.equal(Number(await page.getAttribute('[data-testid=contact-count]', 'data-count')), chain.contacts.length);
  // Every person of the chain is drawn (a small chain is not collapsed): the case and its contacts.
  await page.waitForFunction(() => document.querySelector('[data-testid=chain-canvas]')?.dataset.people !== undefined);
  const drawn = await page.evaluate(() => window.tracegraphCy.nodes('[kind!="group"]').map((n) => n.id()).sort());
  const want = [caseId, ...chain.contacts.map((c) => c.person.id)].sort();
  assert.deepEqual(drawn, want);
  assert.equal(Number(await page.getAttribute('[data-testid=chain-canvas]', 'data-people')), want.length);
  assert.equal(await page.locator('[data-testid=contact-table] tbody tr').count(), chain.contacts.length);
  await shot('2-chain-zh');
});

let clicked = null;
let risk = null;
await step('clicking a person in the graph shows their risk reasons', async () => {
  // The first close contact of degree 1 if any, else the first contact.
  const c = chain.contacts.find((x) => x.class === 'CLOSE' && x.degree === 1) ?? chain.contacts[0];
  clicked = c.person.id;
  const pos = await page.evaluate((id) => {
    const cy = window.tracegraphCy;
    const n = cy.getElementById(id);
    cy.zoom(1);
    cy.center(n);
    const box = cy.container().getBoundingClientRect();
    const p = n.renderedPosition();
    return { x: box.left + p.x, y: box.top + p.y };
  }, clicked);
  await page.waitForTimeout(300);
  await page.mouse.click(pos.x, pos.y);
  await page.waitForSelector(`[data-testid=person-panel][data-person-id="${clicked}"] [data-testid=person-tier]`, { timeout: 15000 });
  risk = (await gql('query($id: ID!, $a: DateTime) { risk(personId: $id, asOf: $a) { tier reasons { rule } } }', { id: clicked, a: asOf })).risk;
  assert.equal(await page.getAttribute('[data-testid=person-tier]', 'data-tier'), risk.tier);
  const rules = await page.locator('[data-testid=reasons] li').evaluateAll((els) => els.map((e) => e.dataset.rule));
  assert.deepEqual(rules, risk.reasons.map((r) => r.rule));
  if (risk.reasons.length > 0) {
    const text = await page.textContent('[data-testid=reasons] li .rule');
    const zh = { ACTIVE_CASE: '现有病例', POSITIVE_TEST: '检测阳性', CLOSE_CONTACT: '密切接触者', HIGH_RISK_ARRIVAL: '来自高风险地区', SECONDARY_CONTACT: '次密切接触者', GENERAL_CONTACT: '一般接触者', MEDIUM_RISK_ARRIVAL: '来自中风险地区', FEVER: '发热' };
    assert.equal(text, zh[risk.reasons[0].rule]);
  }
  const qs = (await gql('query($id: ID!) { person(id: $id) { quarantines { id } } }', { id: clicked })).person.quarantines;
  assert.equal(await page.locator('[data-testid=quarantines] li').count(), qs.length, 'the quarantine assignments shown');
  await shot('3-person-zh');
});

await step('switching language relabels the page in English', async () => {
  assert.equal(await page.textContent('[data-testid=title]'), '疫情防控指挥中心');
  await page.click('[data-testid=lang]');
  await page.waitForFunction(() => document.querySelector('[data-testid=title]')?.textContent === 'Epidemic command centre');
  // The view is drawn again in English; click the same person through the list this time.
  await page.waitForSelector(`[data-testid=contact-table] tr[data-person-id="${clicked}"]`);
  await page.click(`[data-testid=contact-table] tr[data-person-id="${clicked}"]`);
  await page.waitForSelector(`[data-testid=person-panel][data-person-id="${clicked}"] [data-testid=person-tier]`);
  if (risk.reasons.length > 0) {
    const en = { ACTIVE_CASE: 'Active case', POSITIVE_TEST: 'Positive test', CLOSE_CONTACT: 'Close contact', HIGH_RISK_ARRIVAL: 'Arrival from a high-risk area', SECONDARY_CONTACT: 'Secondary contact', GENERAL_CONTACT: 'General contact', MEDIUM_RISK_ARRIVAL: 'Arrival from a medium-risk area', FEVER: 'Fever' };
    assert.equal(await page.textContent('[data-testid=reasons] li .rule'), en[risk.reasons[0].rule]);
  }
  await shot('4-person-en');
});

await step('cluster view: one row per cluster with its size', async () => {
  const q = asOf ? `?asOf=${encodeURIComponent(asOf)}` : '';
  await page.goto(`${base}/app/#/clusters${q}`);
  await page.waitForSelector('[data-testid=cluster-table] tbody tr', { timeout: 30000 });
  const rows = await page.locator('[data-testid=cluster-table] tbody tr').evaluateAll((els) => els.map((e) => [e.dataset.indexCase, Number(e.dataset.size)]));
  assert.deepEqual(rows.sort(), clusters.map((c) => [c.indexCase.id, c.size]).sort());
  // The first (largest) cluster is drawn as a tree with all its cases.
  const biggest = [...clusters].sort((a, b) => b.size - a.size || (a.indexCase.id < b.indexCase.id ? -1 : 1))[0];
  assert.equal(Number(await page.getAttribute('[data-testid=cluster-canvas]', 'data-people')), biggest.size);
  await shot('5-clusters-en');
});

await step('the asOf slider redraws as of the chosen day', async () => {
  const q = asOf ? `?asOf=${encodeURIComponent(asOf)}` : '';
  await page.goto(`${base}/app/#/chain/${encodeURIComponent(caseId)}${q}`);
  await page.waitForSelector('[data-testid=contact-count]');
  const slider = page.locator('[data-testid=asof-slider]');
  await slider.evaluate((el) => {
    el.value = String(Number(el.value) - 1);
    el.dispatchEvent(new Event('change'));
  });
  await page.waitForFunction((prev) => document.querySelector('[data-testid=asof-label]')?.dataset.asof !== prev, asOf ?? '');
  const newAsOf = await page.getAttribute('[data-testid=asof-label]', 'data-asof');
  assert.ok(newAsOf && new Date(newAsOf) < new Date(asOf ?? Date.now()), `asOf moved back a day: ${newAsOf}`);
  await page.waitForSelector('[data-testid=contact-count], [data-testid=error]');
  const err = await page.locator('[data-testid=error]').count();
  let want;
  try {
    want = (await gql('query($id: ID!, $a: DateTime) { contactChain(caseId: $id, asOf: $a) { contacts { person { id } } } }', { id: caseId, a: newAsOf })).contactChain.contacts.length;
  } catch {
    want = null; // not yet a traced case that day: the page must say so
  }
  if (want === null) assert.equal(err, 1);
  else assert.equal(Number(await page.getAttribute('[data-testid=contact-count]', 'data-count')), want);
  await shot('6-chain-day-before-en');
});

await step('a case found by name opens its chain', async () => {
  const name = (await gql('query($id: ID!) { person(id: $id) { name } }', { id: caseId })).person.name;
  await page.goto(`${base}/app/#/chain`);
  await page.fill('[data-testid=name-search]', name);
  await page.click(`[data-testid=name-matches] a[data-person-id="${caseId}"]`);
  await page.waitForSelector('[data-testid=contact-count]', { timeout: 30000 });
  assert.ok((await page.textContent('[data-testid=chain-status]')).includes(caseId));
  await shot('6b-chain-by-name');
});

await step('dashboard at "latest" follows the subscriptions: confirming a suspected case updates it', async () => {
  // Last of the data steps: it changes the graph.
  await page.goto(`${base}/app/#/dashboard`);
  await page.waitForSelector('[data-figure="activeCases"]', { timeout: 60000 });
  await page.click('header button:not([data-testid=lang])'); // "Latest"
  await page.waitForSelector('[data-testid=live][data-live="1"]', { timeout: 30000 });
  const area = (await page.getAttribute('[data-testid=summary-area]', 'data-area')) || null;
  const suspected = (await gql('query($c: ID) { people(filter: { caseStatus: SUSPECTED, areaCode: $c }, first: 1) { nodes { id } } }', { c: area })).people.nodes;
  assert.ok(suspected.length > 0, 'the bundle has a suspected case to confirm in the area shown');
  const before = (await gql('query($c: ID) { summary(areaCode: $c) { activeCases } }', { c: area })).summary.activeCases;
  assert.equal(await page.textContent('[data-testid=summary-cards] [data-figure="activeCases"] .value'), String(before));
  const loads = await page.getAttribute('main', 'data-loads');
  await gql('mutation($id: ID!) { setCaseStatus(input: { personId: $id, status: "confirmed" }) { status } }', { id: suspected[0].id });
  const after = (await gql('query($c: ID) { summary(areaCode: $c) { activeCases } }', { c: area })).summary.activeCases;
  assert.equal(after, before + 1, 'the confirmed case is active in the area');
  await page.waitForFunction((n) => document.querySelector('main')?.dataset.loads !== n, loads, { timeout: 30000 });
  await page.waitForFunction((v) => document.querySelector('[data-testid=summary-cards] [data-figure="activeCases"] .value')?.textContent === v, String(after), { timeout: 30000 });
  await shot('1b-dashboard-live');
});

let bench = null;
await step('a 5,000-case cluster with 20,000 contacts stays responsive when drawn collapsed', async () => {
  const cases = Number(process.env.WEB_TEST_BENCH_CASES ?? 5000);
  const contacts = Number(process.env.WEB_TEST_BENCH_CONTACTS ?? 20000);
  const full = process.env.WEB_TEST_BENCH_FULL === "1" ? "&full=1" : "";
  await page.goto(`${base}/app/#/bench?cases=${cases}&contacts=${contacts}${full}`);
  await page.waitForSelector('[data-testid=bench-result][data-done="1"]', { timeout: 180000 });
  bench = JSON.parse(await page.textContent('[data-testid=bench-result]'));
  console.log('     drawing figures (ms):', JSON.stringify(bench));
  // Bounds loose enough for a shared 2-core machine rendering in software, tight enough
  // to fail if the views drew everything (all 5,000 cases alone take several seconds
  // and hundreds of ms a frame: see docs/web.md).
  assert.ok(bench.collapsedPeople <= 301, `collapsed draw keeps to the budget: ${bench.collapsedPeople}`);
  assert.ok(bench.collapsedDrawMs < 5000, `collapsed first draw ${bench.collapsedDrawMs} ms`);
  assert.ok(bench.expandMs < 3000, `expanding a "+N" node ${bench.expandMs} ms`);
  assert.ok(bench.collapsedPanFrameMs < 150, `panning the collapsed view: ${bench.collapsedPanFrameMs} ms a frame`);
  await shot('7-bench');
});

await step('zoning, sweep and ledgers: drawn figures match zoning, sweepCoverage, returnees and workerLedger (zh, then en)', async () => {
  const at = '2020-01-28T23:00:00+08:00';
  const area = '411530102'; // 白塔乡 in the demo; any area of another bundle works the same way
  const known = await gql('query($a: ID!) { summary { areaCode } area(code: $a) { code } }', { a: area }).catch(() => null);
  const code = known?.area?.code ?? (await gql('{ summary { areaCode } }')).summary.areaCode;
  await page.goto(`${base}/app/#/practices?asOf=${encodeURIComponent(at)}&area=${code}`);
  await page.waitForSelector('[data-testid=zoning-table]', { timeout: 60000 });
  const from = new Date(new Date(at).getTime() - 86400000);
  const fromLocal = `${from.toISOString().slice(0, 10)}T00:00:00+08:00`;
  const want = await gql(`query($asOf: DateTime, $a: ID!, $f: DateTime!, $t: DateTime!) {
    zoning(asOf: $asOf) { areaCode proposal }
    sweepCoverage(areaCode: $a, from: $f, to: $t) { households visited people accountedFor notVisited(first: 200) { totalCount } notAccountedFor(first: 200) { totalCount } children { areaCode } }
    returnees(asOf: $asOf, first: 200) { totalCount } workerLedger(asOf: $asOf) { employer { id } workers { tripId } } }`,
    { asOf: at, a: code, f: new Date(fromLocal).toISOString(), t: new Date(at).toISOString() });
  assert.equal(await page.locator('[data-testid=zoning-table] tbody tr').count(), want.zoning.length);
  const sweepRow = await page.locator('[data-testid=sweep-table] tbody tr').first().evaluate((r) => [...r.cells].slice(1).map((c) => Number(c.textContent)));
  const sc = want.sweepCoverage;
  assert.deepEqual(sweepRow, [sc.households, sc.visited, sc.people, sc.accountedFor]);
  assert.equal(await page.locator('[data-testid=sweep-table] tbody tr').count(), 1 + sc.children.length);
  assert.equal(await page.locator('[data-testid=not-visited] tbody tr').count(), sc.notVisited.totalCount);
  assert.equal(await page.locator('[data-testid=not-accounted] tbody tr').count(), sc.notAccountedFor.totalCount);
  assert.equal(await page.locator('[data-testid=returnees-table] tbody tr').count(), want.returnees.totalCount);
  for (const l of want.workerLedger) {
    assert.equal(await page.locator(`[data-testid=workers-${l.employer.id}] tbody tr`).count(), l.workers.length);
  }
  const before = await page.locator('[data-testid=sweep] h3').first().textContent();
  await shot('practices-1');
  await page.click('[data-testid=lang]');
  await page.waitForSelector('[data-testid=zoning-table]');
  const after = await page.locator('[data-testid=sweep] h3').first().textContent();
  assert.deepEqual([before, after].sort(), ['Households not visited', '未排查的户（漏户）'].sort());
  await shot('practices-2');
  await page.click('[data-testid=lang]');
});

await step('no script errors on the page', async () => {
  assert.deepEqual(pageErrors, []);
});

await browser.close();
stopServer();
const failed = results.filter((r) => !r.ok);
console.log(`browser tests: ${results.length - failed.length} passed, ${failed.length} failed; screenshots in ${artefacts}`);
process.exit(failed.length > 0 ? 1 : 0);
