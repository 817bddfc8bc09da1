package store

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"

	"golang.org/x/sys/windows"
)

// ownedByUser checks that the folder p is owned by the user running
// ucx-onboard (the user SID of the process token), by the Administrators
// group, or by LocalSystem: the owner of a folder can rewrite its ACL, and
// those two can take ownership of any file on the machine anyway, so a
// folder they own is no more exposed than one of the user's. An elevated
// ("Run as administrator") ucx-onboard may create folders owned by the
// Administrators group (its token's default owner, depending on the
// policy "System objects: Default owner for objects created by members of
// the Administrators group"), which is why that group passes. File
// systems that record no owner (FAT, exFAT, some network shares) pass, as
// on Unix.
func ownedByUser(p string, _ fs.FileInfo) error {
	sd, err := windows.GetNamedSecurityInfo(p, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION)
	if errors.Is(err, windows.ERROR_NOT_SUPPORTED) || errors.Is(err, windows.ERROR_INVALID_FUNCTION) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read its owner: %w", err)
	}
	owner, _, err := sd.Owner()
	if err != nil || owner == nil {
		return nil
	}
	tu, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return fmt.Errorf("read the user of this process: %w", err)
	}
	return checkOwner(p, owner, tu.User.Sid)
}

// checkOwner returns an error wrapping ErrStateDirNotOwned unless folder
// p, owned by owner, may be used by user (see ownedByUser).
func checkOwner(p string, owner, user *windows.SID) error {
	if owner.Equals(user) || owner.IsWellKnown(windows.WinBuiltinAdministratorsSid) ||
		owner.IsWellKnown(windows.WinLocalSystemSid) {
		return nil
	}
	return notOwned(p, accountName(owner), accountName(user))
}

// accountName names sid: "DOMAIN\name (SID)", else the SID alone.
func accountName(sid *windows.SID) string {
	if name, domain, _, err := sid.LookupAccount(""); err == nil && name != "" {
		if domain != "" {
			name = domain + `\` + name
		}
		return fmt.Sprintf("%s (%s)", oneLine(name, 64), sid)
	}
	return sid.String()
}

// restrictDir does nothing: Windows folders keep the ACL they inherit
// (under %AppData%, the user's profile ACL).
func restrictDir(string, fs.FileInfo) error { return nil }

// stillActive is the exit code GetExitCodeProcess reports for a process
// that is running (STILL_ACTIVE, that is STATUS_PENDING).
const stillActive = 259

// writerRunning reports whether process pid, which wrote the temporary
// file fi, may still be running. It asks a handle of the process
// (PROCESS_QUERY_LIMITED_INFORMATION): no process with that ID
// (ERROR_INVALID_PARAMETER) or one that has exited means dead; one this
// user may not open (ERROR_ACCESS_DENIED) is running. Windows reuses
// process IDs soon, so a running process created after the file was
// created is another program that got the writer's ID: the writer is
// dead. A process that exited with code 259 (STILL_ACTIVE) counts as
// running, and its file is left to the age rule.
func writerRunning(pid int, fi fs.FileInfo) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return !errors.Is(err, windows.ERROR_INVALID_PARAMETER)
	}
	defer windows.CloseHandle(h)
	var code uint32
	if err := windows.GetExitCodeProcess(h, &code); err == nil && code != stillActive {
		return false
	}
	var created, exited, kernel, user windows.Filetime
	if err := windows.GetProcessTimes(h, &created, &exited, &kernel, &user); err != nil {
		return true
	}
	if fa, ok := fi.Sys().(*syscall.Win32FileAttributeData); ok && created.Nanoseconds() > fa.CreationTime.Nanoseconds() {
		return false
	}
	return true
}
