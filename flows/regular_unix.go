//go:build unix

package flows

import "syscall"

// openNonblock makes opening a named pipe return at once instead of
// waiting for a writer; openRegular then refuses it. Reading a regular
// file ignores the flag.
const openNonblock = syscall.O_NONBLOCK
