package loader

import (
	"time"

	"github.com/tracegraph/tracegraph/graph"
)

// Value parsing for SPEC §3 lives in graph/validate.go, shared with the API's write
// mutations so that both give the same reasons; these names keep the loader's API.

// ParseTime reads a time column (see graph.ParseTimeValue).
func ParseTime(s string, loc *time.Location, allowDate bool) (time.Time, error) {
	return graph.ParseTimeValue(s, loc, allowDate)
}

// ParseDate reads YYYY-MM-DD exactly.
func ParseDate(s string) (graph.Date, error) { return graph.ParseDateValue(s) }

// ParseBool reads true false 1 0 yes no 是 否 in any case.
func ParseBool(s string) (bool, error) { return graph.ParseBoolValue(s) }

// ParseEnum accepts exactly one of the lower-case values.
func ParseEnum(s string, allowed []string) (string, error) { return graph.ParseEnumValue(s, allowed) }

// ParseDecimal reads a plain decimal number within [min, max].
func ParseDecimal(s string, min, max float64) (float64, error) {
	return graph.ParseDecimalValue(s, min, max)
}

// ParseCount reads an integer ≥ 0.
func ParseCount(s string) (int, error) { return graph.ParseCountValue(s) }

// ParseIDNumber checks a resident ID number by GB 11643.
func ParseIDNumber(s string) (string, graph.Date, error) { return graph.ParseIDNumberValue(s) }
