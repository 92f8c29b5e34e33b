package store

import (
	"context"
	"fmt"
)

// RecordWebhookDelivery notes that a provider's webhook delivery was handled and reports
// whether it is the first time: a replayed delivery returns false.
func (s *Store) RecordWebhookDelivery(ctx context.Context, provider, deliveryID string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO webhook_deliveries (provider, delivery_id) VALUES ($1, $2)
		ON CONFLICT DO NOTHING`, provider, deliveryID)
	if err != nil {
		return false, fmt.Errorf("store: record webhook delivery: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// WebhookDeliverySeen reports whether a delivery was handled already.
func (s *Store) WebhookDeliverySeen(ctx context.Context, provider, deliveryID string) (bool, error) {
	var seen bool
	err := s.db.GetContext(ctx, &seen, `SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE provider = $1 AND delivery_id = $2)`,
		provider, deliveryID)
	if err != nil {
		return false, fmt.Errorf("store: webhook delivery: %w", err)
	}
	return seen, nil
}
