package graph

import (
	"context"
	"fmt"
	"time"
)

// A migration is one schema statement, applied once and recorded in the graph as a
// (:Migration {version}) node. Statements are IF NOT EXISTS so that a crash between
// applying and recording only repeats a no-op. Neo4j does not allow schema changes and
// data writes in one transaction, hence two transactions per migration.
type migration struct {
	version int
	name    string
	cypher  string
}

// migrations are append-only: never edit or renumber a released one.
var migrations = []migration{
	{1, "migration version unique", "CREATE CONSTRAINT migration_version IF NOT EXISTS FOR (m:Migration) REQUIRE m.version IS UNIQUE"},
	{2, "area code unique", "CREATE CONSTRAINT area_code IF NOT EXISTS FOR (n:Area) REQUIRE n.code IS UNIQUE"},
	{3, "risk designation (area, since) unique", "CREATE CONSTRAINT risk_designation_key IF NOT EXISTS FOR (n:RiskDesignation) REQUIRE (n.areaCode, n.since) IS UNIQUE"},
	{4, "household id unique", "CREATE CONSTRAINT household_id IF NOT EXISTS FOR (n:Household) REQUIRE n.id IS UNIQUE"},
	{5, "person id unique", "CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE"},
	{6, "case person unique", "CREATE CONSTRAINT case_person IF NOT EXISTS FOR (n:Case) REQUIRE n.personId IS UNIQUE"},
	{7, "trip id unique", "CREATE CONSTRAINT trip_id IF NOT EXISTS FOR (n:Trip) REQUIRE n.id IS UNIQUE"},
	{8, "event id unique", "CREATE CONSTRAINT event_id IF NOT EXISTS FOR (n:Event) REQUIRE n.id IS UNIQUE"},
	{9, "test id unique", "CREATE CONSTRAINT test_id IF NOT EXISTS FOR (n:Test) REQUIRE n.id IS UNIQUE"},
	{10, "checkpoint id unique", "CREATE CONSTRAINT checkpoint_id IF NOT EXISTS FOR (n:Checkpoint) REQUIRE n.id IS UNIQUE"},
	{11, "facility id unique", "CREATE CONSTRAINT facility_id IF NOT EXISTS FOR (n:Facility) REQUIRE n.id IS UNIQUE"},
	{12, "officer id unique", "CREATE CONSTRAINT officer_id IF NOT EXISTS FOR (n:Officer) REQUIRE n.id IS UNIQUE"},
	{13, "quarantine id unique", "CREATE CONSTRAINT quarantine_id IF NOT EXISTS FOR (n:Quarantine) REQUIRE n.id IS UNIQUE"},
	{14, "health report (person, date) unique", "CREATE CONSTRAINT health_report_key IF NOT EXISTS FOR (n:HealthReport) REQUIRE (n.personId, n.date) IS UNIQUE"},
	{15, "person id number index", "CREATE INDEX person_id_number IF NOT EXISTS FOR (n:Person) ON (n.idNumber)"},
	{16, "person phone index", "CREATE INDEX person_phone IF NOT EXISTS FOR (n:Person) ON (n.phone)"},
	{17, "person name index", "CREATE INDEX person_name IF NOT EXISTS FOR (n:Person) ON (n.name)"},
	{18, "case status index", "CREATE INDEX case_status IF NOT EXISTS FOR (n:Case) ON (n.status)"},
	{19, "trip conveyance index", "CREATE INDEX trip_conveyance IF NOT EXISTS FOR (n:Trip) ON (n.mode, n.numberKey)"},
	{20, "quarantine status index", "CREATE INDEX quarantine_status IF NOT EXISTS FOR (n:Quarantine) ON (n.status)"},
	{21, "audit record id unique", "CREATE CONSTRAINT audit_record_id IF NOT EXISTS FOR (n:AuditRecord) REQUIRE n.id IS UNIQUE"},
	{22, "audit record time index", "CREATE INDEX audit_record_at IF NOT EXISTS FOR (n:AuditRecord) ON (n.at)"},
	{23, "quarantine run lock unique", "CREATE CONSTRAINT quarantine_lock_id IF NOT EXISTS FOR (n:QuarantineLock) REQUIRE n.id IS UNIQUE"},
	{24, "quarantine person index", "CREATE INDEX quarantine_person IF NOT EXISTS FOR (n:Quarantine) ON (n.personId)"},
	{25, "quarantine change index", "CREATE INDEX quarantine_change IF NOT EXISTS FOR (n:QuarantineChange) ON (n.quarantineId)"},
	{26, "vehicle plate unique", "CREATE CONSTRAINT vehicle_plate IF NOT EXISTS FOR (n:Vehicle) REQUIRE n.plate IS UNIQUE"},
	{27, "trip arrival index", "CREATE INDEX trip_arrive_at IF NOT EXISTS FOR (n:Trip) ON (n.arriveAt)"},
	{28, "daily report (area, date) unique", "CREATE CONSTRAINT daily_report_key IF NOT EXISTS FOR (n:DailyReport) REQUIRE (n.areaCode, n.date) IS UNIQUE"},
	{29, "visit (household, at, person) unique", "CREATE CONSTRAINT visit_key IF NOT EXISTS FOR (n:Visit) REQUIRE (n.householdId, n.at, n.personKey) IS UNIQUE"},
	{30, "employer id unique", "CREATE CONSTRAINT employer_id IF NOT EXISTS FOR (n:Employer) REQUIRE n.id IS UNIQUE"},
	{31, "visit time index", "CREATE INDEX visit_at IF NOT EXISTS FOR (n:Visit) ON (n.at)"},
	{32, "change feed counter unique", "CREATE CONSTRAINT feed_id IF NOT EXISTS FOR (n:Feed) REQUIRE n.id IS UNIQUE"},
	{33, "change feed seq unique", "CREATE CONSTRAINT change_seq IF NOT EXISTS FOR (n:Change) REQUIRE n.seq IS UNIQUE"},
}

