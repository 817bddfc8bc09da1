package main

// Drafts: the state directory the wizard keeps its progress in, its
// preflight check, and what the engineer is told when the wizard stops
// early (the draft kept, and the command line that resumes it).

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui"
)

// reportDraft tells the engineer what became of the progress when the
// wizard stopped before COMPLETE REQUEST, and the command that resumes it
// (resume, from resumeCommand).
func reportDraft(e env, res tui.Result, stateDir, resume string) {
	switch {
	case res.DraftSaveErr != nil && res.DraftID != "":
		fmt.Fprintf(e.stderr, "ucx-onboard: the latest progress could not be saved (%s); draft %s holds an earlier state\n", plainWords(res.DraftSaveErr.Error()), res.DraftID)
	case res.DraftSaveErr != nil:
		fmt.Fprintf(e.stderr, "ucx-onboard: the progress could not be saved: %s\n", plainWords(res.DraftSaveErr.Error()))
		return
	case res.DraftID != "":
		fmt.Fprintf(e.stderr, "ucx-onboard: the progress is kept as draft %s\n", res.DraftID)
	default:
		return
	}
	fmt.Fprintf(e.stderr, "hint: resume it (drafts in %s) with: %s\n", stateDir, resume)
}

// resumeCommand is the command line that resumes a run of the wizard: the
// flags it was given (fs after Parse), as typed values, --demo first and
// the others in name order, quoted for sh. Secrets are never flags, so
// none is printed.
func resumeCommand(fs *flag.FlagSet, sh shell) string {
	parts := []string{"ucx-onboard"}
	if f := fs.Lookup("demo"); f != nil && f.Value.String() == "true" {
		parts = append(parts, "--demo")
	}
	fs.Visit(func(f *flag.Flag) {
		switch v := f.Value.(type) {
		case *stringList:
			for _, s := range *v {
				parts = append(parts, "--"+f.Name, quoteArg(s, sh))
			}
			return
		}
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
			if f.Name != "demo" && f.Value.String() == "true" {
				parts = append(parts, "--"+f.Name)
			}
			return
		}
		parts = append(parts, "--"+f.Name, quoteArg(f.Value.String(), sh))
	})
	return strings.Join(parts, " ")
}

// buildDrafts opens the draft store (deps.Drafts) in --state-dir or the
// default state directory (its demo subfolder under --demo) and returns
// that directory. Bundle temporary files that killed runs left in outDir
// are removed once the store is open. An error leaves deps.Drafts nil: the
// wizard runs without drafts, and the preflight says so.
func buildDrafts(deps *tui.Deps, o wizardOptions, outDir string) (string, error) {
	stateDir := o.stateDir
	if stateDir == "" {
		var err error
		if stateDir, err = store.DefaultStateDir(); err != nil {
			return stateDir, err
		}
		if o.demo {
			stateDir = filepath.Join(stateDir, demoStateSubdir)
		}
	}
	drafts, err := store.OpenDrafts(stateDir, nil)
	if err != nil {
		return stateDir, err
	}
	deps.Drafts = drafts
	// Bundle temporary files of killed runs (never a live writer's) go at
	// the start too.
	_, _ = store.RemoveStaleTemps(outDir)
	return stateDir, nil
}

// recordedBy is the store's Drafts.Records (nil without drafts).
func recordedBy(d tui.DraftStore) func(string) bool {
	if s, ok := d.(*store.Drafts); ok {
		return s.Records
	}
	return nil
}

func draftsCheck(dir string, err error) tui.Check {
	ck := tui.Check{Name: "Draft storage", OK: err == nil, AtStart: true}
	if err != nil {
		ck.Detail = err.Error()
		ck.Fix = "progress will not survive a crash; pass --state-dir DIR to fix"
		return ck
	}
	ck.Detail = "approvals are kept (encrypted) in " + dir
	return ck
}
