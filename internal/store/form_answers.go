package store

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// FormAnswers are a form task's answers: a draft, or what was submitted with the task.
type FormAnswers struct {
	OnboardingID string     `db:"onboarding_id"`
	TaskKey      string     `db:"task_key"`
	WorkspaceID  string     `db:"workspace_id"`
	Answers      Answers    `db:"answers"`
	Status       string     `db:"status"`
	UpdatedBy    string     `db:"updated_by"`
	RequestID    string     `db:"request_id"`
	UpdatedAt    time.Time  `db:"updated_at"`
	SubmittedAt  *time.Time `db:"submitted_at"`
}

// Form answer statuses.
const (
	FormDraft     = "draft"
	FormSubmitted = "submitted"
)

// Answers maps a form's field keys to answers, stored as a JSON object.
type Answers map[string]string

// Scan reads a JSON object.
func (a *Answers) Scan(src any) error {
	b, err := jsonOf(src, "Answers")
	if err == nil && b == nil {
		err = fmt.Errorf("store: cannot scan NULL into Answers")
	}
	if err != nil {
		return err
	}
	return json.Unmarshal(b, (*map[string]string)(a))
}

// Value writes a JSON object.
func (a Answers) Value() (driver.Value, error) {
	if a == nil {
		return "{}", nil
	}
	b, err := json.Marshal(map[string]string(a))
	return string(b), err
}

// SaveFormAnswers keeps a form's answers with the given status, replacing what was kept.
func (s *Store) SaveFormAnswers(ctx context.Context, f FormAnswers) error {
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO form_answers (onboarding_id, task_key, workspace_id, answers, status, updated_by, request_id, submitted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $5 = 'submitted' THEN now() END)
		ON CONFLICT (onboarding_id, task_key) DO UPDATE SET answers = EXCLUDED.answers, status = EXCLUDED.status,
			updated_by = EXCLUDED.updated_by, request_id = EXCLUDED.request_id, updated_at = now(),
			submitted_at = EXCLUDED.submitted_at
		WHERE form_answers.workspace_id = EXCLUDED.workspace_id`,
		f.OnboardingID, f.TaskKey, f.WorkspaceID, f.Answers, f.Status, f.UpdatedBy, f.RequestID)
	if err != nil {
		return fmt.Errorf("store: save form answers: %w", conflict(err))
	}
	return nil
}

// FormAnswersOf returns a form's kept answers; none kept yet is an empty draft.
func (s *Store) FormAnswersOf(ctx context.Context, workspaceID, onboardingID, taskKey string) (FormAnswers, error) {
	var f FormAnswers
	err := s.db.GetContext(ctx, &f, `SELECT onboarding_id, task_key, workspace_id, answers, status, updated_by, request_id,
		updated_at, submitted_at FROM form_answers WHERE workspace_id = $1 AND onboarding_id = $2 AND task_key = $3`, workspaceID, onboardingID, taskKey)
	if err := notFound(err); errors.Is(err, ErrNotFound) {
		return FormAnswers{OnboardingID: onboardingID, TaskKey: taskKey, WorkspaceID: workspaceID, Answers: Answers{}, Status: FormDraft}, nil
	} else if err != nil {
		return FormAnswers{}, fmt.Errorf("store: form answers: %w", err)
	}
	return f, nil
}
