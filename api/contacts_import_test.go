package api_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// A contacts CSV through the API: good rows are added, every other row is reported with
// its line and reason, a second import adds nobody twice, and a file that is not a
// contacts CSV is refused whole, adding nothing.
func TestImportContactsThroughTheAPI(t *testing.T) {
	h := newHarness(t, harnessOptions{noWorker: true})
	tn, other := h.newTenant("acme"), h.newTenant("initech")
	path := "/api/v1/accounts/" + tn.account.ID + "/contacts/import"
	csvType := []string{"Content-Type", "text/csv"}
	h.call("POST", "/api/v1/accounts/"+tn.account.ID+"/contacts", tn.key, map[string]any{"name": "Dana", "email": "dana@acme.example"}).expect(t, 201)
	file := "\ufeffEmail,Name,Title,TimeZone\n" +
		"lee@acme.example,Lee Okafor,CTO,Europe/Berlin\n" +
		"\n" +
		"dana@acme.example,Dana Again,,\n" + // the account has her
		"not-an-address,Nobody,,\n" +
		"kim@acme.example,,,\n" + // no name
		"lee@acme.example,Lee Twice,,\n" + // an earlier row had it
		"sam@acme.example,Sam,,Mars/Base\n" +
		"\"pat@acme.example\",\"Pat, Jr.\",,\n"
	res := h.call("POST", path, tn.key, file, csvType...).expect(t, 200).body
	added, _ := res["added"].([]any)
	rejected, _ := res["rejected"].([]any)
	if len(added) != 2 || len(rejected) != 5 {
		t.Fatalf("added %d, rejected %d: %s", len(added), len(rejected), h.call("GET", "/api/v1/accounts/"+tn.account.ID+"/contacts", tn.key, nil).raw)
	}
	want := map[float64]string{4: "already has", 5: "email", 6: "name", 7: "already has", 8: "timezone"}
	for _, r := range rejected {
		row := r.(map[string]any)
		if says := want[row["line"].(float64)]; says == "" || !strings.Contains(row["reason"].(string), says) {
			t.Errorf("line %v refused for %q; want a reason about %q", row["line"], row["reason"], says)
		}
	}
	if a := added[0].(map[string]any); a["name"] != "Lee Okafor" || a["timezone"] != "Europe/Berlin" {
		t.Errorf("first added: %v", a)
	}
	if a := added[1].(map[string]any); a["name"] != "Pat, Jr." {
		t.Errorf("a quoted name: %v", a)
	}
	again := h.call("POST", path, tn.key, file, csvType...).expect(t, 200).body
	if a, _ := again["added"].([]any); len(a) != 0 {
		t.Errorf("a second import added %d", len(a))
	}
	for _, bad := range []struct{ body, says string }{
		{"", "empty"},
		{"name,title\nLee,CTO\n", `"email" column`},
		{"name,email\n", "no contacts"},
		{"name,email\n\"unterminated,lee@acme.example\n", "not a CSV"},
		{"name,email\n" + strings.Repeat("X,x@acme.example\n", 1001), "more than 1000"},
	} {
		r := h.call("POST", path, tn.key, bad.body, csvType...)
		if r.status != 400 || !strings.Contains(r.errorMessage(), bad.says) {
			t.Errorf("%.40q: %d %q, want 400 saying %q", bad.body, r.status, r.errorMessage(), bad.says)
		}
	}
	h.call("POST", path, tn.key, "name,email\nX,x@acme.example\n", "Content-Type", "application/json").expect(t, 400)
	h.call("POST", path, other.key, "name,email\nX,x@acme.example\n", csvType...).expect(t, 404)
	cts, _ := h.store.Contacts(context.Background(), tn.workspace.ID, tn.account.ID)
	if len(cts) != 3 {
		t.Errorf("%d contacts after the refused files; want 3", len(cts))
	}
}

// The account page imports an uploaded CSV and shows the report; a CSM can, a viewer
// cannot.
func TestImportContactsOnTheAccountPage(t *testing.T) {
	h := newHarness(t, harnessOptions{noWorker: true})
	tn := h.newTenant("acme")
	csm := h.staffClient(tn, "casey@vendor.example", "csm")
	page := h.server.URL + "/staff/accounts/" + tn.account.ID
	upload := func(c *http.Client, csrf, content string) (int, string) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.WriteField("csrf_token", csrf)
		if content != "" {
			f, _ := w.CreateFormFile("file", "contacts.csv")
			_, _ = f.Write([]byte(content))
		}
		_ = w.Close()
		req, _ := http.NewRequest("POST", page+"/contacts/import", &buf)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Origin", h.server.URL)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(out)
	}
	_, body, _ := fetch(t, csm, "GET", page, nil)
	status, body := upload(csm, csrfOf(t, body), "name,email\nLee Okafor,lee@acme.example\nBad,nope\n")
	if status != 200 || !strings.Contains(body, "Added 1, refused 1") || !strings.Contains(body, "Lee Okafor") {
		t.Fatalf("import: %d", status)
	}
	status, body = upload(csm, csrfOf(t, body), "")
	if status != 400 || !strings.Contains(body, "choose a CSV file") {
		t.Errorf("no file: %d", status)
	}
	viewer := h.staffClient(tn, "vic@vendor.example", "viewer")
	_, vbody, _ := fetch(t, viewer, "GET", page, nil)
	if status, _ := upload(viewer, csrfOf(t, vbody), "name,email\nX,x@acme.example\n"); status != 403 {
		t.Errorf("a viewer imported: %d", status)
	}
}
