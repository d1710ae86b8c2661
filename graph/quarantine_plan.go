package graph

import (
	"fmt"
	"sort"
	"time"
)

// assignment is an assignment as the plan works on it: the stored fields plus the
// protocol details kept on the node (its test days and its follow-on measure).
type assignment struct {
	Q        *Quarantine
	Seq      int
	TestDays []int    // nil: the policy's
	Then     *Measure // the follow-on when it completes; nil: none
	isNew    bool     // created by this run
	wasOpen  bool     // open before this run
	changed  bool     // an existing assignment this run changed
}

// facilityState is a facility as placement sees it.
type facilityState struct {
	ID       string
	AreaCode string
	Capacity int
}

// snapshot is everything a run decides from, loaded in a few queries.
type snapshot struct {
	AsOf          time.Time
	Open          []*assignment     // open assignments (active or pending)
	Facilities    []facilityState   // every facility
	AreaParent    map[string]string // area code → parent code ("" for a root)
	Officers      []Officer         // every officer
	HouseholdArea map[string]string // person id → their household's area ("" or absent: none)
	CaseStatus    map[string]string // person id → status of their case that counts at AsOf
	Needs         map[string]*Need  // from the state before the run
	NextSeq       int               // the next assignment number
}

// HistoryEntry is one change to an assignment (Quarantine.history).
type HistoryEntry struct {
	QuarantineID string
	Seq          int       // order of the change on its assignment
	Change       string    // created, placed, extended, superseded, completed, escalated
	At           time.Time // the run's asOf
	RunID        string
	Reason       string
	From, To     *time.Time // for extended (end from → to), superseded and escalated (end moved)
	FacilityID   string     // for placed
}

// History change names.
const (
	ChangeCreated    = "created"
	ChangePlaced     = "placed"
	ChangeExtended   = "extended"
	ChangeSuperseded = "superseded"
	ChangeCompleted  = "completed"
	ChangeEscalated  = "escalated"
)

// plan is the outcome of the six steps: the run's lists and what to write.
type plan struct {
	run      QuarantineRun
	all      []*assignment // every assignment the run touched or created
	history  []HistoryEntry
	staffing []staffRow
	nextSeq  int
}

type staffRow struct{ QuarantineID, PersonID, OfficerID string }

// planner runs the steps over a snapshot.
type planner struct {
	s      *snapshot
	p      Policy
	out    *plan
	open   map[string]*assignment // person → their open assignment, kept current
	loc    *time.Location
	asOf   time.Time
	closed map[*assignment]bool
}

// planRun applies SPEC §6 steps 1–5 (refer is computed apart: it changes nothing).
func planRun(s *snapshot, p Policy) *plan {
	pl := &planner{s: s, p: p, asOf: s.AsOf, out: &plan{nextSeq: s.NextSeq}, open: map[string]*assignment{}, closed: map[*assignment]bool{}}
	pl.out.run.AsOf = s.AsOf
	open := append([]*assignment(nil), s.Open...)
	sort.Slice(open, func(i, j int) bool { return open[i].Seq < open[j].Seq })
	for _, a := range open {
		a.wasOpen = true
		// A person has at most one open assignment; should the graph hold two, the
		// later one is the one the engine keeps working on.
		pl.open[a.Q.PersonID] = a
	}
	followOns := pl.close(open)
	pl.apply(followOns)
	pl.place()
	pl.staff()
	pl.collect()
	return pl.out
}

func (pl *planner) record(a *assignment, change, reason string, from, to *time.Time) {
	h := HistoryEntry{QuarantineID: a.Q.ID, Change: change, At: pl.asOf, Reason: reason, From: from, To: to}
	if change == ChangePlaced {
		h.FacilityID = a.Q.FacilityID
	}
	pl.out.history = append(pl.out.history, h)
	if !a.isNew {
		a.changed = true
	}
}

func tp(t time.Time) *time.Time { return &t }

