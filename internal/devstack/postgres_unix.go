//go:build unix

package devstack

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// pgRunAs is the system user initdb and postgres run as when this process
// is root (both refuse to run as root).
type pgRunAs struct {
	name     string
	uid, gid int
}

// postgresRunAs returns nil when this process is not root, else the
// "postgres" system user.
func postgresRunAs() (*pgRunAs, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, but initdb and postgres refuse to run as root and there is "+
			"no \"postgres\" system user to run them as (%v): create one (useradd --system postgres) "+
			"or run as a normal user", err)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("user postgres: %w", err)
	}
	return &pgRunAs{name: u.Username, uid: uid, gid: gid}, nil
}

// sysProcAttr returns the process attributes for a PostgreSQL program:
// its own process group (so a terminal's Ctrl-C reaches only us, and we
// stop the server in order), the postgres user's credentials when root,
// and on Linux a parent-death signal so the server never outlives us.
func sysProcAttr(runAs *pgRunAs) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true}
	if runAs != nil {
		attr.Credential = &syscall.Credential{Uid: uint32(runAs.uid), Gid: uint32(runAs.gid)}
	}
	setParentDeathSignal(attr)
	return attr
}

// prepareDir makes dataDir (which must exist) owned by the postgres user
// and every parent directory traversable by it.
func (r *pgRunAs) prepareDir(dataDir string) error {
	if r == nil {
		return nil
	}
	// A file may go while the walk runs (a killed cluster's postmaster.pid, removed as its
	// last processes exit): what is gone needs no owner.
	err := filepath.WalkDir(dataDir, func(path string, _ fs.DirEntry, err error) error {
		if err == nil {
			err = os.Lchown(path, r.uid, r.gid)
		}
		if errors.Is(err, fs.ErrNotExist) && path != dataDir {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("chown %s to user %s: %w", dataDir, r.name, err)
	}
	return makeParentsTraversable(dataDir)
}

// makeParentsTraversable adds o+x to every parent of dir that lacks it
// (t.TempDir() directories are 0700), so the postgres user can reach dir.
func makeParentsTraversable(dir string) error {
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		if st.Mode().Perm()&0o001 == 0 {
			if err := os.Chmod(p, st.Mode().Perm()|0o001); err != nil {
				return fmt.Errorf("making %s traversable for the postgres user: %w", p, err)
			}
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// chownFile gives path to the postgres user (no-op when not root).
func (r *pgRunAs) chownFile(path string) error {
	if r == nil {
		return nil
	}
	return os.Chown(path, r.uid, r.gid)
}

// processLooksLikePostgres reports whether pid is a live process that may
// be a PostgreSQL server. Where /proc exists, a live process whose command
// line does not mention postgres (a reused pid) does not count.
func processLooksLikePostgres(pid int) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	cmdline, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	if err != nil {
		return !errors.Is(err, fs.ErrNotExist) || !dirExists("/proc/self")
	}
	return strings.Contains(string(cmdline), "postgres")
}

func dirExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// interruptProcess asks the postmaster for a fast shutdown.
func interruptProcess(p *os.Process) error { return p.Signal(syscall.SIGINT) }

// quitProcess asks the postmaster for an immediate shutdown.
func quitProcess(p *os.Process) error { return p.Signal(syscall.SIGQUIT) }
