package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/internal/testenv"
)

// bigTables are the tables that grow with the number of onboardings: no list may read
// one of them whole.
var bigTables = map[string]bool{"onboardings": true, "onboarding_tasks": true, "onboarding_phases": true,
	"accounts": true, "contacts": true, "audit_events": true, "notifications": true}

// TestListsUseIndexes fills one workspace with 5,000 onboardings (about 75,000 tasks) of
// 300 accounts and another with 1,000, and checks the plan of every query that the lists,
// the onboarding pages, the portal and a CSM's portfolio send: none reads a big table
// whole (a Seq Scan), so they stay fast as the portfolio grows. Run with -v to see the
// plans.
func TestListsUseIndexes(t *testing.T) {
	ctx := context.Background()
	url := testenv.DatabaseURL(t)
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	big, other := newTenant(t, st, "big"), newTenant(t, st, "other")
	fillWorkspace(t, st, big, 300, 5000)
	fillWorkspace(t, st, other, 50, 1000)
	if _, err := st.DB().ExecContext(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var sent []tracedQuery
	tr, err := store.OpenTraced(ctx, url, func(sql string, args []any) {
		mu.Lock()
		defer mu.Unlock()
		sent = append(sent, tracedQuery{sql: sql, args: args})
	})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	ws := big.ws.ID
	acct := big.account.ID
	check := func(name string, run func() error) {
		t.Helper()
		mu.Lock()
		sent = nil
		mu.Unlock()
		if err := run(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		mu.Lock()
		queries := sent
		mu.Unlock()
		if len(queries) == 0 {
			t.Fatalf("%s sent no query", name)
		}
		for _, q := range queries {
			plan := explain(t, st, q, false)
			if scans := seqScans(plan); len(scans) > 0 {
				// At this size the planner may rightly prefer reading a table whole; what
				// must hold is that an index could serve the query when it grows.
				forced := explain(t, st, q, true)
				if still := seqScans(forced); len(still) > 0 {
					t.Errorf("%s reads %s whole, and no index could serve it:\n%s\nplan: %s", name, strings.Join(still, ", "), q.sql, forced)
				} else {
					t.Logf("%s: %s (the planner prefers reading %s whole at this size; with sequential scans off: %s)",
						name, summary(plan), strings.Join(scans, ", "), summary(forced))
				}
			} else if testing.Verbose() {
				t.Logf("%s: %s", name, summary(plan))
			}
		}
	}
	var page []store.Onboarding
	check("onboardings, first page", func() (err error) {
		page, err = tr.Onboardings(ctx, ws, store.OnboardingFilter{Limit: 50})
		return err
	})
	if len(page) != 50 {
		t.Fatalf("first page: %d onboardings", len(page))
	}
	last := store.CursorOf(page[len(page)-1])
	check("onboardings, next page", func() error {
		_, err := tr.Onboardings(ctx, ws, store.OnboardingFilter{Limit: 50, After: &last})
		return err
	})
	check("onboardings by status", func() error {
		_, err := tr.Onboardings(ctx, ws, store.OnboardingFilter{Limit: 50, Status: onboarding.StatusPaused})
		return err
	})
	check("onboardings of an account (the portal)", func() error {
		_, err := tr.OnboardingsForAccount(ctx, ws, acct)
		return err
	})
	check("a page's details (phases and tasks)", func() error {
		_, err := tr.OnboardingDetails(ctx, page)
		return err
	})
	check("one onboarding's detail", func() error {
		_, err := tr.OnboardingDetail(ctx, ws, page[0].ID)
		return err
	})
	check("its activity", func() error {
		_, err := tr.RecentActivity(ctx, ws, page[0].ID, 50)
		return err
	})
	check("accounts, first page", func() error {
		_, err := tr.ListAccounts(ctx, ws, store.AccountFilter{Limit: 50})
		return err
	})
	check("an account's contacts", func() error {
		_, err := tr.AllContacts(ctx, ws, acct)
		return err
	})
	check("a CSM's portfolio (their default view)", func() error {
		_, err := tr.Portfolio(ctx, ws, store.PortfolioFilter{CSMID: big.csm.ID}, time.Now(), 0)
		return err
	})
	check("a CSM's portfolio totals", func() error {
		_, err := tr.PortfolioTotals(ctx, ws, store.PortfolioFilter{CSMID: big.csm.ID}, time.Now())
		return err
	})
	check("a CSM's forecast chart", func() error {
		_, err := tr.PortfolioForecast(ctx, ws, store.PortfolioFilter{CSMID: big.csm.ID}, time.Now(), 12)
		return err
	})
}

type tracedQuery struct {
	sql  string
	args []any
}

// explain returns the JSON plan of a query as sent; noSeqScan plans it with sequential
// scans off, to show whether an index can serve it.
func explain(t *testing.T, st *store.Store, q tracedQuery, noSeqScan bool) string {
	t.Helper()
	ctx := context.Background()
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	if noSeqScan {
		if _, err := tx.ExecContext(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
			t.Fatal(err)
		}
	}
	var plan string
	if err := tx.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) "+q.sql, q.args...).Scan(&plan); err != nil {
		t.Fatalf("explain %s: %v", q.sql, err)
	}
	return plan
}

