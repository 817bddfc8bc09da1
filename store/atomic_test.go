package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestRenameNoReplace checks the no-clobber rename that publishes a file
// where hard links are not supported: it renames to a free name, refuses
// an existing one (fs.ErrExist, both files unchanged), and when writers
// race for one new name exactly one wins. The check-then-rename fallback
// the darwin build used before RenamexNp(RENAME_EXCL) could let two win.
func TestRenameNoReplace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tmp := write("tmp1", "new")
	dst := filepath.Join(dir, "dst")
	if err := renameNoReplace(tmp, dst); err != nil {
		t.Fatalf("rename to a free name: %v", err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "new" {
		t.Fatalf("dst = %q", b)
	}
	tmp = write("tmp2", "other")
	if err := renameNoReplace(tmp, dst); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("rename over an existing file: %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "new" {
		t.Errorf("existing file overwritten: %q", b)
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Errorf("source lost after a refused rename: %v", err)
	}

	for round := range 50 {
		target := filepath.Join(dir, fmt.Sprintf("race-%d", round))
		const writers = 8
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for w := range writers {
			src := write(fmt.Sprintf("src-%d-%d", round, w), fmt.Sprint(w))
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := renameNoReplace(src, target)
				if err == nil {
					mu.Lock()
					won++
					mu.Unlock()
				} else if !errors.Is(err, fs.ErrExist) {
					t.Errorf("racing rename: %v", err)
				}
			}()
		}
		wg.Wait()
		if won != 1 {
			t.Fatalf("round %d: %d writers published the same name, want 1", round, won)
		}
	}
}
