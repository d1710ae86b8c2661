package graph

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDefaultPolicyIsTheSpecs(t *testing.T) {
	p := DefaultPolicy()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"window lead days", float64(p.WindowLeadDays), 2},
		{"close contact minutes", p.CloseContactMinutes, 15},
		{"flight rows", float64(p.FlightRowRange), 3},
		{"contact window days", float64(p.ContactWindowDays), 14},
		{"likely source days", float64(p.LikelySourceDays), 14},
		{"positive test days", float64(p.PositiveTestDays), 14},
		{"fever °C", p.FeverCelsius, 37.3},
		{"fever days", float64(p.FeverDays), 3},
		{"close contact quarantine days", float64(p.Quarantine.CloseContact.Days), 14},
		{"secondary contact quarantine days", float64(p.Quarantine.SecondaryContact.Days), 7},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestLoadPolicy(t *testing.T) {
	if p, err := LoadPolicy(""); err != nil || p.Name != "default" {
		t.Fatalf("empty: %v %v", p.Name, err)
	}
	if _, err := LoadPolicy("no-such-preset"); err == nil || KindOf(err) != Invalid {
		t.Fatalf("unknown preset: err = %v", err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "p.json")
	os.WriteFile(file, []byte(`{"feverCelsius": 37.5, "quarantine": {"closeContact": {"kind": "centralized", "days": 10}}}`), 0o644)
	p, err := LoadPolicy(file)
	if err != nil {
		t.Fatal(err)
	}
	if p.FeverCelsius != 37.5 || p.Quarantine.CloseContact.Days != 10 || p.CloseContactMinutes != 15 {
		t.Fatalf("file overrides not applied over defaults: %+v", p)
	}
	os.WriteFile(file, []byte(`{"quarantine": {"closeContact": {"kind": "hotel", "days": 10}}}`), 0o644)
	if _, err := LoadPolicy(file); err == nil {
		t.Fatal("unknown kind accepted")
	}
}
