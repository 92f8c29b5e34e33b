package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/onboard-oss/onboard/internal/onboarding"
)

// TaskComment is one message on a task, from a contact or a staff member.
type TaskComment struct {
	ID           int64            `db:"id" json:"id"`
	OnboardingID string           `db:"onboarding_id" json:"onboarding_id"`
	TaskKey      string           `db:"task_key" json:"task_key"`
	ContactID    *string          `db:"contact_id" json:"contact_id"`
	StaffUserID  *string          `db:"staff_user_id" json:"staff_user_id"`
	AuthorName   string           `db:"author_name" json:"author_name"`
	AuthorSide   onboarding.Owner `db:"author_side" json:"author_side"`
	Body         string           `db:"body" json:"body"`
	CreatedAt    time.Time        `db:"created_at" json:"created_at"`
}

// MaxComments bounds how many comments one task keeps taking.
const MaxComments = 500

const commentColumns = `id, onboarding_id, task_key, contact_id, staff_user_id, author_name, author_side, body, created_at`

// AddTaskComment stores a comment on a task of a workspace's onboarding and tells open
// pages. Nothing stored (a task with MaxComments already, or an onboarding outside the
// workspace: callers read it first) is ErrConflict.
func (s *Store) AddTaskComment(ctx context.Context, workspaceID string, c TaskComment) (TaskComment, error) {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &c, `INSERT INTO task_comments (workspace_id, onboarding_id, task_key, contact_id, staff_user_id,
				author_name, author_side, body)
			SELECT o.workspace_id, o.id, $3, $4, $5, $6, $7, $8 FROM onboardings o
			WHERE o.workspace_id = $1 AND o.id = $2
				AND (SELECT count(*) FROM task_comments WHERE onboarding_id = $2 AND task_key = $3) < $9
			RETURNING `+commentColumns, workspaceID, c.OnboardingID, c.TaskKey, c.ContactID, c.StaffUserID, c.AuthorName,
			string(c.AuthorSide), c.Body, MaxComments)
		if err != nil {
			return conflictIfNone(err)
		}
		return announceChange(ctx, tx, c.OnboardingID)
	})
	if err != nil {
		return TaskComment{}, fmt.Errorf("store: add comment: %w", err)
	}
	return c, nil
}

// TaskComments lists the comments of an onboarding's tasks (of one task when key is not
// empty), oldest first.
func (s *Store) TaskComments(ctx context.Context, workspaceID, onboardingID, key string) ([]TaskComment, error) {
	var list []TaskComment
	err := s.db.SelectContext(ctx, &list, `SELECT `+commentColumns+` FROM task_comments
		WHERE workspace_id = $1 AND onboarding_id = $2 AND ($3 = '' OR task_key = $3) ORDER BY task_key, id`,
		workspaceID, onboardingID, key)
	if err != nil {
		return nil, fmt.Errorf("store: comments: %w", notFound(err))
	}
	return list, nil
}
