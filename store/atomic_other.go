//go:build !linux && !windows

package store

func renameNoReplace(tmp, path string) error { return checkedRename(tmp, path) }
