package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"snapdoc": func() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the real command on the small sites in
// testdata/script. Set SNAPDOC_UPDATE_SCRIPTS=1 to rewrite their expected
// output.
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: os.Getenv("SNAPDOC_UPDATE_SCRIPTS") != "",
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"age": age, "api": apiServer, "expand": expand, "wire": wire, "wireserve": wireserve, "secretecho": secretEcho, "nosecret": noSecret,
		},
	})
}

// age sets the modification time of the files it names, relative to the
// script's directory, an hour back: files nobody is editing.
func age(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: age file...")
	}
	old := time.Now().Add(-time.Hour)
	for _, a := range args {
		err := filepath.Walk(ts.MkAbs(a), func(p string, _ os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			return os.Chtimes(p, old, old)
		})
		ts.Check(err)
	}
}
