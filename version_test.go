package main

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestVersionLine(t *testing.T) {
	platform := runtime.GOOS + "/" + runtime.GOARCH
	for _, tc := range []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"go install of a release", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}},
			"snapdoc v1.2.0, go1.26.8 " + platform},
		{"a checkout with changes", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261207232900-629ee7e1234a+dirty"},
			Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "629ee7e1234a5b6c7d8e9f0a1b2c3d4e5f6a7b8c"}, {Key: "vcs.time", Value: "2026-12-07T23:29:00Z"}, {Key: "vcs.modified", Value: "true"}}},
			"snapdoc v0.0.0-20261207232900-629ee7e1234a+dirty, commit 629ee7e1234a5b6c7d8e9f0a1b2c3d4e5f6a7b8c of 2026-12-07T23:29:00Z with uncommitted changes, go1.26.8 " + platform},
		{"a clean checkout with -buildvcs only", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "629ee7e1234a5b6c7d8e9f0a1b2c3d4e5f6a7b8c"}, {Key: "vcs.modified", Value: "false"}}},
			"snapdoc (devel), commit 629ee7e1234a5b6c7d8e9f0a1b2c3d4e5f6a7b8c, go1.26.8 " + platform},
		{"no version recorded", &debug.BuildInfo{GoVersion: "go1.26.8"}, "snapdoc (devel), go1.26.8 " + platform},
		{"no build info", nil, "snapdoc (unknown version: built without module information)"},
	} {
		if got := versionLine(tc.info); got != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.name, got, tc.want)
		}
	}
}
