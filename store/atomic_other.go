//go:build !linux && !darwin && !windows

package store

// renameNoReplace has no atomic no-replace rename on this platform: a
// checked rename.
func renameNoReplace(tmp, path string) error { return checkedRename(tmp, path) }
