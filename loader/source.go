package loader

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tracegraph/tracegraph/graph"
)

// source is where a bundle's files come from: a folder of CSV files, or a workbook with
// one sheet per file (sheet `people` or `people.csv` for people.csv). Both go through
// the same header and row rules (table.header, table.parseRow); only the reading and
// the names in reports differ.
type source struct {
	present map[string]bool // bundle files present
	rejects []Reject        // files or sheets refused before reading (unknown names)
	read    func(t *table) ([]*row, *Reject, error)
	sheets  map[string]string // bundle file → sheet, for a workbook
	close   func()
}

// openSource opens path: a folder of CSV files, or a .xlsx workbook.
func openSource(path string, loc *time.Location) (*source, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, &graph.Error{Kind: graph.Invalid, Op: "load", Field: path, Msg: "cannot read the bundle", Err: err}
	}
	if !st.IsDir() {
		if !strings.EqualFold(filepath.Ext(path), ".xlsx") {
			return nil, &graph.Error{Kind: graph.Invalid, Op: "load", Field: path, Msg: "a bundle is a folder of CSV files or an .xlsx workbook"}
		}
		return openWorkbook(path, loc)
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, &graph.Error{Kind: graph.Invalid, Op: "load", Field: path, Msg: "cannot read the bundle folder", Err: err}
	}
	present, rejects := scanDir(entries)
	return &source{present: present, rejects: rejects, close: func() {},
		read: func(t *table) ([]*row, *Reject, error) { return readFile(t, filepath.Join(path, t.file), loc) }}, nil
}

// SheetName is the sheet that holds a bundle file in a workbook: its name without
// ".csv" (people.csv → people), which fits Excel's 31 characters.
func SheetName(file string) string { return strings.TrimSuffix(file, ".csv") }

func openWorkbook(path string, loc *time.Location) (*source, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, &graph.Error{Kind: graph.Invalid, Op: "load", Field: path, Msg: "cannot open the workbook", Err: err}
	}
	src := &source{present: map[string]bool{}, sheets: map[string]string{}, close: func() { _ = f.Close() }}
	for _, sheet := range f.GetSheetList() {
		name := strings.TrimSpace(sheet)
		file := strings.ToLower(name)
		if !strings.HasSuffix(file, ".csv") {
			file += ".csv"
		}
		// An unknown sheet is an error, as an unknown CSV file is: a typo must not
		// silently drop a ledger.
		if _, ok := tableByFile[file]; !ok {
			src.rejects = append(src.rejects, Reject{File: sheet, Sheet: true, Line: 1, Column: "sheet", Reason: "unknown sheet (want one named like a bundle file, e.g. people)"})
			continue
		}
		if other, dup := src.sheets[file]; dup {
			src.rejects = append(src.rejects, Reject{File: sheet, Sheet: true, Line: 1, Column: "sheet", Reason: "a second sheet for " + file + " (the first is " + other + ")"})
			continue
		}
		src.present[file] = true
		src.sheets[file] = sheet
	}
	src.read = func(t *table) ([]*row, *Reject, error) {
		// Raw values: a number reads as written, not as the cell's display format.
		recs, err := f.GetRows(src.sheets[t.file], excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, nil, &graph.Error{Kind: graph.Invalid, Op: "load", Field: src.sheets[t.file], Msg: "cannot read the sheet", Err: err}
		}
		return parseSheet(t, recs, loc)
	}
	return src, nil
}

// parseSheet parses a sheet's rows: the header, then every non-empty row, numbered as
// the spreadsheet numbers them (the header is row 1). A spreadsheet drops a row's
// trailing empty cells, so rows are padded to the header's width; a row with values
// beyond the header is reported as a wrong column count, as in CSV.
func parseSheet(t *table, recs [][]string, loc *time.Location) ([]*row, *Reject, error) {
	if len(recs) == 0 {
		return nil, nil, nil
	}
	header := trimTrailingEmpty(recs[0])
	if len(header) == 0 {
		return nil, nil, nil
	}
	pos, refusal := t.header(header)
	if refusal != nil {
		return nil, refusal, nil
	}
	var rows []*row
	for i, rec := range recs[1:] {
		rec = trimTrailingEmpty(rec)
		if len(rec) == 0 {
			continue // a blank row, as csv skips a blank line
		}
		if len(rec) < len(header) {
			rec = append(rec, make([]string, len(header)-len(rec))...)
		}
		rows = append(rows, t.parseRow(pos, len(header), rec, i+2, loc))
	}
	return rows, nil, nil
}

func trimTrailingEmpty(rec []string) []string {
	n := len(rec)
	for n > 0 && strings.TrimSpace(rec[n-1]) == "" {
		n--
	}
	return rec[:n]
}

// rename reports a workbook's files by their sheets: `people!12: name: reason`.
func (s *source) rename(rep *Report) {
	if s.sheets == nil {
		return
	}
	for i := range rep.Files {
		if sh, ok := s.sheets[rep.Files[i].File]; ok {
			rep.Files[i].File = sh
		}
	}
	for i := range rep.Rejects {
		if sh, ok := s.sheets[rep.Rejects[i].File]; ok {
			rep.Rejects[i].File, rep.Rejects[i].Sheet = sh, true
		}
	}
}
