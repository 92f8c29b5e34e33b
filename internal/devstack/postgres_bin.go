package devstack

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// ErrNoPostgres is returned (wrapped) by StartPostgres when no PostgreSQL
// server binaries (initdb and postgres) can be found.
var ErrNoPostgres = errors.New("no PostgreSQL server binaries (initdb, postgres) found on PATH or in " +
	"/usr/lib/postgresql/*/bin: install them (Debian/Ubuntu: apt-get install postgresql; " +
	"macOS: brew install postgresql@15) or set DATABASE_URL to use an existing PostgreSQL server instead")

// pgBins holds the paths of the PostgreSQL server programs devstack runs.
type pgBins struct {
	Dir      string
	InitDB   string
	Postgres string
}

// findPostgresBins looks for a directory holding both initdb and postgres:
// first next to the postgres found on PATH, then the newest of the usual
// versioned install directories.
func findPostgresBins() (pgBins, error) {
	var dirs []string
	for _, prog := range []string{"postgres", "initdb"} {
		if p, err := exec.LookPath(prog); err == nil {
			dirs = append(dirs, filepath.Dir(p))
			if real, err := filepath.EvalSymlinks(p); err == nil {
				dirs = append(dirs, filepath.Dir(real))
			}
		}
	}
	for _, pattern := range []string{
		"/usr/lib/postgresql/*/bin",          // Debian, Ubuntu
		"/usr/pgsql-*/bin",                   // RHEL, Fedora (PGDG)
		"/opt/homebrew/opt/postgresql@*/bin", // macOS, Apple silicon
		"/usr/local/opt/postgresql@*/bin",    // macOS, Intel
	} {
		dirs = append(dirs, newestFirst(pattern)...)
	}
	for _, dir := range dirs {
		b := pgBins{Dir: dir, InitDB: filepath.Join(dir, "initdb"), Postgres: filepath.Join(dir, "postgres")}
		if isExecutable(b.InitDB) && isExecutable(b.Postgres) {
			return b, nil
		}
	}
	return pgBins{}, ErrNoPostgres
}

// newestFirst returns the paths matching pattern ordered by the first number
// in them, highest first (so /usr/lib/postgresql/16/bin before .../15/bin).
func newestFirst(pattern string) []string {
	matches, _ := filepath.Glob(pattern)
	sort.SliceStable(matches, func(i, j int) bool {
		return versionOf(matches[i]) > versionOf(matches[j])
	})
	return matches
}

// versionOf returns the first run of digits in path as a float (0 if none).
func versionOf(path string) float64 {
	start := strings.IndexAny(path, "0123456789")
	if start < 0 {
		return 0
	}
	end := start
	for end < len(path) && (path[end] == '.' || (path[end] >= '0' && path[end] <= '9')) {
		end++
	}
	v, _ := strconv.ParseFloat(strings.TrimSuffix(path[start:end], "."), 64)
	return v
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// String describes the binaries for log messages.
func (b pgBins) String() string { return fmt.Sprintf("%s (initdb, postgres)", b.Dir) }
