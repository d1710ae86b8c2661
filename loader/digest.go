package loader

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/tracegraph/tracegraph/graph"
)

// Digest sums up the facts of a graph so that two loads can be compared: every node's
// labels and properties (with their types: the string "1" is not the integer 1, a
// DATETIME keeps its zone) and every relationship's type and properties with the
// digests of its two ends. Internal ids play no part, so the transactional and the bulk
// path of the same bundle give the same digest. Bookkeeping is left out: the migration
// records and the change feed (the bulk path starts the feed with one reset change; the
// transactional path records one change per batch).
type Digest struct {
	Nodes map[string]int // label set → count
	Rels  map[string]int // type → count
	Sum   string         // sha256 of the sorted node and relationship lines
}

func (d Digest) String() string {
	return fmt.Sprintf("nodes %v, relationships %v, sum %s", d.Nodes, d.Rels, d.Sum)
}

// GraphDigest reads the whole graph in one read transaction: for tests and small
// benchmarks, not a county of a million people (it holds a line per node and relationship).
func GraphDigest(ctx context.Context, db *graph.DB) (Digest, error) {
	return graph.Read(ctx, db, "graph digest", func(ctx context.Context, tx graph.Tx) (Digest, error) {
		d := Digest{Nodes: map[string]int{}, Rels: map[string]int{}}
		sig := map[string]string{}
		var lines []string
		res, err := tx.Run(ctx, `MATCH (n) WHERE NOT n:Migration AND NOT n:Feed AND NOT n:Change
			RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props`, nil)
		if err != nil {
			return d, err
		}
		for res.Next(ctx) {
			v := res.Record().Values
			labels := anyStrings(v[1])
			sort.Strings(labels)
			s := strings.Join(labels, ":") + " " + propLine(v[2])
			sig[v[0].(string)] = s
			d.Nodes[strings.Join(labels, ":")]++
			lines = append(lines, "N "+s)
		}
		if err := res.Err(); err != nil {
			return d, err
		}
		res, err = tx.Run(ctx, `MATCH (a)-[r]->(b) WHERE NOT a:Migration AND NOT a:Feed AND NOT a:Change
			RETURN elementId(a), type(r), properties(r), elementId(b)`, nil)
		if err != nil {
			return d, err
		}
		for res.Next(ctx) {
			v := res.Record().Values
			typ := v[1].(string)
			d.Rels[typ]++
			lines = append(lines, "R ("+sig[v[0].(string)]+") -["+typ+" "+propLine(v[2])+"]-> ("+sig[v[3].(string)]+")")
		}
		if err := res.Err(); err != nil {
			return d, err
		}
		sort.Strings(lines)
		h := sha256.New()
		for _, l := range lines {
			h.Write([]byte(l))
			h.Write([]byte{'\n'})
		}
		d.Sum = hex.EncodeToString(h.Sum(nil))
		return d, nil
	})
}

func anyStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, len(list))
	for i, x := range list {
		out[i], _ = x.(string)
	}
	return out
}

// propLine is a map of properties as one line, keys sorted, each value typed.
func propLine(v any) string {
	m, _ := v.(map[string]any)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(typedValue(m[k]))
	}
	b.WriteByte('}')
	return b.String()
}

func typedValue(v any) string {
	switch x := v.(type) {
	case string:
		return "s" + strconv.Quote(x)
	case int64:
		return "i" + strconv.FormatInt(x, 10)
	case float64:
		return "f" + strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return "b" + strconv.FormatBool(x)
	case time.Time:
		return "dt" + x.Format(time.RFC3339Nano) + "[" + x.Location().String() + "]"
	case dbtype.Date:
		return "d" + time.Time(x).Format("2006-01-02")
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = typedValue(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T%v", v, v)
}
