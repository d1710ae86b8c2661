package graph

import (
	"context"
	"time"
)

// Batched reads of the records around people, for the API's dataloaders: each takes
// many keys and answers in one round trip, keyed by the key asked for.

// Households returns the households with the given ids.
func (s *Service) Households(ctx context.Context, ids []string) (map[string]*Household, error) {
	return Read(ctx, s.DB, "households", func(ctx context.Context, tx Tx) (map[string]*Household, error) {
		out := map[string]*Household{}
		err := collect(ctx, tx, `UNWIND $ids AS id MATCH (h:Household {id: id})
			RETURN h.id AS id, h.address AS address, h.areaCode AS area`,
			map[string]any{"ids": ids}, func(r *Record) {
				h := &Household{ID: str(get(r, "id")), Address: str(get(r, "address")), AreaCode: str(get(r, "area"))}
				out[h.ID] = h
			})
		return out, err
	})
}

// HouseholdsAround returns the households with the given ids together with what a
// reader of a household nearly always asks next, its members (by id) and its area,
// in one statement: one round trip where three loaders would take three.
func (s *Service) HouseholdsAround(ctx context.Context, ids []string) (map[string]*Household, map[string][]*Person, map[string]*Area, error) {
	type answer struct {
		hs      map[string]*Household
		members map[string][]*Person
		areas   map[string]*Area
	}
	a, err := Read(ctx, s.DB, "households", func(ctx context.Context, tx Tx) (answer, error) {
		a := answer{map[string]*Household{}, map[string][]*Person{}, map[string]*Area{}}
		err := collect(ctx, tx, `UNWIND $ids AS id MATCH (h:Household {id: id})
			OPTIONAL MATCH (h)-[:IN]->(a:Area)
			CALL (h) {
			  OPTIONAL MATCH (p:Person)-[:MEMBER_OF]->(h)
			  WITH p ORDER BY p.id
			  RETURN collect(p {.id, .name, .idNumber, .phone, .sex, .birthDate, .householdId}) AS members
			}
			RETURN h.id AS id, h.address AS address, h.areaCode AS area, members,
			  a {.code, .name, .level, .parentCode} AS a`,
			map[string]any{"ids": ids}, func(r *Record) {
				h := &Household{ID: str(get(r, "id")), Address: str(get(r, "address")), AreaCode: str(get(r, "area"))}
				a.hs[h.ID] = h
				ms := []*Person{}
				for _, m := range get(r, "members").([]any) {
					ms = append(ms, personFromMap(m.(map[string]any)))
				}
				a.members[h.ID] = ms
				if m, ok := get(r, "a").(map[string]any); ok {
					ar := &Area{Code: str(m["code"]), Name: str(m["name"]), Level: str(m["level"]), ParentCode: str(m["parentCode"])}
					a.areas[ar.Code] = ar
				}
			})
		return a, err
	})
	return a.hs, a.members, a.areas, err
}

// HouseholdMembers returns, for each household id, its members by id.
func (s *Service) HouseholdMembers(ctx context.Context, ids []string) (map[string][]*Person, error) {
	return Read(ctx, s.DB, "household members", func(ctx context.Context, tx Tx) (map[string][]*Person, error) {
		out := map[string][]*Person{}
		err := collect(ctx, tx, `UNWIND $ids AS id MATCH (p:Person)-[:MEMBER_OF]->(:Household {id: id})
			RETURN id, p {.id, .name, .idNumber, .phone, .sex, .birthDate, .householdId} AS p ORDER BY id, p.id`,
			map[string]any{"ids": ids}, func(r *Record) {
				id := str(get(r, "id"))
				out[id] = append(out[id], personFromMap(get(r, "p").(map[string]any)))
			})
		return out, err
	})
}

// CasesOf returns the cases of the given people.
func (s *Service) CasesOf(ctx context.Context, personIDs []string) (map[string]*Case, error) {
	return Read(ctx, s.DB, "cases of people", func(ctx context.Context, tx Tx) (map[string]*Case, error) {
		out := map[string]*Case{}
		err := collect(ctx, tx, `UNWIND $ids AS id MATCH (:Person {id: id})-[:HAS_CASE]->(c:Case)
			RETURN c {.personId, .status, .onsetDate, .confirmedAt, .isolatedAt} AS c`,
			map[string]any{"ids": personIDs}, func(r *Record) {
				c := caseFromMap(get(r, "c").(map[string]any))
				out[c.PersonID] = c
			})
		return out, err
	})
}

