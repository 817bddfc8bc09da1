package main

import (
	"fmt"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// loadCatalog is flows.LoadCatalog for --apps, refusing anything but a
// regular file first with store.CheckRegular (which never blocks), so that
// the error wraps store.ErrNotRegular like every other input's. LoadCatalog
// refuses such a file too, without blocking, but with an error of its own
// (flows uses nothing of store but Secret). The check and LoadCatalog's
// open are two opens of the same name: the check is against mistakes (a
// FIFO, a process substitution, /dev/zero), not against someone swapping
// the file in between, who could equally edit the catalog.
func loadCatalog(path string, getenv func(string) string) (flows.Catalog, error) {
	if err := store.CheckRegular(path); err != nil {
		return flows.Catalog{}, &flows.CatalogError{Err: fmt.Errorf("cannot read catalog: %w", err)}
	}
	return flows.LoadCatalog(path, getenv)
}
