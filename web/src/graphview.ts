// A tree of people drawn with cytoscape.js, collapsed so that large clusters stay
// responsive: only a budget of nodes is drawn at first, every parent whose children
// are not all drawn gets a "+N" node, and clicking that node draws the next page of its
// children. Positions are computed here in one linear pass (a tree layout with leaf
// children packed in a grid) and given to cytoscape as a preset layout: cytoscape's own
// force or breadthfirst layouts are far too slow for thousands of nodes.
import cytoscape from 'cytoscape';

export interface TreeNode {
  id: string;
  /** The parent in the tree (null for the root). */
  parent: string | null;
  label: string;
  /** RED, YELLOW, GREEN, or CASE for a case. */
  tier: string;
  /** The label of the edge from the parent. */
  edgeLabel?: string;
  /**
   * Not a person: a node that only holds the tree together (a cluster with several
   * introductions hangs them under one). Drawn small and grey, its edges without arrows,
   * and not counted among the people drawn.
   */
  anchor?: boolean;
  /** Marks a view styles by (cytoscape data: `intro`, `ref`). */
  marks?: Record<string, string>;
}

/** An edge drawn besides the tree edges (a second "via" of a contact, a second link). */
export interface ExtraEdge {
  source: string;
  target: string;
  label?: string;
}

export interface TreeOptions {
  /** Nodes drawn at first at most (besides "+N" nodes). */
  budget?: number;
  /** Children drawn per click on a "+N" node. */
  page?: number;
  onSelect?: (id: string) => void;
  /** Called after every redraw with the time it took. */
  onDraw?: (stats: DrawStats) => void;
}

export interface DrawStats {
  people: number;
  groups: number;
  hidden: number;
  ms: number;
}

export const TIER_COLOURS: Record<string, string> = {
  CASE: '#8b1a1a',
  RED: '#d9363e',
  YELLOW: '#e6a700',
  GREEN: '#2e9d57',
  GREY: '#666666',
};

const SLOT = 110; // px between neighbouring nodes
const LEVEL = 150; // px between tree levels
const LEAF_ROW = 70; // px between rows of a packed leaf block
const LEAF_COLS = 10;
/** Above this many drawn nodes edges are drawn the cheap way. */
const FAST_ABOVE = 1000;

export class CollapsibleTree {
  readonly cy: cytoscape.Core;
  private nodes = new Map<string, TreeNode>();
  private children = new Map<string, string[]>();
  private shown = new Map<string, number>(); // children drawn, per parent
  private root: string;
  private budget: number;
  private page: number;
  private fast = false;

