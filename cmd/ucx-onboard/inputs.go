package main

import (
	"fmt"

	"github.com/imagicle/ucx-onboard/flows"
	"github.com/imagicle/ucx-onboard/store"
)

// loadCatalog is flows.LoadCatalog for --apps, refusing anything but a
// regular file first (store.CheckRegular never blocks): LoadCatalog's own
// open would wait forever for a writer on a named pipe, and its reader is
// bounded (1 MiB) but not its open. The check and LoadCatalog's open are
// two opens of the same name: the check is against mistakes (a FIFO, a
// process substitution, /dev/zero), not against someone swapping the file
// in between, who could equally edit the catalog.
func loadCatalog(path string, getenv func(string) string) (flows.Catalog, error) {
	if err := store.CheckRegular(path); err != nil {
		return flows.Catalog{}, &flows.CatalogError{Err: fmt.Errorf("cannot read catalog: %w", err)}
	}
	return flows.LoadCatalog(path, getenv)
}
