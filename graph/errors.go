package graph

import (
	"errors"
	"fmt"
)

// Kind is the small vocabulary of failures that the edges (GraphQL, the command line)
// translate once: the GraphQL error presenter maps it to extensions.code.
type Kind uint8

const (
	Internal    Kind = iota // a bug or an unexpected database answer
	NotFound                // the thing named does not exist (as of the time asked)
	Invalid                 // the request or the data breaks a rule of the spec
	Forbidden               // the caller may not see or do this
	Unavailable             // Neo4j cannot be reached (or a queue is full); retrying may help
	// Timeout: the operation ran past its time-out (the request's or the transaction's);
	// the database answered, the work was too long. Added last: the zero Kind stays
	// Internal, which shows nothing of the failure.
	Timeout
)

func (k Kind) String() string {
	switch k {
	case NotFound:
		return "NOT_FOUND"
	case Invalid:
		return "INVALID"
	case Forbidden:
		return "FORBIDDEN"
	case Unavailable:
		return "UNAVAILABLE"
	case Timeout:
		return "TIMEOUT"
	default:
		return "INTERNAL"
	}
}

// Error is a failure with a kind, the operation that failed and, for Invalid, the
// argument or field at fault.
type Error struct {
	Kind  Kind
	Op    string // what was being done, e.g. "contactChain"
	Field string // the argument, column or field at fault, when there is one
	Msg   string
	Err   error // the cause, if any
}

func (e *Error) Error() string {
	s := e.Op
	if e.Field != "" {
		if s != "" {
			s += ": "
		}
		s += e.Field
	}
	if e.Msg != "" {
		if s != "" {
			s += ": "
		}
		s += e.Msg
	}
	if e.Err != nil {
		if s != "" {
			s += ": "
		}
		s += e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error of the given kind for an operation.
func Errorf(kind Kind, op, format string, args ...any) error {
	return &Error{Kind: kind, Op: op, Msg: fmt.Sprintf(format, args...)}
}

// InvalidArg reports a bad argument or field, naming it.
func InvalidArg(op, field, format string, args ...any) error {
	return &Error{Kind: Invalid, Op: op, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of the outermost *Error in err's chain, Internal when none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}
