package store

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
)

const crashEnv = "UCX_STORE_CRASH_CHILD"

// TestCrashChild is the child of TestCrash: with UCX_STORE_CRASH_CHILD set
// to "dir recipient" it runs onboardings in a loop until it is killed:
// each takes a draft ID (NewID), saves the draft three times, writes a
// bundle through WriteBundleRecorded (the draft records it first), and
// removes the draft. It prints
// "saved ID N" after each save of UserCount N returned, "completed ID"
// and "removed ID" likewise: what the parent may count on.
func TestCrashChild(t *testing.T) {
	arg := os.Getenv(crashEnv)
	if arg == "" {
		t.Skip("child process of TestCrash")
	}
	dir, rcp, _ := strings.Cut(arg, " ")
	p, err := NewRecipientProtection([]string{rcp})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	d, err := OpenDrafts(filepath.Join(dir, "state"), NewFileKeyStore(filepath.Join(dir, "state")))
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	b := testBundle()
	fail := func(err error) {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	fmt.Println("ready")
	for i := 0; ; i++ {
		dr := testDraft()
		dr.ID = d.NewID()
		for n := range 3 {
			dr.Org.UserCount = n
			if err := d.Save(dr); err != nil {
				fail(err)
			}
			fmt.Println("saved", dr.ID, n)
		}
		record := func(c *Completion) error { return d.Record(dr, c) }
		if _, err := WriteBundleRecorded(filepath.Join(dir, fmt.Sprintf("bundle-%04d.age", i)), b, p, record); err != nil {
			fail(err)
		}
		fmt.Println("completed", dr.ID)
		if err := d.Remove(dr.ID); err != nil {
			fail(err)
		}
		fmt.Println("removed", dr.ID)
	}
}

// crashKillsEnv sets TestCrash's number of kills (default 50, in at most
// 90 s); a larger count gets a second per kill.
const crashKillsEnv = "UCX_CRASH_KILLS"

// crashTally adds up TestCrash's runs.
type crashTally struct {
	runs, bundles, drafts, acked, lost, keyless, completed int
	leftBefore, leftAfter                                  int
}

// TestCrash kills a child process (Process.Kill: SIGKILL on Unix,
// TerminateProcess on Windows) at random points while it writes bundles
// and drafts, many times. Afterwards every bundle, receipt
// and draft present must be complete and valid; every save the child
// reported done must be on disk (or its draft marked completed, or
// removed after that); every draft must have its key; and the next start
// (OpenDrafts, RemoveStaleTemps on the output folder) must leave no
// temporary file, no key without its draft and no lock of no draft.
func TestCrash(t *testing.T) {
	t.Parallel()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	runs, box := 50, 90*time.Second
	if v := os.Getenv(crashKillsEnv); v != "" {
		if runs, err = strconv.Atoi(v); err != nil || runs < 1 {
			t.Fatalf("%s=%q: want a count", crashKillsEnv, v)
		}
		box = max(box, time.Duration(runs)*time.Second)
	}
	deadline := time.Now().Add(box)
	var tl crashTally
	for run := 0; run < runs && time.Now().Before(deadline); run++ {
		dir := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir+" "+id.Recipient().String())
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(out)
		line, _ := r.ReadString('\n')
		if strings.TrimSpace(line) != "ready" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child: %q", line)
		}
		lines := make(chan []string, 1)
		go func() {
			var got []string
			for {
				l, err := r.ReadString('\n')
				if err != nil { // a line cut by the kill was not acknowledged
					lines <- got
					return
				}
				got = append(got, strings.TrimSpace(l))
			}
		}()
		time.Sleep(time.Duration(rand.IntN(40000)) * time.Microsecond)
		cmd.Process.Kill() // SIGKILL; TerminateProcess on Windows
		acks := <-lines
		cmd.Wait()
		tl.runs++
		checkCrashDir(t, dir, id, acks, &tl)
	}
	t.Logf("%d kills; %d complete bundles, %d drafts verified (%d marked completed); %d acknowledged saves, %d lost; %d drafts without their key; leftovers (temporary files, keys or locks of no draft) %d before the next start, %d after",
		tl.runs, tl.bundles, tl.drafts, tl.completed, tl.acked, tl.lost, tl.keyless, tl.leftBefore, tl.leftAfter)
	if tl.runs < min(10, runs) {
		t.Errorf("only %d runs in the time box", tl.runs)
	}
}