// LatestMigration is the version Ready expects to find recorded.
func LatestMigration() int { return migrations[len(migrations)-1].version }

// Migrate applies every migration not yet recorded, in order. Running it twice, or
// from two processes at once, leaves the same schema.
func (db *DB) Migrate(ctx context.Context) error {
	applied, err := db.appliedMigrations(ctx)
	if err != nil {
		return err
	}
	for _, m := range migrations {
		if applied[m.version] {
			continue
		}
		if _, err := Write(ctx, db, "migrate", func(ctx context.Context, tx Tx) (any, error) {
			_, err := tx.Run(ctx, m.cypher, nil)
			return nil, err
		}); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
		if _, err := Write(ctx, db, "migrate", func(ctx context.Context, tx Tx) (any, error) {
			_, err := tx.Run(ctx, `MERGE (m:Migration {version: $version})
				ON CREATE SET m.name = $name, m.appliedAt = datetime($at)`,
				map[string]any{"version": m.version, "name": m.name, "at": time.Now().UTC().Format(time.RFC3339Nano)})
			return nil, err
		}); err != nil {
			return fmt.Errorf("recording migration %d: %w", m.version, err)
		}
	}
	return nil
}

func (db *DB) appliedMigrations(ctx context.Context) (map[int]bool, error) {
	return Read(ctx, db, "migrations", func(ctx context.Context, tx Tx) (map[int]bool, error) {
		res, err := tx.Run(ctx, "MATCH (m:Migration) RETURN m.version AS v", nil)
		if err != nil {
			return nil, err
		}
		out := map[int]bool{}
		for res.Next(ctx) {
			v, _ := res.Record().Get("v")
			if n, ok := v.(int64); ok {
				out[int(n)] = true
			}
		}
		return out, res.Err()
	})
}

// Ready says whether Neo4j answers and carries every migration.
func (db *DB) Ready(ctx context.Context) error {
	if err := db.Ping(ctx); err != nil {
		return err
	}
	applied, err := db.appliedMigrations(ctx)
	if err != nil {
		return err
	}
	for _, m := range migrations {
		if !applied[m.version] {
			return Errorf(Unavailable, "ready", "migration %d (%s) not applied", m.version, m.name)
		}
	}
	return nil
}
