package service

import (
	"context"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/runner"
)

// TestRemoteFailure checks that a failure on the runner service reaches
// the client with its class and reader text, so a build with --runner
// publishes what a local build would.
func TestRemoteFailure(t *testing.T) {
	t.Parallel()
	srv := newTestService(t, "", 100, 100)
	_, err := (&Client{URL: srv.URL}).Run(context.Background(), BlockRef{File: "content/a.md", Block: "down"})
	if runner.Classify(err) != runner.FailServerError || runner.ReaderText(err) != "503 Service Unavailable" || !strings.Contains(err.Error(), "the server answered 503") {
		t.Errorf("remote failure %v: class %q, reader text %q", err, runner.Classify(err), runner.ReaderText(err))
	}
	// The failed request's place reaches the client as the one positioned
	// error, with the service's text, so the CLI and the preview's overlay
	// show its line as for a local run.
	fe, ok := fileerr.As(err)
	if want := (fileerr.Pos{File: "content/a.md", Line: 9, Col: 1}); !ok || fe.Pos != want || fe.Error() != err.Error() {
		t.Errorf("fileerr.As(%v) = %v, %v; want the error at %v", err, fe, ok, want)
	}
}
