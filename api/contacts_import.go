package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/store"
)

// maxImportRows bounds a contacts CSV.
const maxImportRows = 1000

// importRow is one data row of a contacts CSV: its line number and the fields.
type importRow struct {
	Line                  int
	Name, Email, Timezone string
}

// importResult says what became of each row: the contacts added, and the rows refused
// with the reason.
type importResult struct {
	Added    []store.Contact `json:"added"`
	Rejected []importReject  `json:"rejected"`
}

type importReject struct {
	Line   int    `json:"line"`
	Email  string `json:"email"`
	Reason string `json:"reason"`
}

// parseContactsCSV reads a contacts CSV: a header row naming the columns (name and
// email required, timezone optional, in any order and case; other columns are ignored),
// then one contact per row. A file that cannot be read as such is refused whole; a row's
// own problems are the import's to report.
func parseContactsCSV(data []byte) ([]importRow, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // a spreadsheet's byte-order mark
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, input.Refuse("file", "the file is empty: give a header row (name,email,timezone) and a row per contact")
	}
	if err != nil {
		return nil, input.Refuse("file", "not a CSV file: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, need := range []string{"name", "email"} {
		if _, ok := col[need]; !ok {
			return nil, input.Refuse("file", "the header row has no %q column: it needs name and email (timezone is optional)", need)
		}
	}
	field := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	var rows []importRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, input.Refuse("file", "not a CSV file: %v", err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rows) == maxImportRows {
			return nil, input.Refuse("file", "more than %d contacts: split the file", maxImportRows)
		}
		rows = append(rows, importRow{Line: line, Name: field(rec, "name"), Email: field(rec, "email"), Timezone: field(rec, "timezone")})
	}
	if len(rows) == 0 {
		return nil, input.Refuse("file", "the file has a header row and no contacts")
	}
	return rows, nil
}

// importContacts adds every acceptable row to the account and reports each refused one:
// one path for the API and the account page. Rows are checked like any contact (allowed
// domains, a real address, a time zone); an address the account has, or an earlier row
// had, is refused as a duplicate, so importing the same file twice adds nothing twice.
func (s *Server) importContacts(ctx context.Context, account store.Account, rows []importRow) (importResult, error) {
	res := importResult{Added: []store.Contact{}, Rejected: []importReject{}}
	for _, row := range rows {
		reject := func(reason string) {
			res.Rejected = append(res.Rejected, importReject{Line: row.Line, Email: row.Email, Reason: reason})
		}
		var in contactInput
		var err error
		if in.Name, err = input.Text("name", row.Name); err == nil {
			if in.Email, err = input.Text("email", row.Email); err == nil {
				zone, zerr := input.Text("timezone", row.Timezone)
				in.Timezone, err = &zone, zerr
			}
		}
		var ct store.Contact
		if err == nil {
			ct, err = checkContact(account, in)
		}
		if err == nil {
			ct, err = s.store.CreateContact(ctx, ct)
			if errors.Is(err, store.ErrConflict) {
				reject("the account already has a contact with this email")
				continue
			}
		}
		var refused *input.Error
		switch {
		case errors.As(err, &refused):
			reject(refused.Error())
		case err != nil:
			return res, fmt.Errorf("import contacts, line %d: %w", row.Line, err)
		default:
			res.Added = append(res.Added, ct)
		}
	}
	return res, nil
}

// apiImportContacts is POST /accounts/{id}/contacts/import with a text/csv body: 200
// with the contacts added and the rows refused, each with its line and reason.
func (s *Server) apiImportContacts(c *gin.Context) {
	account, err := s.store.Account(c.Request.Context(), workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "account"))
		return
	}
	if ct := c.ContentType(); ct != "text/csv" {
		_ = c.Error(badRequest("send the CSV as the body with Content-Type: text/csv (got %s)", input.Quote(ct)))
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		_ = c.Error(err)
		return
	}
	rows, err := parseContactsCSV(body)
	if err != nil {
		_ = c.Error(err)
		return
	}
	res, err := s.importContacts(c.Request.Context(), account, rows)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// staffImportContacts imports the CSV file uploaded on the account page and shows the
// page with the report.
func (s *Server) staffImportContacts(c *gin.Context) {
	ctx := c.Request.Context()
	account, err := s.store.Account(ctx, workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "account"))
		return
	}
	var rows []importRow
	fh, err := c.FormFile("file")
	if err != nil {
		err = input.Refuse("file", "choose a CSV file to import")
	} else {
		var f io.ReadCloser
		if f, err = fh.Open(); err == nil {
			var data []byte
			data, err = io.ReadAll(f)
			_ = f.Close()
			if err == nil {
				rows, err = parseContactsCSV(data)
			}
		}
	}
	var res importResult
	if err == nil {
		res, err = s.importContacts(ctx, account, rows)
	}
	var refused *input.Error
	switch {
	case errors.As(err, &refused):
		s.renderAccountWith(c, http.StatusBadRequest, func(p *accountPage) { p.ImportProblem = refused.Error() })
	case err != nil:
		_ = c.Error(err)
	default:
		s.renderAccountWith(c, http.StatusOK, func(p *accountPage) { p.Import = &res })
	}
}
