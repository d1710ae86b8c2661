package loader

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tracegraph/tracegraph/workbook"
)

// BundleToWorkbook writes the CSV bundle in dir as one workbook to w: a sheet per
// *.csv file, named SheetName(file), its cells as text exactly as in the file. `load`
// reads such a workbook back as the same bundle.
func BundleToWorkbook(w io.Writer, dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("bundle %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".csv") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var sheets []workbook.Sheet
	for _, name := range names {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		cr := csv.NewReader(f)
		cr.FieldsPerRecord = -1
		recs, err := cr.ReadAll()
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		s := workbook.Sheet{Name: SheetName(name)}
		if len(recs) > 0 {
			s.Header, s.Rows = recs[0], recs[1:]
		}
		sheets = append(sheets, s)
	}
	if len(sheets) == 0 {
		return fmt.Errorf("bundle %s: no CSV files", dir)
	}
	return workbook.Write(w, sheets...)
}
