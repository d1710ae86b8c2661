package resolvers_test

import (
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

func TestPolicyAnswersTheDefaults(t *testing.T) {
	// policy reads no data, so no database is needed for this one.
	svc := graph.NewService(nil, graph.DefaultPolicy(), time.UTC)
	c := newClient(t, svc)
	var resp struct {
		Policy struct {
			Name                string
			CloseContactMinutes float64
			FlightRowRange      int
			Quarantine          struct {
				CloseContact struct {
					Kind string
					Days int
				}
				SecondaryContact *struct {
					Kind string
					Days int
				}
				TestDays []int
			}
		}
	}
	c.MustPost(`{ policy { name closeContactMinutes flightRowRange
		quarantine { closeContact { kind days } secondaryContact { kind days } testDays } } }`, &resp)
	p := resp.Policy
	if p.Name != "default" || p.CloseContactMinutes != 15 || p.FlightRowRange != 3 {
		t.Fatalf("policy = %+v", p)
	}
	if p.Quarantine.CloseContact.Kind != "CENTRALIZED" || p.Quarantine.CloseContact.Days != 14 {
		t.Fatalf("close contact measure = %+v", p.Quarantine.CloseContact)
	}
	if p.Quarantine.SecondaryContact == nil || p.Quarantine.SecondaryContact.Kind != "HOME" {
		t.Fatalf("secondary contact measure = %+v", p.Quarantine.SecondaryContact)
	}
	if len(p.Quarantine.TestDays) != 3 || p.Quarantine.TestDays[2] != 14 {
		t.Fatalf("test days = %v", p.Quarantine.TestDays)
	}
}

func TestUnknownFieldIsAValidationError(t *testing.T) {
	c := newClient(t, graph.NewService(nil, graph.DefaultPolicy(), time.UTC))
	var resp map[string]any
	err := c.Post(`{ policy { nope } }`, &resp)
	if err == nil {
		t.Fatal("expected an error for an unknown field")
	}
}

func TestPersonByID(t *testing.T) {
	svc := graphtest.MustService(t)
	graphtest.Run(t, svc.DB, `CREATE (:Person {id: 'R001', name: '钟艳', birthDate: date('1961-06-04')})`, nil)
	c := newClient(t, svc)
	var resp struct {
		Person *struct {
			ID, Name  string
			BirthDate *string
		}
		Missing *struct{ ID string }
	}
	c.MustPost(`{ person(id: "R001") { id name birthDate } missing: person(id: "nobody") { id } }`, &resp)
	if resp.Person == nil || resp.Person.Name != "钟艳" || resp.Person.BirthDate == nil || *resp.Person.BirthDate != "1961-06-04" {
		t.Fatalf("person = %+v", resp.Person)
	}
	if resp.Missing != nil {
		t.Fatalf("unknown person = %+v, want null", resp.Missing)
	}
}