type planNode struct {
	NodeType string     `json:"Node Type"`
	Relation string     `json:"Relation Name"`
	Index    string     `json:"Index Name"`
	Plans    []planNode `json:"Plans"`
}

func parsePlan(plan string) planNode {
	var out []struct {
		Plan planNode `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(plan), &out); err != nil || len(out) == 0 {
		panic(fmt.Sprintf("plan: %v", err))
	}
	return out[0].Plan
}

// seqScans lists the big tables a plan reads whole.
func seqScans(plan string) []string {
	var out []string
	var walk func(planNode)
	walk = func(n planNode) {
		if n.NodeType == "Seq Scan" && bigTables[n.Relation] {
			out = append(out, n.Relation)
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	walk(parsePlan(plan))
	return out
}

// summary names the scans of a plan, e.g. "Index Scan onboardings(onboardings_workspace)".
func summary(plan string) string {
	var out []string
	var walk func(planNode)
	walk = func(n planNode) {
		if n.Relation != "" {
			out = append(out, fmt.Sprintf("%s %s(%s)", n.NodeType, n.Relation, n.Index))
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	walk(parsePlan(plan))
	return strings.Join(out, ", ")
}

// fillWorkspace gives the tenant accounts accounts in all and n onboardings spread over
// them, each a copy of one real onboarding with its phases and tasks, two contacts per
// account and three activity events per onboarding.
func fillWorkspace(t *testing.T, st *store.Store, tn tenant, accounts, n int) {
	t.Helper()
	ctx := context.Background()
	tmpl, _ := newOnboarding(t, st, tn, tn.account, "")
	statuses := make([]string, len(onboarding.Statuses))
	for i, s := range onboarding.Statuses {
		statuses[i] = string(s)
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO accounts SELECT (jsonb_populate_record(NULL::accounts, to_jsonb(a) || jsonb_build_object(
			'id', gen_random_uuid(), 'name', a.name || ' ' || g, 'external_id', NULL,
			'csm_id', CASE WHEN g % 10 = 0 THEN a.csm_id END))).*
			FROM accounts a, generate_series(1, $2::int - 1) g WHERE a.id = $1`, []any{tn.account.ID, accounts}},
		{`INSERT INTO contacts SELECT (jsonb_populate_record(NULL::contacts, to_jsonb(c) || jsonb_build_object(
			'id', gen_random_uuid(), 'account_id', a.id, 'email', 'person' || g || '@' || a.id || '.example'))).*
			FROM contacts c, accounts a, generate_series(1, 2) g WHERE c.id = $1 AND a.workspace_id = c.workspace_id AND a.id <> c.account_id`,
			[]any{tn.contact.ID}},
		{`WITH acc AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM accounts WHERE workspace_id = $2),
			new AS (SELECT gen_random_uuid() AS id, g FROM generate_series(1, $3::int) g)
			INSERT INTO onboardings SELECT (jsonb_populate_record(NULL::onboardings, to_jsonb(o) || jsonb_build_object(
				'id', new.id, 'workflow_id', 'onboarding:' || new.id, 'account_id', acc.id,
				'created_at', o.created_at - make_interval(mins => new.g),
				'status', ($4::text[])[1 + new.g % cardinality($4::text[])]))).*
			FROM onboardings o, new JOIN acc ON acc.n = new.g % $5::int WHERE o.id = $1`,
			[]any{tmpl.ID, tn.ws.ID, n, statuses, accounts}},
		{`INSERT INTO onboarding_phases SELECT (jsonb_populate_record(NULL::onboarding_phases, to_jsonb(p) || jsonb_build_object('onboarding_id', o.id))).*
			FROM onboarding_phases p, onboardings o WHERE p.onboarding_id = $1 AND o.workspace_id = $2 AND o.id <> $1`, []any{tmpl.ID, tn.ws.ID}},
		{`INSERT INTO onboarding_tasks SELECT (jsonb_populate_record(NULL::onboarding_tasks, to_jsonb(x) || jsonb_build_object('onboarding_id', o.id))).*
			FROM onboarding_tasks x, onboardings o WHERE x.onboarding_id = $1 AND o.workspace_id = $2 AND o.id <> $1`, []any{tmpl.ID, tn.ws.ID}},
		{`INSERT INTO audit_events (workspace_id, onboarding_id, state_version, actor, action, subject)
			SELECT o.workspace_id, o.id, g, 'staff:test', 'task.complete', 'kickoff'
			FROM onboardings o, generate_series(1, 3) g WHERE o.workspace_id = $1`, []any{tn.ws.ID}},
	} {
		if _, err := st.DB().ExecContext(ctx, q.sql, q.args...); err != nil {
			t.Fatalf("fill %s: %v\n%s", tn.ws.Name, err, q.sql)
		}
	}
}
