// Drawing benchmark: a synthetic cluster (default 5,000 cases with 20,000 contacts)
// drawn with the same CollapsibleTree as the chain and cluster views, timed in this
// browser. Opened at #/bench?cases=5000&contacts=20000; the browser test reads the
// figures from the page.
import { CollapsibleTree, type TreeNode } from './graphview';
import { t } from './i18n';
import { clear, h } from './util';

/** A deterministic pseudo-random generator, so every run draws the same cluster. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function syntheticCluster(cases: number, contacts: number, seed = 1): TreeNode[] {
  const r = rng(seed);
  const nodes: TreeNode[] = [{ id: 'C0', parent: null, label: 'C0', tier: 'CASE' }];
  // Each case is infected by a recent earlier case: a bushy tree of many generations.
  for (let i = 1; i < cases; i++) {
    const p = Math.max(0, i - 1 - Math.floor(r() * Math.min(i, 40)));
    nodes.push({ id: `C${i}`, parent: `C${p}`, label: `C${i}`, tier: 'CASE', edgeLabel: 'HOUSEHOLD' });
  }
  for (let j = 0; j < contacts; j++) {
    const p = Math.floor(r() * cases);
    nodes.push({ id: `P${j}`, parent: `C${p}`, label: `P${j}`, tier: r() < 0.6 ? 'RED' : 'YELLOW', edgeLabel: 'DIRECT_CONTACT' });
  }
  return nodes;
}

const frame = () => new Promise<number>((res) => requestAnimationFrame(() => requestAnimationFrame(() => res(performance.now()))));

/** The mean time of a frame while the view is panned, in ms. */
async function panFrames(tree: CollapsibleTree, n: number): Promise<number> {
  const start = await frame();
  for (let i = 0; i < n; i++) {
    tree.cy.panBy({ x: 7, y: 3 });
    await new Promise((res) => requestAnimationFrame(res));
  }
  return (performance.now() - start) / n;
}

export interface BenchResult {
  cases: number;
  contacts: number;
  collapsedDrawMs: number;
  collapsedPeople: number;
  expandMs: number;
  collapsedPanFrameMs: number;
  casesOnlyFullDrawMs: number;
  casesOnlyPanFrameMs: number;
  everythingFullDrawMs: number | null;
  everythingPanFrameMs: number | null;
}

export async function renderBench(root: HTMLElement, params: URLSearchParams): Promise<() => void> {
  clear(root);
  const cases = Number(params.get('cases') ?? 5000);
  const contacts = Number(params.get('contacts') ?? 20000);
  const full = params.get('full') === '1';
  const out = h('pre', { 'data-testid': 'bench-result' }, t('loading'));
  const canvas = h('div', { class: 'canvas' });
  root.append(h('h2', {}, `${t('bench')}: ${cases} / ${contacts}`), out, canvas);
  await frame();

  const all = syntheticCluster(cases, contacts);
  // 1. The whole cluster with its contacts, collapsed (what the views do).
  let t0 = performance.now();
  let tree = new CollapsibleTree(canvas, all, [], { budget: 300 });
  let t1 = await frame();
  const collapsedDrawMs = t1 - t0;
  const collapsedPeople = Number(canvas.dataset.people);
  const collapsedPanFrameMs = await panFrames(tree, 30);
  const group = tree.cy.nodes('[kind="group"]').first();
  t0 = performance.now();
  if (group.nonempty()) tree.expand(group.id().slice(6));
  const expandMs = (await frame()) - t0;
  tree.destroy();

  // 2. The 5,000 cases alone, every one drawn.
  const casesOnly = all.slice(0, cases);
  t0 = performance.now();
  tree = new CollapsibleTree(canvas, casesOnly, [], { budget: cases, page: cases });
  tree.expandAll();
  tree.cy.fit(undefined, 20);
  const casesOnlyFullDrawMs = (await frame()) - t0;
  const casesOnlyPanFrameMs = await panFrames(tree, 30);
  tree.destroy();

  // 3. Optionally everything (25,000 nodes) expanded.
  let everythingFullDrawMs: number | null = null;
  let everythingPanFrameMs: number | null = null;
  if (full) {
    t0 = performance.now();
    tree = new CollapsibleTree(canvas, all, [], { budget: all.length, page: all.length });
    tree.expandAll();
    tree.cy.fit(undefined, 20);
    everythingFullDrawMs = (await frame()) - t0;
    everythingPanFrameMs = await panFrames(tree, 10);
    tree.destroy();
  }
  // Leave the collapsed view on screen for the screenshot.
  tree = new CollapsibleTree(canvas, all, [], { budget: 300 });
  const result: BenchResult = {
    cases,
    contacts,
    collapsedDrawMs,
    collapsedPeople,
    expandMs,
    collapsedPanFrameMs,
    casesOnlyFullDrawMs,
    casesOnlyPanFrameMs,
    everythingFullDrawMs,
    everythingPanFrameMs,
  };
  out.textContent = JSON.stringify(result, null, 1);
  out.dataset.done = '1';
  const last = tree;
  return () => last.destroy();
}