func caseFromMap(m map[string]any) *Case {
	c := &Case{PersonID: str(m["personId"]), Status: str(m["status"]), ConfirmedAt: timeOf(m["confirmedAt"]), IsolatedAt: timeOf(m["isolatedAt"])}
	c.OnsetDate = dateOf(m["onsetDate"])
	return c
}

func boolOf(v any) bool {
	b, _ := v.(bool)
	return b
}

func mustTime(v any) time.Time {
	if t := timeOf(v); t != nil {
		return *t
	}
	return time.Time{}
}

// TripsOf returns each person's trips by departure.
func (s *Service) TripsOf(ctx context.Context, personIDs []string) (map[string][]*Trip, error) {
	return Read(ctx, s.DB, "trips of people", func(ctx context.Context, tx Tx) (map[string][]*Trip, error) {
		out := map[string][]*Trip{}
		err := collect(ctx, tx, `UNWIND $ids AS id MATCH (:Person {id: id})-[:TOOK]->(t:Trip)
			RETURN id, t {.id, .mode, .number, .seat, .fromArea, .toArea, .departAt, .arriveAt} AS t
			ORDER BY id, t.departAt, t.id`,
			map[string]any{"ids": personIDs}, func(r *Record) {
				id := str(get(r, "id"))
				m := get(r, "t").(map[string]any)
				out[id] = append(out[id], &Trip{ID: str(m["id"]), PersonID: id, Mode: str(m["mode"]), Number: str(m["number"]),
					Seat: str(m["seat"]), FromArea: str(m["fromArea"]), ToArea: str(m["toArea"]),
					DepartAt: mustTime(m["departAt"]), ArriveAt: mustTime(m["arriveAt"])})
			})
		return out, err
	})
}

// AttendancesOf returns each person's attendances by arrival.
func (s *Service) AttendancesOf(ctx context.Context, personIDs []string) (map[string][]*Attendance, error) {
	return Read(ctx, s.DB, "attendances of people", func(ctx context.Context, tx Tx) (map[string][]*Attendance, error) {
		out := map[string][]*Attendance{}
		err := collect(ctx, tx, `UNWIND $ids AS id MATCH (:Person {id: id})-[a:ATTENDED]->(e:Event)
			RETURN id, e.id AS event, a.from AS from, a.to AS to, a.proximity AS proximity
			ORDER BY id, from, event`,
			map[string]any{"ids": personIDs}, func(r *Record) {
				id := str(get(r, "id"))
				out[id] = append(out[id], &Attendance{PersonID: id, EventID: str(get(r, "event")),
					From: mustTime(get(r, "from")), To: mustTime(get(r, "to")), Proximity: str(get(r, "proximity"))})
			})
		return out, err
	})
}

// Events returns the events with the given ids.
func (s *Service) Events(ctx context.Context, ids []string) (map[string]*Event, error) {
	return Read(ctx, s.DB, "events", func(ctx context.Context, tx Tx) (map[string]*Event, error) {
		out := map[string]*Event{}
		err := collect(ctx, tx, `UNWIND $ids AS id MATCH (e:Event {id: id})
			RETURN e {.id, .kind, .place, .areaCode, .start, .end, .indoor} AS e`,
			map[string]any{"ids": ids}, func(r *Record) {
				m := get(r, "e").(map[string]any)
				e := &Event{ID: str(m["id"]), Kind: str(m["kind"]), Place: str(m["place"]), AreaCode: str(m["areaCode"]),
					Start: mustTime(m["start"]), End: mustTime(m["end"]), Indoor: boolOf(m["indoor"])}
				out[e.ID] = e
			})
		return out, err
	})
}

// ContactRecord is one recorded direct contact seen from one of its two people.
type ContactRecord struct {
	PersonID string // whose record it is
	OtherID  string
	Contact
}

