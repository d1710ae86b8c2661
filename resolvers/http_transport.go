package resolvers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tracegraph/tracegraph/httpserver"
)

// Codes of requests refused before they are GraphQL (issue 11 item 14): the client's
// fault, never INTERNAL, and answered without repeating or logging the body.
const (
	CodeBadRequest      = "BAD_REQUEST"
	CodePayloadTooLarge = "PAYLOAD_TOO_LARGE"
)

const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// graphQLHTTP is the GET and POST transport of the GraphQL-over-HTTP spec, as the
// graphql-http audit checks it (issue 19): a request that is not a GraphQL request
// (malformed JSON, a batch, parameters of the wrong type, no query) gets 400 with
// extensions.code BAD_REQUEST, an over-size body 413 PAYLOAD_TOO_LARGE; a document that
// does not parse or validate gets 200 for application/json and 400 for
// application/graphql-response+json, without a data entry; GET runs queries only (405).
// gqlgen's own GET and POST transports answer some of these as INTERNAL or 422 and put
// the request body in the error message.
type graphQLHTTP struct{}

var _ graphql.Transport = graphQLHTTP{}

func (graphQLHTTP) Supports(r *http.Request) bool {
	return r.Header.Get("Upgrade") == "" && (r.Method == http.MethodGet || r.Method == http.MethodPost)
}

// requestError is a request refused before it became a GraphQL operation.
type requestError struct {
	status int
	code   string
	field  string // the parameter at fault, if one is
	msg    string
}

func badRequest(field, format string, args ...any) *requestError {
	return &requestError{status: http.StatusBadRequest, code: CodeBadRequest, field: field, msg: fmt.Sprintf(format, args...)}
}

func (e *requestError) write(ctx context.Context, w http.ResponseWriter) {
	// Debug only: these are the client's fault, and the body may hold personal data.
	zerolog.Ctx(ctx).Debug().Int("status", e.status).Str("code", e.code).Str("field", e.field).Str("reason", e.msg).Msg("request refused")
	ext := map[string]any{"code": e.code}
	if e.field != "" {
		ext["field"] = e.field
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", mediaJSON+"; charset=utf-8")
	}
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{"message": e.msg, "extensions": ext}}})
}

// responseMedia picks the answer's media type from Accept: the first of
// application/json and application/graphql-response+json it names; application/json
// when it names neither specifically (*/*, none at all).
func responseMedia(r *http.Request) string {
	for part := range strings.SplitSeq(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case mediaJSON, mediaGraphQLResponse:
			return mt
		}
	}
	return mediaJSON
}

func (graphQLHTTP) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	media := responseMedia(r)
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	start := graphql.Now()
	params, rerr := readParams(r)
	if rerr != nil {
		rerr.write(ctx, w)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		// The document did not parse or validate, or a variable did not coerce: a
		// request error, no execution, so no data entry.
		status := http.StatusOK
		if media == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)
		writeResponse(w, status, resp)
		return
	}
	if r.Method == http.MethodGet && opCtx.Operation != nil && opCtx.Operation.Operation != ast.Query {
		w.Header().Set("Allow", "POST")
		(&requestError{status: http.StatusMethodNotAllowed, code: CodeBadRequest, field: "query",
			msg: fmt.Sprintf("a %s cannot be sent with GET: send it with POST", opCtx.Operation.Operation)}).write(ctx, w)
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	writeResponse(w, http.StatusOK, responses(ctx))
}