  constructor(
    private container: HTMLElement,
    nodes: TreeNode[],
    private extra: ExtraEdge[],
    private opts: TreeOptions = {},
  ) {
    this.budget = opts.budget ?? 300;
    this.page = opts.page ?? 200;
    let root: string | null = null;
    for (const n of nodes) {
      this.nodes.set(n.id, n);
      if (n.parent === null) root = root ?? n.id;
    }
    if (root === null) throw new Error('tree without a root');
    this.root = root;
    for (const n of nodes) {
      if (n.parent === null || !this.nodes.has(n.parent)) continue;
      const list = this.children.get(n.parent);
      if (list) list.push(n.id);
      else this.children.set(n.parent, [n.id]);
    }
    this.openInitially();
    this.cy = cytoscape({
      container,
      elements: [],
      layout: { name: 'preset' },
      minZoom: 0.02,
      maxZoom: 3,
      textureOnViewport: true,
      hideEdgesOnViewport: true,
      hideLabelsOnViewport: true,
      motionBlur: false,
      pixelRatio: 1,
      style: [
        {
          selector: 'node',
          style: {
            'background-color': 'data(colour)',
            label: 'data(label)',
            'font-size': 11,
            'min-zoomed-font-size': 7,
            'text-valign': 'bottom',
            'text-margin-y': 3,
            'text-wrap': 'wrap',
            'text-max-width': '105px',
            width: 24,
            height: 24,
          },
        },
        { selector: 'node[kind="case"]', style: { shape: 'diamond', width: 34, height: 34 } },
        { selector: 'node[kind="anchor"]', style: { shape: 'ellipse', 'background-color': '#c8ced6', width: 12, height: 12, color: '#555' } },
        // Cluster marks: an introduction (no transmission link into it) gets a thick dark
        // ring; a case whose reference time is a sample or a confirmation (no onset) gets
        // a dotted or dashed red one, so an index case placed by such a date shows.
        { selector: 'node[intro="1"]', style: { 'border-width': 5, 'border-color': '#1b2733', 'border-style': 'double' } },
        { selector: 'node[ref="SAMPLE"]', style: { 'border-width': 3, 'border-color': '#d9363e', 'border-style': 'dotted' } },
        { selector: 'node[ref="CONFIRMATION"]', style: { 'border-width': 3, 'border-color': '#d9363e', 'border-style': 'dashed' } },
        { selector: 'node[intro="1"][ref="CONFIRMATION"]', style: { 'border-width': 5, 'border-color': '#d9363e', 'border-style': 'dashed' } },
        { selector: 'node[intro="1"][ref="SAMPLE"]', style: { 'border-width': 5, 'border-color': '#d9363e', 'border-style': 'dotted' } },
        {
          selector: 'node[kind="group"]',
          style: { shape: 'round-rectangle', 'background-color': '#9aa3ad', 'text-valign': 'center', 'text-margin-y': 0, width: 44, height: 22, color: '#fff', 'font-weight': 'bold' },
        },
        { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#1f5fbf' } },
        {
          selector: 'edge',
          style: {
            width: 1.5,
            'line-color': '#b5bcc4',
            'curve-style': 'straight',
            'target-arrow-shape': 'triangle',
            'target-arrow-color': '#b5bcc4',
            'arrow-scale': 0.7,
            label: 'data(label)',
            'font-size': 9,
            // Edge labels only once zoomed in (about 1.3×): fanned-out edges would bury them.
            'min-zoomed-font-size': 12,
            'text-rotation': 'autorotate',
            'text-background-color': '#fff',
            'text-background-opacity': 0.8,
            color: '#444',
          },
        },
        { selector: 'edge[extra="1"]', style: { 'line-style': 'dashed' } },
        // Many elements: the cheapest edges cytoscape draws, no arrows, no edge labels
        // (measuring and drawing thousands of labels is what makes big graphs crawl).
        { selector: 'node.fast', style: { label: '' } },
        { selector: 'edge.fast', style: { 'curve-style': 'haystack', 'target-arrow-shape': 'none', label: '', 'haystack-radius': 0 } },
        { selector: 'edge[kind="group"]', style: { 'line-style': 'dotted', 'target-arrow-shape': 'none' } },
        { selector: 'edge[kind="anchor"]', style: { 'line-style': 'dotted', 'target-arrow-shape': 'none', 'line-color': '#d5dae0' } },
      ],
    });
    this.cy.on('tap', 'node', (ev) => {
      const id: string = ev.target.id();
      if (id.startsWith('group:')) this.expand(id.slice('group:'.length));
      else if (!this.nodes.get(id)?.anchor) this.opts.onSelect?.(id);
    });
    this.redraw(true);
  }

  /** Draws the tree breadth first until the budget is spent. */
  private openInitially(): void {
    let drawn = 1;
    const queue = [this.root];
    while (queue.length > 0) {
      const id = queue.shift()!;
      const kids = this.children.get(id) ?? [];
      if (kids.length === 0) continue;
      const n = Math.min(kids.length, this.page);
      if (drawn + n > this.budget) continue;
      this.shown.set(id, n);
      drawn += n;
      queue.push(...kids.slice(0, n));
    }
  }

  /** Draws the next page of a parent's children. */
  expand(parent: string): void {
    const kids = this.children.get(parent) ?? [];
    this.shown.set(parent, Math.min(kids.length, (this.shown.get(parent) ?? 0) + this.page));
    this.redraw(false);
  }

  /** Draws every node (for measuring; a 5,000-node tree is fine, 25,000 is slow). */
  expandAll(): void {
    for (const [id, kids] of this.children) this.shown.set(id, kids.length);
    this.redraw(false);
  }

  select(id: string): void {
    this.cy.$(':selected').unselect();
    const n = this.cy.getElementById(id);
    if (n.nonempty()) {
      n.select();
      this.cy.animate({ center: { eles: n } }, { duration: 200 });
    }
  }

  /** The drawn ids of people (not "+N" nodes or anchors). */
  drawnPeople(): string[] {
    return this.cy.nodes('[kind!="group"][kind!="anchor"]').map((n) => n.id());
  }

  destroy(): void {
    this.cy.destroy();
  }

  private visibleKids(id: string): string[] {
    const kids = this.children.get(id);
    if (!kids) return [];
    return kids.slice(0, this.shown.get(id) ?? 0);
  }

  /** Positions of the visible tree: subtrees side by side, leaves packed in a grid. */
  private layout(): Map<string, { x: number; y: number }> {
    const pos = new Map<string, { x: number; y: number }>();
    const width = new Map<string, number>();
    const hasGroup = (id: string) => (this.shown.get(id) ?? 0) < (this.children.get(id)?.length ?? 0);
    // Post-order without recursion (generations can be deep).
    const order: string[] = [];
    const stack = [this.root];
    while (stack.length > 0) {
      const id = stack.pop()!;
      order.push(id);
      stack.push(...this.visibleKids(id));
    }
    const split = (id: string) => {
      const kids = this.visibleKids(id);
      const inner = kids.filter((k) => this.visibleKids(k).length > 0 || hasGroup(k));
      const leaves = kids.filter((k) => !(this.visibleKids(k).length > 0 || hasGroup(k)));
      if (hasGroup(id)) leaves.push('group:' + id);
      return { inner, leaves };
    };
    for (let i = order.length - 1; i >= 0; i--) {
      const id = order[i];
      const { inner, leaves } = split(id);
      const w = inner.reduce((s, k) => s + (width.get(k) ?? 1), 0) + Math.min(leaves.length, LEAF_COLS);
      width.set(id, Math.max(1, w));
    }
    // Pre-order placement: x is the left edge of the subtree's slots.
    const place: { id: string; left: number; y: number }[] = [{ id: this.root, left: 0, y: 0 }];
    while (place.length > 0) {
      const { id, left, y } = place.pop()!;
      const w = width.get(id) ?? 1;
      pos.set(id, { x: (left + w / 2) * SLOT, y });
      const { inner, leaves } = split(id);
      let cursor = left;
      for (const k of inner) {
        place.push({ id: k, left: cursor, y: y + LEVEL });
        cursor += width.get(k) ?? 1;
      }
      const cols = Math.min(leaves.length, LEAF_COLS);
      leaves.forEach((k, j) => {
        pos.set(k, { x: (cursor + (j % cols) + 0.5) * SLOT, y: y + LEVEL + Math.floor(j / cols) * LEAF_ROW });
      });
    }
    return pos;
  }

  private redraw(fit: boolean): void {
    const start = performance.now();
    const pos = this.layout();
    const cy = this.cy;
    const add: cytoscape.ElementDefinition[] = [];
    let groups = 0;
    cy.batch(() => {
      // Remove what is no longer visible (only "+N" nodes can disappear).
      cy.nodes().forEach((n) => {
        if (!pos.has(n.id())) cy.remove(n);
      });
      for (const [id, p] of pos) {
        const existing = cy.getElementById(id);
        if (existing.nonempty()) {
          existing.position(p);
          if (id.startsWith('group:')) existing.data('label', this.groupLabel(id.slice(6)));
          continue;
        }
        if (id.startsWith('group:')) {
          const parent = id.slice(6);
          add.push({ group: 'nodes', data: { id, kind: 'group', label: this.groupLabel(parent) }, position: p });
          add.push({ group: 'edges', data: { id: 'e:' + id, source: parent, target: id, kind: 'group', label: '' } });
          continue;
        }
        const n = this.nodes.get(id)!;
        const kind = n.anchor ? 'anchor' : n.tier === 'CASE' ? 'case' : 'person';
        add.push({
          group: 'nodes',
          data: { ...n.marks, id, kind, label: n.label, colour: TIER_COLOURS[n.tier] ?? '#888' },
          position: p,
        });
        if (n.parent !== null) {
          const fromAnchor = this.nodes.get(n.parent)?.anchor === true;
          add.push({
            group: 'edges',
            data: { id: `e:${n.parent}>${id}`, source: n.parent, target: id, label: n.edgeLabel ?? '', ...(fromAnchor ? { kind: 'anchor' } : {}) },
          });
        }
      }
      cy.add(add);
      for (const e of this.extra) {
        const id = `x:${e.source}>${e.target}`;
        if (pos.has(e.source) && pos.has(e.target) && cy.getElementById(id).empty()) {
          cy.add({ group: 'edges', data: { id, source: e.source, target: e.target, extra: '1', label: e.label ?? '' } });
        }
      }
    });
    let anchors = 0;
    for (const id of pos.keys()) {
      if (id.startsWith('group:')) groups++;
      else if (this.nodes.get(id)?.anchor) anchors++;
    }
    const fast = pos.size > FAST_ABOVE;
    if (fast !== this.fast) {
      this.fast = fast;
      cy.batch(() => {
        if (fast) cy.elements().addClass('fast');
        else cy.elements().removeClass('fast');
      });
    } else if (fast) {
      cy.elements().not('.fast').addClass('fast');
    }
    // Everything not drawn, hidden descendants of hidden children included.
    const hidden = this.nodes.size - (pos.size - groups);
    const people = pos.size - groups - anchors;
    if (fit) {
      cy.fit(undefined, 30);
      // A small tree is not blown up past a readable size.
      if (cy.zoom() > 1.2) {
        cy.zoom(1.2);
        cy.center();
      }
    }
    const stats = { people, groups, hidden, ms: performance.now() - start };
    this.container.dataset.people = String(stats.people);
    this.container.dataset.groups = String(stats.groups);
    this.container.dataset.hidden = String(stats.hidden);
    this.opts.onDraw?.(stats);
  }

  private groupLabel(parent: string): string {
    const kids = this.children.get(parent) ?? [];
    return '+' + (kids.length - (this.shown.get(parent) ?? 0));
  }
}
