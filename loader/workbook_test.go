package loader

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/tracegraph/tracegraph/graph/graphtest"
)

func writeWorkbookOf(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "county.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := BundleToWorkbook(f, dir); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// The demo county as CSV files and the same county as a workbook (one sheet per file)
// load into the same graph: every node, relationship and property (issue 19).
func TestWorkbookRoundTripOfTheDemoCounty(t *testing.T) {
	db := graphtest.MustOpen(t)
	const dir = "../examples/county"
	csvRep := mustLoad(t, db, dir, Options{})
	fromCSV := readState(t, db)
	if len(fromCSV.Nodes) == 0 {
		t.Fatal("the demo county loaded nothing")
	}

	if err := db.DeleteAllData(context.Background()); err != nil {
		t.Fatal(err)
	}
	book := writeWorkbookOf(t, dir)
	xlsxRep := mustLoad(t, db, book, Options{})
	if len(xlsxRep.Rejects) != len(csvRep.Rejects) {
		t.Fatalf("workbook: %d rejects %v, CSV: %d", len(xlsxRep.Rejects), xlsxRep.Rejects, len(csvRep.Rejects))
	}
	if fromXLSX := readState(t, db); fromXLSX.String() != fromCSV.String() {
		t.Fatalf("the workbook loaded another graph:\n csv  %v\n xlsx %v", fromCSV, fromXLSX)
	}
	read, _ := csvRep.Rows()
	if r, _ := xlsxRep.Rows(); r != read {
		t.Errorf("workbook rows read %d, CSV %d", r, read)
	}
	for _, f := range xlsxRep.Files {
		if filepath.Ext(f.File) != "" {
			t.Errorf("report names %q: want the sheet's name", f.File)
		}
	}
}

// A workbook's bad rows are reported as `sheet!row: column: reason`, by the same row
// rules as CSV: the reject bundle's rejects, file:line renamed sheet!row.
func TestWorkbookRejectsNameTheSheet(t *testing.T) {
	db := graphtest.MustOpen(t)
	files, want := rejectBundle()
	delete(files, "notes.txt") // a workbook has only sheets
	book := writeWorkbookOf(t, writeBundle(t, files))
	fileLine := regexp.MustCompile(`^([a-z_]+)\.csv:(\d+): `)
	for i, w := range want {
		want[i] = fileLine.ReplaceAllString(w, "$1!$2: ")
	}
	want[0] = "peoples!1: sheet: unknown sheet"

	rep := mustLoad(t, db, book, Options{Strict: true})
	checkRejects(t, rep.Rejects, want)
	if rep.Written {
		t.Error("strict load of a workbook with rejects says it wrote")
	}
}