// close is step 1: an open assignment whose end ≤ asOf is completed; otherwise, when
// its person has become an active or deceased case, it is escalated (end = asOf).
// Completed assignments whose measure has a follow-on ("then N days at home") give a
// need for it, counted from their end.
func (pl *planner) close(open []*assignment) needSet {
	follow := needSet{}
	for _, a := range open {
		q := a.Q
		switch {
		case !q.End.After(pl.asOf):
			q.Status = QStatusCompleted
			pl.record(a, ChangeCompleted, "end reached", nil, nil)
			pl.out.run.Completed = append(pl.out.run.Completed, q)
			if a.Then != nil {
				follow.add(q.PersonID, a.Then, q.End, fmt.Sprintf("follow-on of %s", q.ID))
			}
		case noAssignment(pl.s.CaseStatus[q.PersonID]):
			from := q.End
			q.Status = QStatusEscalated
			q.End = pl.asOf
			pl.record(a, ChangeEscalated, "became a "+pl.s.CaseStatus[q.PersonID]+" case", &from, tp(pl.asOf))
			pl.out.run.Escalated = append(pl.out.run.Escalated, q)
		default:
			continue
		}
		pl.closed[a] = true
		if pl.open[q.PersonID] == a {
			delete(pl.open, q.PersonID)
		}
		pl.out.all = append(pl.out.all, a)
	}
	return follow
}

// apply is step 3, in person-id order: a new assignment when there is none open; a
// stronger need supersedes the open one; the same kind with a later end extends it
// (never shortens it); a weaker need leaves it as it is.
func (pl *planner) apply(followOns needSet) {
	needs := map[string]*Need{}
	for pid, n := range pl.s.Needs {
		needs[pid] = n
	}
	// A follow-on is one more reason for its person, merged with their other needs.
	for pid, f := range followOns.reduce(pl.asOf) {
		needs[pid] = mergeNeed(needs[pid], f)
	}
	ids := make([]string, 0, len(needs))
	for pid := range needs {
		ids = append(ids, pid)
	}
	sort.Strings(ids)
	for _, pid := range ids {
		n := needs[pid]
		if !n.End.After(pl.asOf) || noAssignment(pl.s.CaseStatus[pid]) {
			continue
		}
		cur := pl.open[pid]
		switch {
		case cur == nil:
			pl.create(n)
		case kindStrength(n.Kind) > kindStrength(cur.Q.Kind):
			nw := pl.create(n)
			from := cur.Q.End
			cur.Q.Status = QStatusSuperseded
			cur.Q.End = pl.asOf
			pl.record(cur, ChangeSuperseded, fmt.Sprintf("superseded by %s (%s)", nw.Q.ID, nw.Q.Kind), &from, tp(pl.asOf))
			pl.out.run.Superseded = append(pl.out.run.Superseded, cur.Q)
			pl.closed[cur] = true
			pl.out.all = append(pl.out.all, cur)
		case n.Kind == cur.Q.Kind && n.End.After(cur.Q.End):
			from := cur.Q.End
			cur.Q.End = n.End
			cur.Q.Reason = joinReasons(n.Reasons)
			cur.Then = n.Then
			pl.record(cur, ChangeExtended, joinReasons(n.Reasons), &from, tp(n.End))
			pl.out.run.Extended = append(pl.out.run.Extended, cur.Q)
			pl.out.all = append(pl.out.all, cur)
		}
	}
}

// mergeNeed combines two needs of one person as step 2 does: the stronger kind; for
// the same kind the later end (and its measure) and every reason.
func mergeNeed(a, b *Need) *Need {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case kindStrength(b.Kind) > kindStrength(a.Kind):
		return b
	case kindStrength(b.Kind) < kindStrength(a.Kind):
		return a
	}
	m := *a
	if b.End.After(a.End) {
		m = *b
	}
	m.Reasons = mergeReasons(a.Reasons, b.Reasons)
	return &m
}