// ContactsOf returns each person's recorded direct contacts (either direction) by time.
func (s *Service) ContactsOf(ctx context.Context, personIDs []string) (map[string][]*ContactRecord, error) {
	return Read(ctx, s.DB, "contacts of people", func(ctx context.Context, tx Tx) (map[string][]*ContactRecord, error) {
		out := map[string][]*ContactRecord{}
		err := collect(ctx, tx, `UNWIND $ids AS id MATCH (:Person {id: id})-[c:CONTACTED]-(o:Person)
			RETURN id, o.id AS other, c.at AS at, c.durationMin AS dur, c.setting AS setting, c.protected AS protected
			ORDER BY id, at, other`,
			map[string]any{"ids": personIDs}, func(r *Record) {
				id := str(get(r, "id"))
				out[id] = append(out[id], &ContactRecord{PersonID: id, OtherID: str(get(r, "other")), Contact: Contact{
					PersonA: id, PersonB: str(get(r, "other")), At: mustTime(get(r, "at")), DurationMin: floatOf(get(r, "dur")),
					Setting: str(get(r, "setting")), Protected: boolOf(get(r, "protected"))}})
			})
		return out, err
	})
}

// TestsOf returns each person's tests by sampling time.
func (s *Service) TestsOf(ctx context.Context, personIDs []string) (map[string][]*Test, error) {
	return Read(ctx, s.DB, "tests of people", func(ctx context.Context, tx Tx) (map[string][]*Test, error) {
		out := map[string][]*Test{}
		err := collect(ctx, tx, `UNWIND $ids AS id MATCH (:Person {id: id})-[:TESTED]->(t:Test)
			RETURN id, t {.id, .kind, .sampledAt, .result} AS t ORDER BY id, t.sampledAt, t.id`,
			map[string]any{"ids": personIDs}, func(r *Record) {
				id := str(get(r, "id"))
				m := get(r, "t").(map[string]any)
				out[id] = append(out[id], &Test{ID: str(m["id"]), PersonID: id, Kind: str(m["kind"]),
					SampledAt: mustTime(m["sampledAt"]), Result: str(m["result"])})
			})
		return out, err
	})
}

// PassagesOf returns each person's checkpoint passages by time.
func (s *Service) PassagesOf(ctx context.Context, personIDs []string) (map[string][]*Passage, error) {
	return Read(ctx, s.DB, "passages of people", func(ctx context.Context, tx Tx) (map[string][]*Passage, error) {
		out := map[string][]*Passage{}
		err := collect(ctx, tx, `UNWIND $ids AS id MATCH (:Person {id: id})-[x:PASSED]->(c:Checkpoint)
			RETURN id, c.id AS cp, x.at AS at, x.plate AS plate, x.temperature AS temp, x.turnedBack AS back
			ORDER BY id, at, cp`,
			map[string]any{"ids": personIDs}, func(r *Record) {
				id := str(get(r, "id"))
				out[id] = append(out[id], &Passage{CheckpointID: str(get(r, "cp")), PersonID: id, At: mustTime(get(r, "at")),
					Plate: str(get(r, "plate")), Temperature: floatOf(get(r, "temp")), TurnedBack: boolOf(get(r, "back"))})
			})
		return out, err
	})
}

// Checkpoints returns the checkpoints with the given ids.
func (s *Service) Checkpoints(ctx context.Context, ids []string) (map[string]*Checkpoint, error) {
	return Read(ctx, s.DB, "checkpoints", func(ctx context.Context, tx Tx) (map[string]*Checkpoint, error) {
		out := map[string]*Checkpoint{}
		err := collect(ctx, tx, `UNWIND $ids AS id MATCH (c:Checkpoint {id: id}) RETURN c.id AS id, c.name AS name, c.areaCode AS area`,
			map[string]any{"ids": ids}, func(r *Record) {
				c := &Checkpoint{ID: str(get(r, "id")), Name: str(get(r, "name")), AreaCode: str(get(r, "area"))}
				out[c.ID] = c
			})
		return out, err
	})
}

// HealthReportsOf returns each person's health reports by date.
func (s *Service) HealthReportsOf(ctx context.Context, personIDs []string) (map[string][]*HealthReport, error) {
	return Read(ctx, s.DB, "health reports of people", func(ctx context.Context, tx Tx) (map[string][]*HealthReport, error) {
		out := map[string][]*HealthReport{}
		err := collect(ctx, tx, `UNWIND $ids AS id MATCH (:Person {id: id})-[:REPORTED]->(h:HealthReport)
			RETURN id, h.date AS date, h.temperature AS temp, h.symptoms AS symptoms ORDER BY id, date`,
			map[string]any{"ids": personIDs}, func(r *Record) {
				id := str(get(r, "id"))
				h := &HealthReport{PersonID: id, Temperature: floatOf(get(r, "temp")), Symptoms: str(get(r, "symptoms"))}
				if d := dateOf(get(r, "date")); d != nil {
					h.Date = *d
				}
				out[id] = append(out[id], h)
			})
		return out, err
	})
}

