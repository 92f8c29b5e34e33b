package devstack

import "syscall"

// setParentDeathSignal makes the kernel send the server SIGINT (fast
// shutdown) if this process dies without stopping it.
func setParentDeathSignal(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGINT }
