//go:build !unix

package flows

// openNonblock: no such flag here; openRegular still refuses anything but
// a regular file once it is open.
const openNonblock = 0
