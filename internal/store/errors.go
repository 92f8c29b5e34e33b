package store

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// conflict maps unique and invalid-reference errors to ErrConflict / ErrNotFound so
// callers can answer 409 or 404 without knowing Postgres error codes.
func conflict(err error) error {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return err
	}
	switch pg.Code {
	case "23505": // unique_violation
		return fmt.Errorf("%w: %s", ErrConflict, pg.ConstraintName)
	case "23503": // foreign_key_violation
		return fmt.Errorf("%w: %s", ErrNotFound, pg.ConstraintName)
	case "22P02", "22021": // a malformed uuid, or bytes no text can hold: nothing matches
		return ErrNotFound
	}
	return err
}

// ErrUnavailable marks a failure to reach the database at all (refused, reset, shut
// down, out of connections): an outage to answer 503, not a bug to answer 500.
var ErrUnavailable = errors.New("the database is unavailable")

// IsUnavailable reports whether err is the database being out of reach rather than a
// statement failing.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var connect *pgconn.ConnectError
	var pg *pgconn.PgError
	var netErr net.Error
	switch {
	case errors.Is(err, ErrUnavailable), errors.As(err, &connect), errors.As(err, &netErr),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone), errors.Is(err, io.ErrUnexpectedEOF),
		pgconn.Timeout(err):
		return true
	case errors.As(err, &pg):
		// 08: connection exception; 57P01-57P03: shutting down, crashed, starting up;
		// 53300: too many connections.
		return strings.HasPrefix(pg.Code, "08") || pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03" || pg.Code == "53300"
	}
	return strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "connection reset")
}
