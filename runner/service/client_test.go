package service

import (
	"context"
	"strings"
	"testing"

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
}
