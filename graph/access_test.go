package graph

import "testing"

func TestMasking(t *testing.T) {
	cases := []struct{ in, id, phone string }{
		{"41159919811217114X", "411599********114X", "411***********114X"},
		{"13954094754", "139540*4754", "139****4754"},
		{"", "", ""},
		{"1234", "****", "****"},
	}
	for _, c := range cases {
		if got := MaskIDNumber(c.in); got != c.id {
			t.Errorf("MaskIDNumber(%q) = %q, want %q", c.in, got, c.id)
		}
		if got := MaskPhone(c.in); got != c.phone {
			t.Errorf("MaskPhone(%q) = %q, want %q", c.in, got, c.phone)
		}
	}
}