func mergeReasons(a, b []string) []string {
	set := map[string]bool{}
	for _, r := range append(append([]string(nil), a...), b...) {
		if r != "" {
			set[r] = true
		}
	}
	out := make([]string, 0, len(set))
	for r := range set {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// create starts a new assignment at asOf. Centralized ones wait for step 4; the others
// are active at once.
func (pl *planner) create(n *Need) *assignment {
	seq := pl.out.nextSeq
	pl.out.nextSeq++
	status := QStatusActive
	if n.Kind == KindCentralized {
		status = QStatusPending
	}
	a := &assignment{
		Q: &Quarantine{
			ID: QuarantineID(seq), PersonID: n.PersonID, Kind: n.Kind, Status: status,
			Start: pl.asOf, End: n.End, Reason: joinReasons(n.Reasons),
		},
		Seq: seq, TestDays: n.TestDays, Then: n.Then, isNew: true,
	}
	pl.open[n.PersonID] = a
	pl.record(a, ChangeCreated, a.Q.Reason, nil, nil)
	pl.out.run.Created = append(pl.out.run.Created, a.Q)
	pl.out.all = append(pl.out.all, a)
	return a
}

// QuarantineID is the id of the seq-th assignment.
func QuarantineID(seq int) string { return fmt.Sprintf("Q%04d", seq) }

// ancestors lists an area and its ancestors, self first.
func (pl *planner) ancestors(code string) []string {
	var out []string
	seen := map[string]bool{}
	for code != "" && !seen[code] { // a cycle in bad data must not hang the run
		seen[code] = true
		out = append(out, code)
		code = pl.s.AreaParent[code]
	}
	return out
}

// place is step 4: waiting centralized assignments get a place first-come,
// first-served (old pending ones by start then person id, then the new ones by person
// id), in the facility whose area shares the deepest common ancestor with the person's
// household area, then the most free places, then the smallest id; never above
// capacity.
func (pl *planner) place() {
	occupied := map[string]int{}
	var oldWaiting, newWaiting []*assignment
	for _, a := range pl.open {
		q := a.Q
		if q.Kind != KindCentralized {
			continue
		}
		switch {
		case q.Status == QStatusActive && q.FacilityID != "":
			occupied[q.FacilityID]++
		case q.Status == QStatusPending && a.isNew:
			newWaiting = append(newWaiting, a)
		case q.Status == QStatusPending:
			oldWaiting = append(oldWaiting, a)
		}
	}
	sort.Slice(oldWaiting, func(i, j int) bool {
		a, b := oldWaiting[i].Q, oldWaiting[j].Q
		if !a.Start.Equal(b.Start) {
			return a.Start.Before(b.Start)
		}
		return a.PersonID < b.PersonID
	})
	sort.Slice(newWaiting, func(i, j int) bool { return newWaiting[i].Q.PersonID < newWaiting[j].Q.PersonID })

	// depth of each facility's ancestors: code → depth (root = 1)
	type fac struct {
		facilityState
		depthOf map[string]int
	}
	facs := make([]fac, 0, len(pl.s.Facilities))
	for _, f := range pl.s.Facilities {
		anc := pl.ancestors(f.AreaCode)
		d := map[string]int{}
		for i, c := range anc {
			d[c] = len(anc) - i
		}
		facs = append(facs, fac{f, d})
	}
	for _, a := range append(oldWaiting, newWaiting...) {
		var personAnc []string
		if area := pl.s.HouseholdArea[a.Q.PersonID]; area != "" {
			personAnc = pl.ancestors(area)
		}
		best, bestDepth, bestFree := -1, -1, 0
		for i, f := range facs {
			free := f.Capacity - occupied[f.ID]
			if free <= 0 {
				continue
			}
			depth := 0
			for _, c := range personAnc {
				if d, ok := f.depthOf[c]; ok {
					depth = d
					break
				}
			}
			if best < 0 || depth > bestDepth || (depth == bestDepth && (free > bestFree || (free == bestFree && f.ID < facs[best].ID))) {
				best, bestDepth, bestFree = i, depth, free
			}
		}
		if best < 0 {
			continue // no free place anywhere: it stays pending
		}
		q := a.Q
		q.Status = QStatusActive
		q.PlacedAt = tp(pl.asOf)
		q.FacilityID = facs[best].ID
		occupied[q.FacilityID]++
		pl.record(a, ChangePlaced, "place at "+q.FacilityID, nil, nil)
		if !a.isNew {
			pl.out.run.Placed = append(pl.out.run.Placed, q)
			pl.out.all = append(pl.out.all, a)
		}
	}
}

// staff is step 5: each new home or health_monitoring assignment gets one cadre and
// one medical officer, each from the nearest ancestor-or-self area of the person's
// household that has an officer of that role: the one with the fewest open assignments
// naming them, then the smallest id. People in person-id order, counts updated after
// each choice. A role that cannot be filled is reported.
func (pl *planner) staff() {
	load := map[string]int{}
	for _, a := range pl.open {
		for _, o := range a.Q.OfficerIDs {
			load[o]++
		}
	}
	byAreaRole := map[[2]string][]string{}
	for _, o := range pl.s.Officers {
		k := [2]string{o.AreaCode, o.Role}
		byAreaRole[k] = append(byAreaRole[k], o.ID)
	}
	var todo []*assignment
	for _, a := range pl.open {
		if a.isNew && (a.Q.Kind == KindHome || a.Q.Kind == KindHealthMonitoring) {
			todo = append(todo, a)
		}
	}
	sort.Slice(todo, func(i, j int) bool { return todo[i].Q.PersonID < todo[j].Q.PersonID })
	for _, a := range todo {
		var anc []string
		if area := pl.s.HouseholdArea[a.Q.PersonID]; area != "" {
			anc = pl.ancestors(area)
		}
		for _, role := range []string{RoleCadre, RoleMedical} {
			chosen := ""
			for _, area := range anc {
				for _, id := range byAreaRole[[2]string{area, role}] {
					if chosen == "" || load[id] < load[chosen] || (load[id] == load[chosen] && id < chosen) {
						chosen = id
					}
				}
				if chosen != "" {
					break
				}
			}
			if chosen == "" {
				pl.out.run.MissingOfficers = append(pl.out.run.MissingOfficers, MissingOfficer{QuarantineID: a.Q.ID, PersonID: a.Q.PersonID, Role: role})
				continue
			}
			load[chosen]++
			a.Q.OfficerIDs = append(a.Q.OfficerIDs, chosen)
			pl.out.staffing = append(pl.out.staffing, staffRow{QuarantineID: a.Q.ID, PersonID: a.Q.PersonID, OfficerID: chosen})
		}
	}
}

// collect orders the lists and gathers the pending ones.
func (pl *planner) collect() {
	r := &pl.out.run
	for _, a := range pl.open {
		if a.Q.Status == QStatusPending {
			r.Pending = append(r.Pending, a.Q)
		}
	}
	for _, l := range []*[]*Quarantine{&r.Created, &r.Extended, &r.Superseded, &r.Completed, &r.Escalated, &r.Placed, &r.Pending} {
		sortQuarantines(*l)
	}
	// dedupe pl.out.all (an assignment may be extended and placed in one run)
	seen := map[*assignment]bool{}
	all := pl.out.all[:0]
	for _, a := range pl.out.all {
		if !seen[a] {
			seen[a] = true
			all = append(all, a)
		}
	}
	pl.out.all = all
}

// sortQuarantines orders by assignment number (ids are Q + a number, zero-padded to
// at least four digits, so length then text is numeric order).
func sortQuarantines(l []*Quarantine) {
	sort.Slice(l, func(i, j int) bool {
		if len(l[i].ID) != len(l[j].ID) {
			return len(l[i].ID) < len(l[j].ID)
		}
		return l[i].ID < l[j].ID
	})
}
