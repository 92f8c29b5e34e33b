//go:build unix && !linux

package devstack

import "syscall"

// setParentDeathSignal is a no-op where the kernel has no parent-death
// signal; a server left over by a crash is reported on the next start.
func setParentDeathSignal(*syscall.SysProcAttr) {}
