package resolvers

import (
	"bytes"
	"context"
	"encoding/base64"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/workbook"
)

// Access rules of the export workbook (schema/exports.graphqls): person-level, audited
// against every person in it; graph.ExportLists decides the scope and the masking.
func init() {
	accessRules["Query.exportWorkbook"] = fieldRule{roles: personLevel, identity: true}
}

// workbookOf is the named lists as a base64 .xlsx workbook, one sheet each. The rows are
// graph's (scoped and masked for the principal, formula-neutralised); the resolver only
// audits the people in them and encodes.
func (r *Resolver) workbookOf(ctx context.Context, lists []string, asOf time.Time, areaCode string, from, to *time.Time) (string, error) {
	tables, err := r.Svc.ExportLists(ctx, lists, graph.ExportOptions{AsOf: asOf, AreaCode: areaCode, From: from, To: to})
	if err != nil {
		return "", err
	}
	sheets := make([]workbook.Sheet, len(tables))
	for i, t := range tables {
		auditPeople(ctx, t.PersonIDs...)
		sheets[i] = workbook.Sheet{Name: t.Name, Header: t.Header, Rows: t.Rows}
	}
	var buf bytes.Buffer
	if err := workbook.Write(&buf, sheets...); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}
