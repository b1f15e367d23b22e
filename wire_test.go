package main

import (
	"bytes"
	"fmt"
	"os"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/snapdoc/snapdoc/runner/wiretest"
)

// recorders holds the wire recorders of the running scripts, by script
// and name.
var recorders sync.Map // map[recorderKey]*wiretest.Recorder

type recorderKey struct {
	ts   *testscript.TestScript
	name string
}

// wire is a testscript command over a raw-socket recorder:
//
//	wire start NAME [FILE...]  start a recorder answering 200 with an empty
//	                           body, and replace $NAME in each FILE with its URL
//	wire dump NAME FILE        write the bytes of every request it read to FILE
func wire(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || args[0] == "dump" && len(args) != 3 {
		ts.Fatalf("usage: wire start NAME [FILE...] | wire dump NAME FILE")
	}
	key := recorderKey{ts, args[1]}
	switch args[0] {
	case "start":
		rec := wiretest.Start(tsTB{ts}, wiretest.OK)
		recorders.Store(key, rec)
		ts.Defer(func() { recorders.Delete(key) })
		for _, f := range args[2:] {
			data, err := os.ReadFile(ts.MkAbs(f))
			ts.Check(err)
			ts.Check(os.WriteFile(ts.MkAbs(f), bytes.ReplaceAll(data, []byte("$"+args[1]), []byte(rec.URL)), 0o644))
		}
	case "dump":
		v, ok := recorders.Load(key)
		if !ok {
			ts.Fatalf("no recorder %s", args[1])
		}
		ts.Check(os.WriteFile(ts.MkAbs(args[2]), bytes.Join(v.(*wiretest.Recorder).Requests(), nil), 0o644))
	default:
		ts.Fatalf("unknown wire command %q", args[0])
	}
}

// tsTB adapts a test script to the part of testing.TB a recorder uses.
type tsTB struct{ ts *testscript.TestScript }

func (t tsTB) Helper()           {}
func (t tsTB) Fatal(args ...any) { t.ts.Fatalf("%v", fmt.Sprint(args...)) }
func (t tsTB) Cleanup(f func())  { t.ts.Defer(f) }
