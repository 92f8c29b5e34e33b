package devstack

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// CreateDatabase creates database name unless it exists. Concurrent calls
// (even for different names) are safe.
func (p *Postgres) CreateDatabase(ctx context.Context, name string) error {
	if name == "" {
		return errors.New("create database: empty name")
	}
	conn, err := pgx.Connect(ctx, p.URLFor("postgres"))
	if err != nil {
		return fmt.Errorf("create database %q: %w", name, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for attempt := 0; ; attempt++ {
		err = createDatabaseOnce(ctx, conn, name)
		// 55006: template1 is busy because another CREATE DATABASE is
		// copying it right now; try again shortly.
		if !isPgCode(err, "55006") || attempt >= 50 {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("create database %q: %w", name, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
	if err != nil {
		return fmt.Errorf("create database %q: %w", name, err)
	}
	return nil
}

func createDatabaseOnce(ctx context.Context, conn *pgx.Conn, name string) error {
	var exists bool
	err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	if err != nil || exists {
		return err
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	// duplicate_database, or a unique violation on pg_database: created concurrently.
	if isPgCode(err, "42P04") || isPgCode(err, "23505") {
		return nil
	}
	return err
}

func isPgCode(err error, code string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == code
}
