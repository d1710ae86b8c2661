package resolvers

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// otelTracing makes OpenTelemetry spans (issue 19): one per GraphQL operation and one
// per field whose value a resolver computes (a method that may reach Neo4j, as opposed
// to a plain struct field), so a slow request shows which field and, below it (graph's
// spans), which Neo4j transaction took the time. Spans go to the global tracer
// provider: a no-op unless `serve` set one up (OTEL_EXPORTER_OTLP_ENDPOINT).
type otelTracing struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
	graphql.FieldInterceptor
} = otelTracing{}

const tracerName = "github.com/tracegraph/tracegraph/resolvers"

func (otelTracing) ExtensionName() string                   { return "OpenTelemetry" }
func (otelTracing) Validate(graphql.ExecutableSchema) error { return nil }

func (otelTracing) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	op := graphql.GetOperationContext(ctx)
	kind, name := "query", op.OperationName
	if op.Operation != nil {
		kind = string(op.Operation.Operation)
	}
	if name == "" {
		name = "anonymous"
	}
	ctx, span := otel.Tracer(tracerName).Start(ctx, "graphql "+kind+" "+name, trace.WithAttributes(
		attribute.String("graphql.operation.type", kind),
		attribute.String("graphql.operation.name", name),
		attribute.String("graphql.root_fields", rootFieldsOf(op)),
	))
	defer span.End()
	resp := next(ctx)
	if resp != nil && len(resp.Errors) > 0 {
		span.SetStatus(codes.Error, resp.Errors[0].Message)
	}
	return resp
}

func (otelTracing) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !fc.IsResolver || strings.HasPrefix(fc.Object, "__") || strings.HasPrefix(fc.Field.Name, "__") {
		return next(ctx)
	}
	// With tracing off (the no-op provider) or an unsampled operation, no field span
	// would be recorded: skip the path string and attributes, which every resolver field
	// of every page would otherwise pay for.
	if !trace.SpanFromContext(ctx).IsRecording() {
		return next(ctx)
	}
	ctx, span := otel.Tracer(tracerName).Start(ctx, fc.Object+"."+fc.Field.Name, trace.WithAttributes(
		attribute.String("graphql.field.path", fc.Path().String()),
	))
	defer span.End()
	res, err := next(ctx)
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	return res, err
}

func rootFieldsOf(op *graphql.OperationContext) string {
	if op.Operation == nil {
		return ""
	}
	return rootFields(op)
}
