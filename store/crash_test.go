package store

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
)

const crashEnv = "UCX_STORE_CRASH_CHILD"

// TestCrashChild is the child of TestCrash: with UCX_STORE_CRASH_CHILD set
// to "dir recipient" it writes bundles and updates a draft in a loop until
// it is killed.
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
	dr := testDraft()
	b := testBundle()
	fmt.Println("ready")
	for i := 0; ; i++ {
		dr.Org.UserCount = i
		if err := d.Save(dr); err != nil {
			fmt.Println("error:", err)
			os.Exit(2)
		}
		if _, err := WriteBundle(filepath.Join(dir, fmt.Sprintf("bundle-%04d.age", i)), b, p); err != nil {
			fmt.Println("error:", err)
			os.Exit(2)
		}
	}
}

// TestCrash kills a child process with SIGKILL at random points while it
// writes bundles and drafts, many times; afterwards every bundle, receipt
// and draft present must be complete and valid, and any temporary file
// left must be private to its owner.
func TestCrash(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL test needs a Unix")
	}
	t.Parallel()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	const runs = 50
	deadline := time.Now().Add(90 * time.Second)
	var bundles, drafts, temps, runsDone int
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
		line, _ := bufio.NewReader(out).ReadString('\n')
		if strings.TrimSpace(line) != "ready" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child: %q", line)
		}
		time.Sleep(time.Duration(rand.IntN(20000)) * time.Microsecond)
		cmd.Process.Kill() // SIGKILL
		cmd.Wait()
		runsDone++

		b, d, tmp := checkCrashDir(t, dir, id)
		bundles += b
		drafts += d
		temps += tmp
	}
	t.Logf("%d runs killed; %d complete bundles, %d drafts verified, %d temporary files left (all owner-only)", runsDone, bundles, drafts, temps)
	if runsDone < 10 {
		t.Errorf("only %d runs in the time box", runsDone)
	}
}

func checkCrashDir(t *testing.T, dir string, id *age.X25519Identity) (bundles, drafts, temps int) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		name := e.Name()
		fi, err := e.Info()
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %v readable by others", name, fi.Mode().Perm())
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case isTempName(name):
			temps++
		case strings.HasSuffix(name, ".age") && strings.HasPrefix(name, "bundle-"):
			got, err := OpenBundle(bytes.NewReader(data), id)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				return nil
			}
			sameBundle(t, got, testBundle())
			bundles++
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
	d, err := OpenDrafts(state, NewFileKeyStore(state))
	if err != nil {
		t.Fatal(err)
	}
	list, err := d.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, info := range list {
		if info.Err != nil {
			t.Errorf("draft %s: %v", info.ID, info.Err)
		}
		drafts++
	}
	return bundles, drafts, temps
}
