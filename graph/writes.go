package graph

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// Batched writers for the loader (SPEC §3). Each call writes its rows in one write
// transaction through a few `UNWIND $rows … MERGE` statements keyed by the §3 keys, so
// writing the same rows again changes nothing and a later row for a key replaces its
// values. Optional values are passed as null, and `SET n.p = null` removes a property:
// absent stays absent (docs/graph-model.md). A reference that changes (a person moving
// household, a trip's areas) replaces the old relationship and its copied property in
// the same transaction. The writers do not check references: the loader does that
// first, and a reference to a node that is missing is skipped, not invented.
// Times must be in the service's IANA zone (the loader converts them): the driver sends
// a time.Time's zone name as its zone id, and Neo4j refuses abbreviations like "CST".

// KeyKind names the kinds of node that bundle rows refer to by key.
type KeyKind uint8

const (
	KeyNone KeyKind = iota
	KeyArea
	KeyHousehold
	KeyPerson
	KeyEvent
	KeyCheckpoint
	KeyOfficer
	KeyEmployer
)

func (k KeyKind) String() string {
	switch k {
	case KeyArea:
		return "area"
	case KeyHousehold:
		return "household"
	case KeyPerson:
		return "person"
	case KeyEvent:
		return "event"
	case KeyCheckpoint:
		return "checkpoint"
	case KeyOfficer:
		return "officer"
	case KeyEmployer:
		return "employer"
	}
	return "none"
}

var existingKeysCypher = map[KeyKind]string{
	KeyArea:       "UNWIND $keys AS k MATCH (n:Area {code: k}) RETURN k",
	KeyHousehold:  "UNWIND $keys AS k MATCH (n:Household {id: k}) RETURN k",
	KeyPerson:     "UNWIND $keys AS k MATCH (n:Person {id: k}) RETURN k",
	KeyEvent:      "UNWIND $keys AS k MATCH (n:Event {id: k}) RETURN k",
	KeyCheckpoint: "UNWIND $keys AS k MATCH (n:Checkpoint {id: k}) RETURN k",
	KeyOfficer:    "UNWIND $keys AS k MATCH (n:Officer {id: k}) RETURN k",
	KeyEmployer:   "UNWIND $keys AS k MATCH (n:Employer {id: k}) RETURN k",
}

// ExistingKeys returns which of keys exist in the database as nodes of kind, in one
// round trip per call (callers pass batches).
func (db *DB) ExistingKeys(ctx context.Context, kind KeyKind, keys []string) (map[string]bool, error) {
	cypher, ok := existingKeysCypher[kind]
	if !ok {
		return nil, Errorf(Internal, "existing keys", "no lookup for key kind %v", kind)
	}
	return Read(ctx, db, "existing "+kind.String()+" keys", func(ctx context.Context, tx Tx) (map[string]bool, error) {
		res, err := tx.Run(ctx, cypher, map[string]any{"keys": keys})
		if err != nil {
			return nil, err
		}
		out := make(map[string]bool)
		for res.Next(ctx) {
			if k, ok := res.Record().Values[0].(string); ok {
				out[k] = true
			}
		}
		return out, res.Err()
	})
}

// AreaAncestry returns the stored parent code of each of the areas and of all their
// ancestors (code → parent code, "" for a root), in one round trip.
func (db *DB) AreaAncestry(ctx context.Context, codes []string) (map[string]string, error) {
	return Read(ctx, db, "area ancestry", func(ctx context.Context, tx Tx) (map[string]string, error) {
		// Levels go six deep; the bound keeps a stored cycle from running away.
		res, err := tx.Run(ctx, `UNWIND $codes AS c MATCH (:Area {code: c})-[:PART_OF*0..32]->(x:Area)
			RETURN DISTINCT x.code AS code, x.parentCode AS parent`, map[string]any{"codes": codes})
		if err != nil {
			return nil, err
		}
		out := map[string]string{}
		for res.Next(ctx) {
			code, _ := res.Record().Values[0].(string)
			parent, _ := res.Record().Values[1].(string)
			out[code] = parent
		}
		return out, res.Err()
	})
}

