// Command emptygraph deletes every node of the Neo4j at NEO4J_URI but the migration
// records, so the browser tests start from the bundle they load and nothing else. Like
// make test, it must never be pointed at real data.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/tracegraph/tracegraph/graph"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cfg := graph.ConfigFromEnv(os.Getenv)
	db, err := graph.Open(cfg, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "emptygraph:", err)
		os.Exit(1)
	}
	defer db.Close(context.Background())
	if err := db.Migrate(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "emptygraph: migrate:", err)
		os.Exit(1)
	}
	if err := db.DeleteAllData(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "emptygraph:", err)
		os.Exit(1)
	}
}
