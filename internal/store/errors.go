package store

import (
	"errors"
	"fmt"

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