// writeRows runs the statements, in order, each over the same $rows, in one write
// transaction: a batch is written whole or not at all.
func writeRows(ctx context.Context, db *DB, op string, rows []map[string]any, statements ...string) error {
	if len(rows) == 0 {
		return nil
	}
	kind, fields := feedKeyOf(op)
	if kind == "" {
		// A row writer the feed does not know would leave every index stale without a
		// trace: refuse it, so a new writer fails its first test instead.
		return &Error{Kind: Internal, Op: op, Err: fmt.Errorf("change feed: no kind for row writer %q (feedKeyOf)", op)}
	}
	_, err := Write(ctx, db, op, func(ctx context.Context, tx Tx) (any, error) {
		keys := make([]string, len(rows))
		for i, r := range rows {
			parts := make([]any, len(fields))
			for j, f := range fields {
				parts[j] = r[f]
			}
			keys[i] = FeedKey(parts...)
		}
		Touch(ctx, kind, keys...)
		TouchPeople(ctx, rowPeople(op, rows)...)
		params := map[string]any{"rows": rows}
		for _, s := range statements {
			res, err := tx.Run(ctx, s, params)
			if err != nil {
				return nil, err
			}
			if strings.Contains(s, confirmationsColumn) {
				for res.Next(ctx) {
					if id, ok := res.Record().Values[0].(string); ok {
						Touch(ctx, ChangeConfirmations, id)
					}
				}
				if err := res.Err(); err != nil {
					return nil, err
				}
				continue
			}
			if _, err := res.Consume(ctx); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	return err
}

// rowPeople names the people whose records rows write: a person row's id, a contact's
// two people, every other row's personId.
func rowPeople(op string, rows []map[string]any) []string {
	var fields []string
	switch op {
	case "write people":
		fields = []string{"id"}
	case "write contacts":
		fields = []string{"a", "b"}
	default:
		fields = []string{"personId"}
	}
	var ids []string
	for _, r := range rows {
		for _, f := range fields {
			if id, ok := r[f].(string); ok && id != "" {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// feedKeyOf names, for each row writer, the kind of fact its rows are in the change feed
// and the row fields that make a row's key (feed.go).
func feedKeyOf(op string) (kind string, fields []string) {
	switch op {
	case "write areas":
		return ChangeAreas, []string{"code"}
	case "write risk designations":
		return ChangeDesignations, []string{"areaCode", "since"}
	case "write households":
		return ChangeHouseholds, []string{"id"}
	case "write people":
		return ChangePeople, []string{"id"}
	case "write cases":
		return ChangeCases, []string{"personId"}
	case "write trips":
		return ChangeTrips, []string{"id"}
	case "write events":
		return ChangeEvents, []string{"id"}
	case "write attendance":
		return ChangeAttendances, []string{"personId", "eventId", "from"}
	case "write contacts":
		return ChangeContacts, []string{"a", "b", "at"}
	case "write tests":
		return ChangeTests, []string{"id"}
	case "write checkpoints":
		return ChangeCheckpoints, []string{"id"}
	case "write passages":
		return ChangePassages, []string{"checkpointId", "at", "personId"}
	case "write vehicle passages":
		return ChangePassages, []string{"checkpointId", "at", "plate"}
	case "write facilities":
		return ChangeFacilities, []string{"id"}
	case "write officers":
		return ChangeOfficers, []string{"id"}
	case "write responsibilities":
		return ChangeResponsible, []string{"officerId", "personId"}
	case "write health reports":
		return ChangeHealthReports, []string{"personId", "date"}
	case "write visits":
		return ChangeVisits, []string{"householdId", "at", "personKey"}
	case "write employers":
		return ChangeEmployers, []string{"id"}
	case "write employment":
		return ChangeEmployment, []string{"personId", "employerId"}
	}
	return "", nil
}

// relink builds the two statements that make node (label {key: row.key}) have exactly
// the one relationship `rel` to (target {targetKey: row.field}), or none when
// row.field is null. out says the direction: (node)-[rel]->(target), else
// (target)-[rel]->(node). Only constant identifiers are spliced in, never values.
func relink(label, key, rel, target, targetKey, field string, out bool) []string {
	pattern := "(n)-[old:" + rel + "]->(t:" + target + ")"
	merge := "MERGE (n)-[:" + rel + "]->(t)"
	if !out {
		pattern = "(t:" + target + ")-[old:" + rel + "]->(n)"
		merge = "MERGE (t)-[:" + rel + "]->(n)"
	}
	return []string{
		"UNWIND $rows AS row MATCH (n:" + label + " {" + key + ": row." + key + "}) " +
			"OPTIONAL MATCH " + pattern + " WHERE row." + field + " IS NULL OR t." + targetKey + " <> row." + field + " DELETE old",
		"UNWIND $rows AS row WITH row WHERE row." + field + " IS NOT NULL " +
			"MATCH (n:" + label + " {" + key + ": row." + key + "}) MATCH (t:" + target + " {" + targetKey + ": row." + field + "}) " + merge,
	}
}

// link is the same as relink, as CALL subqueries to append to a statement that has
// bound the node as n and its row as row: one round trip and one index seek per row
// instead of three.
func link(rel, target, targetKey, field string, out bool) string {
	pattern := "(n)-[old:" + rel + "]->(t:" + target + ")"
	merge := "MERGE (n)-[:" + rel + "]->(t)"
	if !out {
		pattern = "(t:" + target + ")-[old:" + rel + "]->(n)"
		merge = "MERGE (t)-[:" + rel + "]->(n)"
	}
	return "\nCALL (n, row) { OPTIONAL MATCH " + pattern + " WHERE row." + field + " IS NULL OR t." + targetKey + " <> row." + field + " DELETE old }" +
		"\nCALL (n, row) { WITH * WHERE row." + field + " IS NOT NULL MATCH (t:" + target + " {" + targetKey + ": row." + field + "}) " + merge + " }"
}

func cat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// nz is an optional string: "" is null, so the property stays absent.
func nz(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func optTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

func neoDate(d Date) dbtype.Date {
	return dbtype.Date(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC))
}

func optDate(d *Date) any {
	if d == nil {
		return nil
	}
	return neoDate(*d)
}

func optFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// TripNumberKey is how conveyances compare trip numbers: without white space,
// upper-cased; "" when there is no number.
func TripNumberKey(number string) string {
	return strings.ToUpper(strings.Join(strings.Fields(number), ""))
}

func (db *DB) WriteAreas(ctx context.Context, areas []Area) error {
	rows := make([]map[string]any, len(areas))
	for i, a := range areas {
		rows[i] = map[string]any{"code": a.Code, "name": a.Name, "level": a.Level, "parentCode": nz(a.ParentCode)}
	}
	// Nodes first, then parents: a parent may come later in the same batch.
	return writeRows(ctx, db, "write areas", rows, cat(
		[]string{"UNWIND $rows AS row MERGE (n:Area {code: row.code}) SET n.name = row.name, n.level = row.level, n.parentCode = row.parentCode"},
		relink("Area", "code", "PART_OF", "Area", "code", "parentCode", true),
	)...)
}

func (db *DB) WriteRiskDesignations(ctx context.Context, ds []RiskDesignation) error {
	rows := make([]map[string]any, len(ds))
	for i, d := range ds {
		rows[i] = map[string]any{"areaCode": d.AreaCode, "level": d.Level, "since": d.Since}
	}
	return writeRows(ctx, db, "write risk designations", rows,
		`UNWIND $rows AS row
		MERGE (n:RiskDesignation {areaCode: row.areaCode, since: row.since}) SET n.level = row.level
		WITH n, row MATCH (a:Area {code: row.areaCode}) MERGE (a)-[:DESIGNATED]->(n)`)
}

func (db *DB) WriteHouseholds(ctx context.Context, hs []Household) error {
	rows := make([]map[string]any, len(hs))
	for i, h := range hs {
		rows[i] = map[string]any{"id": h.ID, "address": nz(h.Address), "areaCode": nz(h.AreaCode)}
	}
	return writeRows(ctx, db, "write households", rows,
		"UNWIND $rows AS row MERGE (n:Household {id: row.id}) SET n.address = row.address, n.areaCode = row.areaCode WITH n, row"+
			link("IN", "Area", "code", "areaCode", true))
}

func (db *DB) WritePeople(ctx context.Context, people []Person) error {
	rows := make([]map[string]any, len(people))
	for i, p := range people {
		rows[i] = map[string]any{"id": p.ID, "name": p.Name, "idNumber": nz(p.IDNumber), "phone": nz(p.Phone),
			"sex": nz(p.Sex), "birthDate": optDate(p.BirthDate), "householdId": nz(p.HouseholdID)}
	}
	return writeRows(ctx, db, "write people", rows,
		`UNWIND $rows AS row MERGE (n:Person {id: row.id})
		SET n.name = row.name, n.idNumber = row.idNumber, n.phone = row.phone, n.sex = row.sex,
		    n.birthDate = row.birthDate, n.householdId = row.householdId
		WITH n, row`+link("MEMBER_OF", "Household", "id", "householdId", true))
}

func (db *DB) WriteCases(ctx context.Context, cases []Case) error {
	rows := make([]map[string]any, len(cases))
	for i, c := range cases {
		rows[i] = map[string]any{"personId": c.PersonID, "status": c.Status, "onsetDate": optDate(c.OnsetDate),
			"confirmedAt": optTime(c.ConfirmedAt), "isolatedAt": optTime(c.IsolatedAt)}
	}
	// The first statement names the cases this batch confirms (caseConfirmed events,
	// feed_events.go) before the second overwrites their status.
	return writeRows(ctx, db, "write cases", rows,
		`UNWIND $rows AS row OPTIONAL MATCH (old:Case {personId: row.personId})
		WITH row, old WHERE row.status IN ['confirmed', 'asymptomatic'] AND (old IS NULL OR NOT old.status IN ['confirmed', 'asymptomatic'])
		RETURN row.personId AS `+confirmationsColumn,
		`UNWIND $rows AS row MERGE (n:Case {personId: row.personId})
		SET n.status = row.status, n.onsetDate = row.onsetDate, n.confirmedAt = row.confirmedAt, n.isolatedAt = row.isolatedAt
		WITH n, row MATCH (p:Person {id: row.personId}) MERGE (p)-[:HAS_CASE]->(n)`)
}

// confirmationsColumn is the column a row statement returns to record the people it
// confirms in the change feed (writeRows).
const confirmationsColumn = "confirmedPersonId"

func (db *DB) WriteTrips(ctx context.Context, trips []Trip) error {
	rows := make([]map[string]any, len(trips))
	for i, t := range trips {
		rows[i] = map[string]any{"id": t.ID, "personId": t.PersonID, "mode": t.Mode, "number": nz(t.Number),
			"numberKey": nz(TripNumberKey(t.Number)), "seat": nz(t.Seat), "fromArea": nz(t.FromArea), "toArea": nz(t.ToArea),
			"departAt": t.DepartAt, "arriveAt": t.ArriveAt}
	}
	return writeRows(ctx, db, "write trips", rows,
		`UNWIND $rows AS row MERGE (n:Trip {id: row.id})
		SET n.personId = row.personId, n.mode = row.mode, n.number = row.number, n.numberKey = row.numberKey,
		    n.seat = row.seat, n.fromArea = row.fromArea, n.toArea = row.toArea,
		    n.departAt = row.departAt, n.arriveAt = row.arriveAt
		WITH n, row`+
			link("TOOK", "Person", "id", "personId", false)+
			link("FROM", "Area", "code", "fromArea", true)+
			link("TO", "Area", "code", "toArea", true))
}

func (db *DB) WriteEvents(ctx context.Context, events []Event) error {
	rows := make([]map[string]any, len(events))
	for i, e := range events {
		rows[i] = map[string]any{"id": e.ID, "kind": e.Kind, "place": nz(e.Place), "areaCode": nz(e.AreaCode),
			"start": e.Start, "end": e.End, "indoor": e.Indoor}
	}
	return writeRows(ctx, db, "write events", rows,
		`UNWIND $rows AS row MERGE (n:Event {id: row.id})
		SET n.kind = row.kind, n.place = row.place, n.areaCode = row.areaCode,
		    n.start = row.start, n.end = row.end, n.indoor = row.indoor
		WITH n, row`+link("AT", "Area", "code", "areaCode", true))
}

func (db *DB) WriteAttendance(ctx context.Context, as []Attendance) error {
	rows := make([]map[string]any, len(as))
	for i, a := range as {
		rows[i] = map[string]any{"personId": a.PersonID, "eventId": a.EventID, "from": a.From, "to": a.To, "proximity": a.Proximity}
	}
	return writeRows(ctx, db, "write attendance", rows,
		`UNWIND $rows AS row MATCH (p:Person {id: row.personId}) MATCH (e:Event {id: row.eventId})
		MERGE (p)-[r:ATTENDED {from: row.from}]->(e) SET r.to = row.to, r.proximity = row.proximity`)
}

// WriteContacts stores each contact once, directed from the smaller person id to the
// larger (docs/graph-model.md), whichever order the row names them in.
func (db *DB) WriteContacts(ctx context.Context, cs []Contact) error {
	rows := make([]map[string]any, len(cs))
	for i, c := range cs {
		a, b := c.PersonA, c.PersonB
		if b < a {
			a, b = b, a
		}
		rows[i] = map[string]any{"a": a, "b": b, "at": c.At, "durationMin": optFloat(c.DurationMin),
			"setting": nz(c.Setting), "protected": c.Protected}
	}
	return writeRows(ctx, db, "write contacts", rows,
		`UNWIND $rows AS row MATCH (a:Person {id: row.a}) MATCH (b:Person {id: row.b})
		MERGE (a)-[r:CONTACTED {at: row.at}]->(b)
		SET r.durationMin = row.durationMin, r.setting = row.setting, r.protected = row.protected`)
}

func (db *DB) WriteTests(ctx context.Context, ts []Test) error {
	rows := make([]map[string]any, len(ts))
	for i, t := range ts {
		rows[i] = map[string]any{"id": t.ID, "personId": t.PersonID, "kind": t.Kind, "sampledAt": t.SampledAt, "result": t.Result}
	}
	return writeRows(ctx, db, "write tests", rows,
		`UNWIND $rows AS row MERGE (n:Test {id: row.id})
		SET n.personId = row.personId, n.kind = row.kind, n.sampledAt = row.sampledAt, n.result = row.result
		WITH n, row`+link("TESTED", "Person", "id", "personId", false))
}

func (db *DB) WriteCheckpoints(ctx context.Context, cs []Checkpoint) error {
	rows := make([]map[string]any, len(cs))
	for i, c := range cs {
		rows[i] = map[string]any{"id": c.ID, "name": c.Name, "areaCode": c.AreaCode}
	}
	return writeRows(ctx, db, "write checkpoints", rows,
		"UNWIND $rows AS row MERGE (n:Checkpoint {id: row.id}) SET n.name = row.name, n.areaCode = row.areaCode WITH n, row"+
			link("IN", "Area", "code", "areaCode", true))
}

// WritePassages stores a passage from its Person when the row names one, else from a
// Vehicle keyed by its plate.
func (db *DB) WritePassages(ctx context.Context, ps []Passage) error {
	var people, vehicles []map[string]any
	for _, p := range ps {
		row := map[string]any{"checkpointId": p.CheckpointID, "at": p.At, "personId": nz(p.PersonID), "plate": nz(p.Plate),
			"temperature": optFloat(p.Temperature), "turnedBack": p.TurnedBack}
		if p.PersonID != "" {
			people = append(people, row)
		} else {
			vehicles = append(vehicles, row)
		}
	}
	if err := writeRows(ctx, db, "write passages", people,
		`UNWIND $rows AS row MATCH (p:Person {id: row.personId}) MATCH (c:Checkpoint {id: row.checkpointId})
		MERGE (p)-[r:PASSED {at: row.at}]->(c)
		SET r.temperature = row.temperature, r.plate = row.plate, r.turnedBack = row.turnedBack`); err != nil {
		return err
	}
	return writeRows(ctx, db, "write vehicle passages", vehicles,
		`UNWIND $rows AS row MATCH (c:Checkpoint {id: row.checkpointId})
		MERGE (v:Vehicle {plate: row.plate})
		MERGE (v)-[r:PASSED {at: row.at}]->(c)
		SET r.temperature = row.temperature, r.plate = row.plate, r.turnedBack = row.turnedBack`)
}

func (db *DB) WriteFacilities(ctx context.Context, fs []Facility) error {
	rows := make([]map[string]any, len(fs))
	for i, f := range fs {
		rows[i] = map[string]any{"id": f.ID, "name": f.Name, "areaCode": f.AreaCode, "capacity": int64(f.Capacity)}
	}
	return writeRows(ctx, db, "write facilities", rows,
		"UNWIND $rows AS row MERGE (n:Facility {id: row.id}) SET n.name = row.name, n.areaCode = row.areaCode, n.capacity = row.capacity WITH n, row"+
			link("IN", "Area", "code", "areaCode", true))
}

func (db *DB) WriteOfficers(ctx context.Context, os []Officer) error {
	rows := make([]map[string]any, len(os))
	for i, o := range os {
		rows[i] = map[string]any{"id": o.ID, "name": o.Name, "role": o.Role, "areaCode": o.AreaCode, "phone": nz(o.Phone)}
	}
	return writeRows(ctx, db, "write officers", rows,
		"UNWIND $rows AS row MERGE (n:Officer {id: row.id}) SET n.name = row.name, n.role = row.role, n.areaCode = row.areaCode, n.phone = row.phone WITH n, row"+
			link("SERVES", "Area", "code", "areaCode", true))
}

func (db *DB) WriteResponsibilities(ctx context.Context, rs []Responsibility) error {
	rows := make([]map[string]any, len(rs))
	for i, r := range rs {
		rows[i] = map[string]any{"officerId": r.OfficerID, "personId": r.PersonID}
	}
	return writeRows(ctx, db, "write responsibilities", rows,
		`UNWIND $rows AS row MATCH (o:Officer {id: row.officerId}) MATCH (p:Person {id: row.personId})
		MERGE (o)-[:RESPONSIBLE_FOR]->(p)`)
}

func (db *DB) WriteHealthReports(ctx context.Context, hs []HealthReport) error {
	rows := make([]map[string]any, len(hs))
	for i, h := range hs {
		rows[i] = map[string]any{"personId": h.PersonID, "date": neoDate(h.Date), "temperature": optFloat(h.Temperature), "symptoms": nz(h.Symptoms)}
	}
	return writeRows(ctx, db, "write health reports", rows,
		`UNWIND $rows AS row MERGE (n:HealthReport {personId: row.personId, date: row.date})
		SET n.temperature = row.temperature, n.symptoms = row.symptoms
		WITH n, row MATCH (p:Person {id: row.personId}) MERGE (p)-[:REPORTED]->(n)`)
}
