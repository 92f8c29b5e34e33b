// Package store is Onboard's Postgres access layer: one Store type over sqlx and pgx,
// one file per table, and the embedded, numbered SQL migrations.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrNotFound is returned when a looked-up row does not exist (or belongs to another workspace).
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a row would break a uniqueness rule.
var ErrConflict = errors.New("already exists")

// Store reads and writes Onboard's tables.
type Store struct {
	db  *sqlx.DB
	url string // for the connection that listens for changes
}

// Open connects to the database at url and checks it answers.
func Open(ctx context.Context, url string) (*Store, error) {
	db, err := sqlx.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	db.SetMaxOpenConns(40)
	db.SetMaxIdleConns(40)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	return &Store{db: db, url: url}, nil
}

// Close closes the connection pool.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// DB exposes the pool for tests and tools.
func (s *Store) DB() *sqlx.DB { return s.db }

func provider(db *sql.DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, db, sub)
}

// Migrate applies every pending migration and returns how many it applied.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	p, err := provider(s.db.DB)
	if err != nil {
		return 0, fmt.Errorf("store: migrate: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("store: migrate: %w", err)
	}
	return len(res), nil
}

// CheckSchema fails when migrations are pending, so api and worker refuse to run
// against a database that `onboard migrate` has not brought up to date.
func (s *Store) CheckSchema(ctx context.Context) error {
	p, err := provider(s.db.DB)
	if err != nil {
		return fmt.Errorf("store: schema check: %w", err)
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("store: schema check: %w", err)
	}
	if pending {
		return errors.New("store: the database schema is out of date: run `onboard migrate`")
	}
	return nil
}

// inTx runs fn inside a transaction, committing when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(*sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// notFound maps sql.ErrNoRows to ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return conflict(err)
}
