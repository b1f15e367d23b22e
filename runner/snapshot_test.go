package runner

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/runner/redact"
)

func sampleSnapshot() *Snapshot {
	return &Snapshot{
		Source: "content/python-cache-control.md",
		Blocks: []*Record{{
			Block:    "cache",
			Hash:     Hash([]*httpfile.Request{{Method: "GET", URL: "https://httpbin.org/cache"}}),
			Recorded: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC),
			Exchanges: []*httpfile.Exchange{
				{
					Name: "cache", Method: "GET", URL: "https://httpbin.org/cache", Status: 200,
					Cache: "miss", CacheStatus: "snapdoc; fwd=uri-miss; stored",
					Headers: []httpfile.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "Date", Value: redact.Redacted}},
					// A body whose lines look like the format's own.
					Body: []byte("{\n  \"a\": 1\n}\n\nblock evil\nheader X: y\nbody utf-8 3\n"),
				},
				{
					Method: "GET", URL: "https://httpbin.org/image/png", Status: 200, Cache: "hit",
					Body: []byte{0x89, 'P', 'N', 'G', 0xff, 0x00}, Truncated: true,
				},
				{Method: "HEAD", URL: "https://httpbin.org/get", Status: 204, Cache: "revalidated"},
			},
		}},
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	s := sampleSnapshot()
	data := s.Marshal()
	got, err := UnmarshalSnapshot("x.snap", data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Blocks[0].Exchanges[0], s.Blocks[0].Exchanges[0]) {
		t.Errorf("exchange 0:\n got %+v\nwant %+v", got.Blocks[0].Exchanges[0], s.Blocks[0].Exchanges[0])
	}
	if !bytes.Equal(got.Marshal(), data) {
		t.Errorf("marshal after unmarshal differs:\n%s\n---\n%s", got.Marshal(), data)
	}
	if len(got.Blocks) != 1 || len(got.Blocks[0].Exchanges) != 3 {
		t.Fatalf("got %d blocks", len(got.Blocks))
	}
	if b := got.Blocks[0].Exchanges[1].Body; !bytes.Equal(b, s.Blocks[0].Exchanges[1].Body) {
		t.Errorf("binary body = %q", b)
	}
	if !strings.Contains(string(data), "body base64 ") {
		t.Errorf("binary body not written as base64:\n%s", data)
	}
}

func TestSnapshotErrors(t *testing.T) {
	good := sampleSnapshot().Marshal()
	for _, tc := range []struct {
		name, data, want string
	}{
		{"empty", "", "x.snap:1: not a snapdoc snapshot"},
		{"truncated body", string(good[:len(good)-20]), "truncated"},
		{"no final newline", string(good[:len(good)-1]), "truncated"},
		{"bad status", strings.Replace(string(good), "status 200", "status OK", 1), "x.snap:10: status: want a three-digit code"},
		{"unknown line", strings.Replace(string(good), "cache miss", "cash miss", 1), `x.snap:11: unknown line "cash"`},
		{"no hash", strings.Replace(string(good), "hash ", "#ash ", 1), "block cache has no hash"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := UnmarshalSnapshot("x.snap", []byte(tc.data))
			if fe, ok := fileerr.As(err); !ok || fe.Phase != "snapshot" || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestWriteSnapshotKeepsUnchangedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b.snap")
	s := sampleSnapshot()
	if err := WriteSnapshot(path, s); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	if err := WriteSnapshot(path, s); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.ModTime().Equal(old) {
		t.Errorf("an unchanged snapshot was written again")
	}
	got, err := ReadSnapshot(path, "b.snap")
	if err != nil || got.Record("cache") == nil {
		t.Fatalf("ReadSnapshot = %v, %v", got, err)
	}
	if s, err := ReadSnapshot(filepath.Join(t.TempDir(), "none.snap"), "none.snap"); s != nil || err != nil {
		t.Errorf("missing snapshot = %v, %v; want nil, nil", s, err)
	}
}

func TestSnapshotPath(t *testing.T) {
	if got, want := SnapshotPath("snapshots", "content/guides/etag.md"), filepath.Join("snapshots", "guides", "etag.snap"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func FuzzUnmarshalSnapshot(f *testing.F) {
	f.Add(sampleSnapshot().Marshal())
	f.Add([]byte(snapshotHeader + "x\nblock a\nhash h\n\nrequest GET /\nbody utf-8 2\n{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := UnmarshalSnapshot("f.snap", data)
		if err != nil {
			return
		}
		// What parses must survive a round trip.
		again, err := UnmarshalSnapshot("f.snap", s.Marshal())
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if !bytes.Equal(again.Marshal(), s.Marshal()) {
			t.Fatalf("round trip changed the snapshot")
		}
	})
}

func TestHash(t *testing.T) {
	a := []*httpfile.Request{{Method: "GET", URL: "https://x/", Headers: []httpfile.Header{{Name: "A", Value: "1"}}}}
	b := []*httpfile.Request{{Method: "GET", URL: "https://x/", Headers: []httpfile.Header{{Name: "A", Value: "2"}}}}
	c := []*httpfile.Request{{Method: "GET", URL: "https://x/", Body: "A1"}}
	if Hash(a) == Hash(b) || Hash(a) == Hash(c) {
		t.Errorf("different requests hash the same")
	}
	if Hash(a) != Hash([]*httpfile.Request{{Method: "GET", URL: "https://x/", Headers: []httpfile.Header{{Name: "A", Value: "1"}}}}) {
		t.Errorf("equal requests hash differently")
	}
}

// The reason phrase and the order of header fields as received survive a
// snapshot; a snapshot from before, with no reason, still reads.
func TestSnapshotKeepsReasonAndFieldOrder(t *testing.T) {
	s := &Snapshot{Source: "content/a.md", Blocks: []*Record{{Block: "b", Hash: "h", Recorded: time.Unix(0, 0).UTC(), Exchanges: []*httpfile.Exchange{{
		Method: "GET", URL: "https://api.test/", Status: 200, Reason: "Fine Thanks", Cache: "miss",
		Headers: []httpfile.Header{{Name: "X-RateLimit-Remaining", Value: "41"}, {Name: "ETag", Value: `"v1"`}, {Name: "set-cookie", Value: "a=1"}, {Name: "Content-Length", Value: "0"}, {Name: "X-Empty", Value: ""}},
	}}}}}
	data := s.Marshal()
	if !strings.Contains(string(data), "\nstatus 200 Fine Thanks\n") {
		t.Errorf("no reason phrase in\n%s", data)
	}
	got, err := UnmarshalSnapshot("a.snap", data)
	if err != nil {
		t.Fatal(err)
	}
	if e := got.Blocks[0].Exchanges[0]; e.Reason != "Fine Thanks" || !reflect.DeepEqual(e.Headers, s.Blocks[0].Exchanges[0].Headers) {
		t.Errorf("read back %q %q", e.Reason, e.Headers)
	}
	old, err := UnmarshalSnapshot("a.snap", []byte(strings.Replace(string(data), "status 200 Fine Thanks", "status 200", 1)))
	if err != nil || old.Blocks[0].Exchanges[0].Status != 200 || old.Blocks[0].Exchanges[0].Reason != "" {
		t.Errorf("an old status line: %v", err)
	}
}
