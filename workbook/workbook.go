// Package workbook writes .xlsx workbooks (github.com/xuri/excelize/v2): a county's
// ledgers live in spreadsheets, so bundles can be converted to one and the service's
// lists exported as one. Every cell is written as text, so nothing a spreadsheet would
// read as a number, a date or a formula changes on the way: ID numbers keep their 18
// digits and leading zeros, times stay as written. Callers that export people's data
// pass cells through their masking and graph.NeutraliseCell first, as for CSV.
package workbook

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Sheet is one sheet: its name (at most 31 characters), a header row and data rows.
type Sheet struct {
	Name   string
	Header []string
	Rows   [][]string
}

// Write writes the sheets, in order, as one workbook to w.
func Write(w io.Writer, sheets ...Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	first := f.GetSheetName(0)
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName(first, s.Name); err != nil {
				return fmt.Errorf("sheet %q: %w", s.Name, err)
			}
		} else if _, err := f.NewSheet(s.Name); err != nil {
			return fmt.Errorf("sheet %q: %w", s.Name, err)
		}
		sw, err := f.NewStreamWriter(s.Name)
		if err != nil {
			return fmt.Errorf("sheet %q: %w", s.Name, err)
		}
		row := func(n int, cells []string) error {
			vals := make([]any, len(cells))
			for i, c := range cells {
				// A Cell of type string is stored as text, never as a number or a formula.
				vals[i] = excelize.Cell{Value: c}
			}
			axis, _ := excelize.CoordinatesToCellName(1, n)
			return sw.SetRow(axis, vals)
		}
		if err := row(1, s.Header); err != nil {
			return fmt.Errorf("sheet %q: %w", s.Name, err)
		}
		for i, r := range s.Rows {
			if err := row(i+2, r); err != nil {
				return fmt.Errorf("sheet %q row %d: %w", s.Name, i+2, err)
			}
		}
		if err := sw.Flush(); err != nil {
			return fmt.Errorf("sheet %q: %w", s.Name, err)
		}
	}
	_, err := f.WriteTo(w)
	return err
}
