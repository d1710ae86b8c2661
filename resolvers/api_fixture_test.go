package resolvers_test

import (
	"context"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
)

// The API tests' county, written through the loader's batched writers:
//
//	C (county) ─┬─ T1 (town) ── V1 (village) ── households H1 (P01, P02, P03), H2 (P04)
//	            └─ T2 (town) ── household H3 (P05, P06); P07 has no household
//
// C is medium from 2020-01-10; V1 is high from 2020-01-20 00:00 local.
func writeCounty(t *testing.T, svc *graph.Service) {
	t.Helper()
	ctx := context.Background()
	db := svc.DB
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.WriteAreas(ctx, []graph.Area{
		{Code: "C", Name: "县", Level: "county"},
		{Code: "T1", Name: "一镇", Level: "town", ParentCode: "C"},
		{Code: "T2", Name: "二镇", Level: "town", ParentCode: "C"},
		{Code: "V1", Name: "一村", Level: "village", ParentCode: "T1"},
	}))
	must(db.WriteRiskDesignations(ctx, []graph.RiskDesignation{
		{AreaCode: "C", Level: "medium", Since: at(t, "2020-01-10T00:00")},
		{AreaCode: "V1", Level: "high", Since: at(t, "2020-01-20T00:00")},
		{AreaCode: "V1", Level: "low", Since: at(t, "2020-02-01T00:00")},
	}))
	must(db.WriteHouseholds(ctx, []graph.Household{
		{ID: "H1", Address: "一村 1 号", AreaCode: "V1"}, {ID: "H2", AreaCode: "V1"}, {ID: "H3", Address: "二镇 3 号", AreaCode: "T2"},
	}))
	must(db.WritePeople(ctx, []graph.Person{
		{ID: "P01", Name: "张三", IDNumber: "11010519491231002X", Phone: "13900000001", HouseholdID: "H1"},
		{ID: "P02", Name: "张四", HouseholdID: "H1"},
		{ID: "P03", Name: "李五", HouseholdID: "H1"},
		{ID: "P04", Name: "王六", Phone: "13900000004", HouseholdID: "H2"},
		{ID: "P05", Name: "张七", HouseholdID: "H3"},
		{ID: "P06", Name: "赵八", HouseholdID: "H3"},
		{ID: "P07", Name: "孙九"},
	}))
}

// at reads a local time in Asia/Shanghai (the service's zone in tests).
func at(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := graph.ParseTimeValue(s, shanghai(t), false)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func atp(t *testing.T, s string) *time.Time {
	tm := at(t, s)
	return &tm
}

func shanghai(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func fptr(f float64) *float64 { return &f }
