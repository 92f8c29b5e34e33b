package store

import "context"

// MigrateTo applies migrations up to and including version, for tests of a migration's
// data changes.
func (s *Store) MigrateTo(ctx context.Context, version int64) error {
	p, err := provider(s.db.DB)
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}
