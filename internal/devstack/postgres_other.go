//go:build !unix

package devstack

import (
	"os"
	"syscall"
)

type pgRunAs struct{}

func postgresRunAs() (*pgRunAs, error)          { return nil, nil }
func sysProcAttr(*pgRunAs) *syscall.SysProcAttr { return nil }
func (r *pgRunAs) prepareDir(string) error      { return nil }
func (r *pgRunAs) chownFile(string) error       { return nil }
func processLooksLikePostgres(pid int) bool     { return false }
func interruptProcess(p *os.Process) error      { return p.Kill() }
func quitProcess(p *os.Process) error           { return p.Kill() }
