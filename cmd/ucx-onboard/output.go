package main

// Where the bundle goes: --out checked at start, the free default name
// (acme-2026-11-21-2.ucxbundle when the day's name is taken), the output
// folder's preflight check, and the receipt printed on stdout once it is
// written.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/imagicle/ucx-onboard/store"
	"github.com/imagicle/ucx-onboard/tui"
)

// bundleDir is the folder the bundle goes to: --out's, or the current one.
func bundleDir(o wizardOptions) string {
	if o.out != "" {
		return filepath.Dir(o.out)
	}
	return "."
}

// maxNameTries bounds the search for a free default bundle name.
const maxNameTries = 100

// writeBundleFreeName writes the bundle under path or, when a file of that
// name exists (the same company onboarded twice in a day), under the first
// free "<name>-2.ucxbundle", "<name>-3.ucxbundle", ... Nothing is ever
// overwritten: store.WriteBundleRecorded refuses existing names before
// anything is recorded (ErrExists), and atomically when it writes. record
// is store.WriteBundleRecorded's (the draft keeps the name written).
//
// path may be a numbered name already (the free name the review showed,
// freeBundleName): the numbers then go on from it, "<name>-3.ucxbundle"
// after "<name>-2.ucxbundle", never "<name>-2-2.ucxbundle".
func writeBundleFreeName(path string, b store.Bundle, p store.Protection, record func(*store.Completion) error) (store.Receipt, error) {
	name := path
	path, first := numberedBase(path)
	for i := first; ; i++ {
		r, err := store.WriteBundleRecorded(name, b, p, record)
		// r.BundlePath is set once the bundle is on disk (a taken receipt
		// name fails after that): never write a second bundle then.
		if !errors.Is(err, store.ErrExists) || r.BundlePath != "" || i > maxNameTries {
			return r, err
		}
		name = numberedName(path, i)
	}
}

// numbered matches a numbered default name: "<slug>-<date>-<i>.ucxbundle".
var numbered = regexp.MustCompile(`^(.*-\d{4}-\d{2}-\d{2})-(\d+)(\.ucxbundle)$`)

// numberedBase is the default name path is numbered from, and the number
// after path's: path and 2 when path is no numbered default name.
func numberedBase(path string) (base string, next int) {
	m := numbered.FindStringSubmatch(path)
	if m == nil {
		return path, 2
	}
	n, err := strconv.Atoi(m[2])
	if err != nil || n < 2 || n >= maxNameTries {
		return path, 2
	}
	return m[1] + m[3], n + 1
}

// numberedName is path's i-th alternative: "<name>-<i>.ucxbundle".
func numberedName(path string, i int) string {
	ext := filepath.Ext(path)
	return fmt.Sprintf("%s-%d%s", strings.TrimSuffix(path, ext), i, ext)
}

// freeBundleName is the name writeBundleFreeName would write path under
// now: path, or the first "<name>-2.ucxbundle", "<name>-3.ucxbundle", ...
// whose bundle and receipt are both absent (path itself past
// maxNameTries). The review shows it; it reserves nothing, and the write
// still never overwrites.
func freeBundleName(path string) string {
	free := func(name string) bool {
		for _, n := range []string{name, name + store.ReceiptSuffix} {
			if _, err := os.Lstat(n); !errors.Is(err, fs.ErrNotExist) {
				return false
			}
		}
		return true
	}
	if free(path) {
		return path
	}
	for i := 2; i <= maxNameTries; i++ {
		if name := numberedName(path, i); free(name) {
			return name
		}
	}
	return path
}

// outFlagError says what is wrong with --out's path before anything else
// runs, or returns nil: a folder given instead of a file name, a folder
// that does not exist, or a path through something that is not a folder.
// A name taken by a file is the preflight's (r sees it moved away).
func outFlagError(out string) error {
	if out == "" {
		return nil
	}
	fail := func(msg, fix string) error {
		return &exitError{exitUsage, &startError{err: errors.New(msg), fix: fix}}
	}
	q := shellQuote(out)
	if fi, err := os.Stat(out); err == nil && fi.IsDir() {
		return fail("--out "+q+" is a folder, not a file name",
			"give the bundle's file name, e.g. --out "+shellQuote(filepath.Join(out, "acme.ucxbundle")))
	}
	dir := filepath.Dir(out)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail("--out "+q+": folder "+dir+" does not exist", "create the folder, or choose another --out")
	case err != nil:
		return fail("--out "+q+": cannot use folder "+dir+": "+oneLine(errors.Unwrap(err)), "choose another --out")
	case !fi.IsDir():
		return fail("--out "+q+": "+dir+" is not a folder", "choose another --out")
	}
	return nil
}

// outputCheck checks that the bundle's folder is writable and, with --out,
// that neither the bundle nor its receipt (out+store.ReceiptSuffix) exists
// yet: store.WriteBundle refuses both, and never overwrites. Without --out
// the wizard picks a free name itself.
func outputCheck(out, dir string, recorded func(string) bool) tui.Check {
	ck := tui.Check{Name: "Output folder", Blocking: true}
	abs, _ := filepath.Abs(dir)
	if out != "" {
		if err := store.CheckBundleName(out); err != nil {
			ck.Detail = strings.TrimPrefix(err.Error(), "store: ")
			ck.Fix = "quit and start again with a shorter --out"
			ck.AtStart = true
			return ck
		}
		for _, f := range []string{out, out + store.ReceiptSuffix} {
			if _, err := os.Lstat(f); err == nil {
				if recorded != nil && recorded(out) {
					// A run killed during COMPLETE REQUEST: its draft
					// is finished and listed as completed.
					ck.OK = true
					ck.Detail = out + " is the bundle of a completed draft (listed next)"
					return ck
				}
				ck.Detail = f + " exists already"
				ck.Fix = "bundles and receipts are never overwritten: move it away or choose another --out"
				return ck
			}
		}
	}
	f, err := os.CreateTemp(dir, ".ucx-onboard-check-*")
	if err != nil {
		ck.Detail = "cannot write in " + abs
		if errors.Is(err, fs.ErrNotExist) {
			ck.Detail = "folder " + abs + " does not exist (any more)"
		}
		ck.Fix = "run from a writable folder or pass --out PATH, then press r"
		if out != "" {
			ck.Fix = "make " + abs + " writable (press r after), or quit and start again with another --out"
		}
		return ck
	}
	f.Close()
	os.Remove(f.Name())
	ck.OK = true
	ck.Detail = "writable: " + abs
	if out != "" {
		ck.Detail = "bundle will be " + out
	}
	return ck
}

// printReceipt repeats the done screen on stdout once the alternate screen
// is gone, so the engineer can copy it into the ticket.
func printReceipt(e env, r store.Receipt, openHint func(store.Receipt) tui.Command) {
	fmt.Fprintf(e.stdout, "bundle:  %s\nsha256:  %s\nreceipt: %s\n", r.BundlePath, r.SHA256, r.ReceiptPath)
	for _, k := range r.Recipients {
		fmt.Fprintf(e.stdout, "sealed to: %s\n", k)
	}
	if r.Passphrase {
		fmt.Fprintln(e.stdout, "sealed with a passphrase")
	}
	if openHint != nil { // the command alone on its line, to copy whole
		h := openHint(r)
		fmt.Fprintf(e.stdout, "on the UCX side, run:\n  %s\n", h.Line)
		for _, n := range h.Notes {
			fmt.Fprintf(e.stdout, "  %s\n", n)
		}
	}
}
