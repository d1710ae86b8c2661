package graph

// Test-only exports for the external test package (graph_test), which may use
// graphtest (graphtest imports graph, so package graph's own tests cannot).

// RunQuarantinesWith runs the engine with the given tracer (tests stand in for the
// tracing engine with fixed chains).
var RunQuarantinesWith = (*Service).runQuarantines

// Generations is SPEC §4's generation count along transmission links.
var Generations = generations