// OfficersResponsibleFor returns, for each person, the officers responsible for them, by id.
func (s *Service) OfficersResponsibleFor(ctx context.Context, personIDs []string) (map[string][]*Officer, error) {
	return Read(ctx, s.DB, "officers of people", func(ctx context.Context, tx Tx) (map[string][]*Officer, error) {
		out := map[string][]*Officer{}
		err := collect(ctx, tx, `UNWIND $ids AS id MATCH (o:Officer)-[:RESPONSIBLE_FOR]->(:Person {id: id})
			RETURN id, o {.id, .name, .role, .areaCode, .phone} AS o ORDER BY id, o.id`,
			map[string]any{"ids": personIDs}, func(r *Record) {
				id := str(get(r, "id"))
				m := get(r, "o").(map[string]any)
				out[id] = append(out[id], &Officer{ID: str(m["id"]), Name: str(m["name"]), Role: str(m["role"]),
					AreaCode: str(m["areaCode"]), Phone: str(m["phone"])})
			})
		return out, err
	})
}

// LinkedPeople returns the given people and those linked to them by a household or a
// recorded contact, sorted: whose tier a write about the given people may change.
func (s *Service) LinkedPeople(ctx context.Context, personIDs []string) ([]string, error) {
	return Read(ctx, s.DB, "linked people", func(ctx context.Context, tx Tx) ([]string, error) {
		var out []string
		err := collect(ctx, tx, `UNWIND $ids AS id MATCH (p:Person {id: id})
			CALL (p) {
				RETURN p.id AS linked
				UNION
				MATCH (p)-[:MEMBER_OF]->(:Household)<-[:MEMBER_OF]-(o:Person) RETURN o.id AS linked
				UNION
				MATCH (p)-[:CONTACTED]-(o:Person) RETURN o.id AS linked
			}
			RETURN DISTINCT linked ORDER BY linked`, map[string]any{"ids": personIDs}, func(r *Record) {
			out = append(out, str(get(r, "linked")))
		})
		return out, err
	})
}

// TravellersFrom returns, sorted, the people with a trip from the area or under it.
func (s *Service) TravellersFrom(ctx context.Context, areaCode string) ([]string, error) {
	return Read(ctx, s.DB, "travellers from", func(ctx context.Context, tx Tx) ([]string, error) {
		var out []string
		err := collect(ctx, tx, `MATCH (p:Person)-[:TOOK]->(:Trip)-[:FROM]->(:Area)-[:PART_OF*0..]->(:Area {code: $area})
			RETURN DISTINCT p.id AS id ORDER BY id`, map[string]any{"area": areaCode}, func(r *Record) {
			out = append(out, str(get(r, "id")))
		})
		return out, err
	})
}

// PeopleUnder returns which of the given people have a household in the area or under it.
func (s *Service) PeopleUnder(ctx context.Context, personIDs []string, areaCode string) ([]string, error) {
	return Read(ctx, s.DB, "people under", func(ctx context.Context, tx Tx) ([]string, error) {
		var out []string
		err := collect(ctx, tx, `UNWIND $ids AS id MATCH (p:Person {id: id})
			WHERE EXISTS { MATCH (p)-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(:Area {code: $area}) }
			RETURN p.id AS id ORDER BY id`, map[string]any{"ids": personIDs, "area": areaCode}, func(r *Record) {
			out = append(out, str(get(r, "id")))
		})
		return out, err
	})
}

// AreaUnder says whether the area is one of areas or lies under one of them.
func (s *Service) AreaUnder(ctx context.Context, code string, areas []string) (bool, error) {
	return Read(ctx, s.DB, "area under", func(ctx context.Context, tx Tx) (bool, error) {
		found := false
		err := collect(ctx, tx, `MATCH (:Area {code: $code})-[:PART_OF*0..]->(a:Area) WHERE a.code IN $areas RETURN a.code LIMIT 1`,
			map[string]any{"code": code, "areas": areas}, func(*Record) { found = true })
		return found, err
	})
}
