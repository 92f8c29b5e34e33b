package bench

import (
	"encoding/json"
	"testing"
)

func TestWalkFollowsDependencies(t *testing.T) {
	var doc onboardingDoc
	raw := `{"id":"o1","phases":[
		{"tasks":[{"key":"c","status":"pending","depends_on":["a","b"]},{"key":"a","status":"pending","depends_on":[]}]},
		{"tasks":[{"key":"b","status":"completed","depends_on":["a"]},{"key":"d","status":"blocked","depends_on":[]},
		          {"key":"e","status":"in_progress","depends_on":["c"]}]}]}`
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		t.Fatal(err)
	}
	w := newWalk(doc)
	var got []string
	for {
		key, ok := w.next()
		if !ok {
			break
		}
		got = append(got, key)
		w.markDone(key)
	}
	want := []string{"a", "c", "e"}
	if len(got) != len(want) {
		t.Fatalf("walked %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("walked %v, want %v", got, want)
		}
	}
}
