package store

import "io/fs"

// fileOwner is not checked on Windows: folders keep the ACL they inherit.
func fileOwner(fs.FileInfo) (int, bool) { return 0, false }

// processAlive cannot tell on Windows without opening the process: a
// temporary file is left to the age rule (staleTempAge).
func processAlive(int) bool { return true }
