package main

import (
	"runtime/debug"
	"testing"
)

// TestVersionFrom: a release stamp wins, then the module version, then
// the VCS revision; go run (no build info about the VCS) is "dev".
func TestVersionFrom(t *testing.T) {
	rev := []debug.BuildSetting{{Key: "vcs.revision", Value: "fe36327abcdef0123456789"}, {Key: "vcs.modified", Value: "false"}}
	dirty := []debug.BuildSetting{{Key: "vcs.revision", Value: "fe36327abcdef0123456789"}, {Key: "vcs.modified", Value: "true"}}
	for _, tt := range []struct {
		name    string
		stamped string
		bi      *debug.BuildInfo
		want    string
	}{
		{"release stamp", "v1.4.0", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: dirty}, "v1.4.0"},
		{"go install @version", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0"}}, "v1.3.0"},
		{"go build pseudo-version", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261128224700-fe36327abcde+dirty"}, Settings: dirty}, "v0.0.0-20261128224700-fe36327abcde+dirty"},
		{"revision only", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: rev}, "dev-fe36327abcde"},
		{"revision, modified", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: dirty}, "dev-fe36327abcde-dirty"},
		{"go run", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev"},
		{"no build info", "", nil, "dev"},
	} {
		if got := versionFrom(tt.stamped, tt.bi); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
