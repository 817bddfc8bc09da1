package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// TestStateDirOwnerSID: on Windows the state folder's owner SID decides:
// the user's own, the Administrators group's (what an elevated run
// creates) and LocalSystem's pass; any other user's or group's is refused
// with an error naming the folder and the owner's SID. The folders this
// user creates pass the real check.
func TestStateDirOwnerSID(t *testing.T) {
	t.Parallel()
	tu, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		t.Fatal(err)
	}
	me := tu.User.Sid
	wellKnown := func(k windows.WELL_KNOWN_SID_TYPE) *windows.SID {
		sid, err := windows.CreateWellKnownSid(k)
		if err != nil {
			t.Fatal(err)
		}
		return sid
	}
	sid := func(s string) *windows.SID {
		sid, err := windows.StringToSid(s)
		if err != nil {
			t.Fatal(err)
		}
		return sid
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name  string
		owner *windows.SID
		ok    bool
	}{
		{"the user", me, true},
		{"Administrators", wellKnown(windows.WinBuiltinAdministratorsSid), true},
		{"LocalSystem", wellKnown(windows.WinLocalSystemSid), true},
		{"another user", sid("S-1-5-21-1111111111-2222222222-3333333333-1001"), false},
		{"Users", wellKnown(windows.WinBuiltinUsersSid), false},
		{"Everyone", wellKnown(windows.WinWorldSid), false},
	} {
		err := checkOwner(dir, tc.owner, me)
		if tc.ok != (err == nil) || !tc.ok && !errors.Is(err, ErrStateDirNotOwned) {
			t.Errorf("%s: %v, want ok=%v", tc.name, err, tc.ok)
			continue
		}
		if err != nil {
			for _, want := range []string{dir, tc.owner.String(), me.String(), "not to you"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%s: error %q lacks %q", tc.name, err, want)
				}
			}
		}
	}
	for _, p := range []string{dir, os.TempDir()} {
		if err := ownedByUser(p, nil); err != nil {
			t.Errorf("ownedByUser(%s): %v", p, err)
		}
	}
}

// TestStateDirForeignOwnerWindows gives a state folder to another SID and
// expects OpenDrafts to refuse it, naming it. Giving a file away takes
// SeRestorePrivilege on Windows (an elevated administrator), as chown
// takes root on Unix; and Wine accepts SetNamedSecurityInfo but does not
// keep the owner it is given. Without a folder that is really someone
// else's the test is skipped, saying which.
func TestStateDirForeignOwnerWindows(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state")
	if err := os.MkdirAll(filepath.Join(dir, "drafts"), 0o700); err != nil {
		t.Fatal(err)
	}
	other, err := windows.CreateWellKnownSid(windows.WinBuiltinUsersSid)
	if err != nil {
		t.Fatal(err)
	}
	if err := windows.SetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION, other, nil, nil, nil); err != nil {
		t.Skipf("cannot give the folder to BUILTIN\\Users (needs SeRestorePrivilege): %v", err)
	}
	sd, err := windows.GetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION)
	if err != nil {
		t.Fatal(err)
	}
	if owner, _, err := sd.Owner(); err != nil || !owner.Equals(other) {
		t.Skipf("SetNamedSecurityInfo succeeded but the owner is still %v: Wine keeps no file owner; on Windows a successful call with OWNER_SECURITY_INFORMATION sets it (Microsoft, SetNamedSecurityInfoW)", owner)
	}
	_, err = OpenDrafts(dir, NewFileKeyStore(dir))
	if !errors.Is(err, ErrStateDirNotOwned) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("OpenDrafts: %v, want ErrStateDirNotOwned naming %s", err, dir)
	}
}

// fileWithCreation is a FileInfo whose Windows creation time is created.
type fileWithCreation struct {
	fs.FileInfo
	created time.Time
}

func (f fileWithCreation) Sys() any {
	return &syscall.Win32FileAttributeData{CreationTime: syscall.NsecToFiletime(f.created.UnixNano())}
}

// TestWriterRunningWindows: a temporary file's writer is running when a
// process with its ID runs and was created before the file; a process
// created after the file holds a reused ID (the writer is dead), and an
// exited writer is dead.
func TestWriterRunningWindows(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if !writerRunning(os.Getpid(), fi) {
		t.Error("this process, older than its file: not running")
	}
	if writerRunning(os.Getpid(), fileWithCreation{fi, time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)}) {
		t.Error("a process created after the file counts as its writer")
	}
	var dead int
	var deadFile fs.FileInfo
	exitedWriter(t, func(pid int) {
		dead = pid
		q := filepath.Join(dir, "g")
		if err := os.WriteFile(q, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if deadFile, err = os.Stat(q); err != nil {
			t.Fatal(err)
		}
		if !writerRunning(pid, deadFile) {
			t.Error("a running child: not running")
		}
	})
	if writerRunning(dead, deadFile) {
		t.Errorf("exited child %d: running", dead)
	}
}
