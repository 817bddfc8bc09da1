//go:build !unix

package store

// openNonblock: no such flag here; OpenRegular still refuses anything but
// a regular file once it is open.
const openNonblock = 0