func checkCrashDir(t *testing.T, dir string, id *age.X25519Identity, acks []string, tl *crashTally) {
	t.Helper()
	// What the child acknowledged: the last save of each draft, and
	// which were marked completed or removed.
	saved := map[string]int{}
	completed, removed := map[string]bool{}, map[string]bool{}
	for _, l := range acks {
		f := strings.Fields(l)
		switch {
		case len(f) == 3 && f[0] == "saved":
			n, _ := strconv.Atoi(f[2])
			saved[f[1]] = n
			tl.acked++
		case len(f) == 2 && f[0] == "completed":
			completed[f[1]] = true
		case len(f) == 2 && f[0] == "removed":
			removed[f[1]] = true
		case len(f) > 0 && f[0] == "error:":
			t.Fatalf("child: %s", l)
		}
	}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		name := e.Name()
		fi, err := e.Info()
		if err != nil {
			return err
		}
		// Windows has no mode bits for others: its ACLs are inherited.
		if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %v readable by others", name, fi.Mode().Perm())
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case isTempName(name):
			// counted by countLeftovers
		case strings.HasSuffix(name, ".age") && strings.HasPrefix(name, "bundle-"):
			got, err := OpenBundle(bytes.NewReader(data), id)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				return nil
			}
			sameBundle(t, got, testBundle())
			tl.bundles++
		case strings.HasSuffix(name, ReceiptSuffix):
			bundle, _ := os.ReadFile(strings.TrimSuffix(p, ReceiptSuffix))
			sum := fmt.Sprintf("%x", sha256Sum(bundle))
			if !bytes.Contains(data, []byte("sha256:      "+sum)) || !bytes.HasSuffix(data, []byte("\n")) || !bytes.Contains(data, []byte("warnings:\n")) {
				t.Errorf("%s: incomplete or wrong receipt", name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	tl.leftBefore += countLeftovers(t, dir)
	d, err := OpenDrafts(state, NewFileKeyStore(state))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := RemoveStaleTemps(dir); err != nil {
		t.Fatal(err)
	}
	if n := countLeftovers(t, dir); n > 0 {
		tl.leftAfter += n
		t.Errorf("%d leftovers after the next start", n)
	}
	list, err := d.List()
	if err != nil {
		t.Fatal(err)
	}
	onDisk := map[string]DraftInfo{}
	for _, info := range list {
		if errors.Is(info.Err, ErrDraftKeyUnavailable) {
			tl.keyless++
		}
		if info.Err != nil {
			t.Errorf("draft %s: %v", info.ID, info.Err)
		}
		if c := info.Completed; c != nil {
			tl.completed++
			data, err := os.ReadFile(c.BundlePath)
			if err != nil || fmt.Sprintf("%x", sha256Sum(data)) != c.SHA256 {
				t.Errorf("draft %s marked completed with %s, which is missing or differs: %v", info.ID, c.BundlePath, err)
			}
		}
		onDisk[info.ID] = info
		tl.drafts++
	}
	for did, n := range saved {
		info, ok := onDisk[did]
		switch {
		case removed[did]:
			if ok {
				t.Errorf("draft %s still there after its removal was acknowledged", did)
			}
		case !ok && completed[did]:
			// Removed after its completion: fine.
		case !ok:
			tl.lost++
			t.Errorf("draft %s lost: save %d was acknowledged", did, n)
		case completed[did] && info.Completed == nil:
			tl.lost++
			t.Errorf("draft %s: the acknowledged completion marker is lost", did)
		case info.Err == nil:
			dr, err := d.Load(did)
			if err != nil || dr.Org.UserCount < n {
				tl.lost++
				t.Errorf("draft %s: has save %d, save %d was acknowledged (%v)", did, dr.Org.UserCount, n, err)
			}
		}
	}
}

// countLeftovers counts under dir the temporary files, the key files
// whose draft does not exist and the lock files of no draft.
func countLeftovers(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	drafts := filepath.Join(dir, "state", "drafts")
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		name := e.Name()
		switch {
		case isTempName(name):
			n++
		case filepath.Base(filepath.Dir(p)) == "keys" && strings.HasPrefix(name, "draft-") && strings.HasSuffix(name, ".key"):
			did := strings.TrimSuffix(strings.TrimPrefix(name, "draft-"), ".key")
			if _, err := os.Stat(filepath.Join(drafts, did+".age")); err != nil {
				n++
			}
		case filepath.Dir(p) == drafts && strings.HasSuffix(name, lockSuffix):
			if _, err := os.Stat(filepath.Join(drafts, strings.TrimSuffix(name, lockSuffix)+".age")); err != nil {
				n++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
