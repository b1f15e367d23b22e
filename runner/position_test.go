package runner

import (
	"errors"
	"fmt"
	"testing"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// TestRunErrorsArePositioned checks that the errors of a run carry the
// one positioned error: what knows only fileerr finds the request's (or
// the failed assertion's) file:line:col, with the error's own text, and
// fileerr.Wrap does not cover it with a coarser position.
func TestRunErrorsArePositioned(t *testing.T) {
	t.Parallel()
	pos := fileerr.Pos{File: "content/a.md", Line: 12, Col: 1}
	for name, err := range map[string]error{
		"request":   &RequestError{Pos: pos, Method: "GET", URL: "https://api.test/x", Err: &StatusError{Code: 503, Status: "503 Service Unavailable"}},
		"assertion": &AssertionError{Pos: pos, Method: "GET", URL: "https://api.test/x", Failed: []httpfile.AssertResult{{Text: "status == 200", Got: "404"}}},
	} {
		wrapped := fmt.Errorf("block cache: %w", err)
		fe, ok := fileerr.As(wrapped)
		if !ok || fe.Pos != pos || fe.Phase != "run" || fe.Error() != err.Error() {
			t.Errorf("%s: fileerr.As = %v, %v; want %s at %v", name, fe, ok, err, pos)
		}
		if got := fileerr.Wrap(fileerr.Pos{File: "content/a.md", Line: 1}, "build", wrapped); got != wrapped {
			t.Errorf("%s: Wrap covered the request's position: %v", name, got)
		}
		if !errors.Is(wrapped, err) {
			t.Errorf("%s: the error is lost", name)
		}
	}
	var se *StatusError
	fe, _ := fileerr.As(&RequestError{Pos: pos, Method: "GET", URL: "u", Err: &StatusError{Code: 503}})
	if !errors.As(fe, &se) || se.Code != 503 {
		t.Errorf("the positioned error does not wrap the cause: %v", fe)
	}
	if _, ok := fileerr.As(&RequestError{Method: "GET", URL: "u", Err: errors.New("x")}); ok {
		t.Error("a request error without a position claims one")
	}
}