// writeResponse writes a GraphQL response, leaving out data when there is none (a
// request error), as the spec asks; gqlgen's Response always writes "data": null.
func writeResponse(w http.ResponseWriter, status int, resp *graphql.Response) {
	out := struct {
		Errors     gqlerror.List   `json:"errors,omitempty"`
		Data       json.RawMessage `json:"data,omitempty"`
		Extensions map[string]any  `json:"extensions,omitempty"`
	}{resp.Errors, resp.Data, resp.Extensions}
	b, err := json.Marshal(out)
	if err != nil {
		// A resolver's value that does not marshal is a bug, not the client's fault.
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}`)
		return
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// readParams reads the request's parameters: from the URL for GET, from a JSON body for
// POST.
func readParams(r *http.Request) (*graphql.RawParams, *requestError) {
	fields := map[string]json.RawMessage{}
	switch r.Method {
	case http.MethodGet:
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return nil, badRequest("", "the URL's query string does not parse: %v", err)
		}
		for _, k := range []string{"query", "operationName"} {
			if v, ok := q[k]; ok {
				b, _ := json.Marshal(v[0])
				fields[k] = b
			}
		}
		// variables and extensions come JSON-encoded in the URL.
		for _, k := range []string{"variables", "extensions"} {
			if v, ok := q[k]; ok && v[0] != "" {
				fields[k] = json.RawMessage(v[0])
			}
		}
	case http.MethodPost:
		ct := r.Header.Get("Content-Type")
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != mediaJSON {
			return nil, &requestError{status: http.StatusUnsupportedMediaType, code: CodeBadRequest, field: "Content-Type",
				msg: fmt.Sprintf("Content-Type %q: send the request as application/json", ct)}
		}
		body, rerr := readBody(r)
		if rerr != nil {
			return nil, rerr
		}
		if body[0] == '[' {
			return nil, badRequest("", "the request body is a JSON array (a batch): batched operations are not supported, send one operation per request")
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		if err := dec.Decode(&fields); err != nil {
			return nil, badRequest("", "the request body is not a JSON object: %s", jsonReason(err))
		}
		if dec.More() {
			return nil, badRequest("", "the request body has data after its JSON object")
		}
	}
	return readParamsFromFields(fields)
}

// readBody reads a POST body whole: 413 when it is over the limit the server set
// (http.MaxBytesReader), 400 when it cannot be read or is empty.
func readBody(r *http.Request) ([]byte, *requestError) {
	if r.Body == nil {
		return nil, badRequest("", "the request body is empty; send {\"query\": \"{ … }\"}")
	}
	body, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, &requestError{status: http.StatusRequestEntityTooLarge, code: CodePayloadTooLarge,
			msg: fmt.Sprintf("the request body is over %d bytes", tooBig.Limit)}
	case err != nil:
		return nil, badRequest("", "the request body could not be read: %v", err)
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, badRequest("", "the request body is empty; send {\"query\": \"{ … }\"}")
	}
	return body, nil
}

// jsonReason says what is wrong with a JSON body without quoting it.
func jsonReason(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("a JSON %s where an object belongs", typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends early"
	}
	return "invalid JSON"
}

func stringParam(fields map[string]json.RawMessage, name string, dst *string) *requestError {
	raw, ok := fields[name]
	if !ok || string(raw) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return badRequest(name, "%s: must be a string", name)
	}
	return nil
}

func objectParam(fields map[string]json.RawMessage, name string, dst *map[string]any) *requestError {
	raw, ok := fields[name]
	if !ok || string(raw) == "null" {
		return nil
	}
	if len(raw) == 0 || raw[0] != '{' {
		return badRequest(name, "%s: must be a JSON object", name)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // as gqlgen does: an Int variable stays exact
	if err := dec.Decode(dst); err != nil {
		return badRequest(name, "%s: must be a JSON object: %s", name, jsonReason(err))
	}
	return nil
}

// guardedSSE is gqlgen's SSE transport behind the same body checks as graphQLHTTP:
// gqlgen's own answers a malformed body with an error that quotes it.
type guardedSSE struct{ transport.SSE }

func (t guardedSSE) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	body, rerr := readBody(r)
	if rerr == nil {
		var fields map[string]json.RawMessage
		switch {
		case body[0] == '[':
			rerr = badRequest("", "the request body is a JSON array (a batch): batched operations are not supported, send one operation per request")
		case json.Unmarshal(body, &fields) != nil:
			rerr = badRequest("", "the request body is not a JSON object")
		default:
			r2 := r.Clone(r.Context())
			r2.Body = io.NopCloser(bytes.NewReader(body))
			r2.Header.Set("Content-Type", mediaJSON)
			r2.Header.Set("Accept", "text/event-stream")
			if _, err := readParamsFromFields(fields); err != nil {
				rerr = err
				break
			}
			t.SSE.Do(w, r2, exec)
			return
		}
	}
	rerr.write(r.Context(), w)
}

func readParamsFromFields(fields map[string]json.RawMessage) (*graphql.RawParams, *requestError) {
	p := &graphql.RawParams{}
	if err := stringParam(fields, "query", &p.Query); err != nil {
		return nil, err
	}
	if err := stringParam(fields, "operationName", &p.OperationName); err != nil {
		return nil, err
	}
	if err := objectParam(fields, "variables", &p.Variables); err != nil {
		return nil, err
	}
	if err := objectParam(fields, "extensions", &p.Extensions); err != nil {
		return nil, err
	}
	if p.Query == "" && p.Extensions["persistedQuery"] == nil {
		return nil, badRequest("query", "query: missing; send {\"query\": \"{ … }\"}")
	}
	return p, nil
}

// connectionDeadlines moves the HTTP connection's deadlines to fit the operation
// (httpserver.Guard gives the hold on them): a subscription (SSE) lives as long as its
// client, so it has none; a query or mutation may write its answer until its own
// time-out and a little after. Over a websocket both are no-ops (lifted at the upgrade).
func connectionDeadlines(query, mutation time.Duration) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		op := graphql.GetOperationContext(ctx)
		switch {
		case op.Operation == nil:
		case op.Operation.Operation == ast.Subscription:
			httpserver.LiftDeadlines(ctx)
		case op.Operation.Operation == ast.Mutation:
			httpserver.ExtendWriteDeadline(ctx, mutation+30*time.Second)
		default:
			httpserver.ExtendWriteDeadline(ctx, query+30*time.Second)
		}
		return next(ctx)
	}
}
