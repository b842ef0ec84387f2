package search

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestValidateID(t *testing.T) {
	valid := []string{
		"kultur",
		"webinars/kultur-2021",
		"corpus#12",
		"=2+3",
		"a.b/..c/d..",
		"https://example.org",
		"https://example.org/",
		"http://127.0.0.1:8080/faelle/hanse.html",
		"https://example.org/blog/?p=1",
		"https://example.org/go?to=https://other.example//x/../y",
		strings.Repeat("x", MaxIDBytes),
	}
	for _, id := range valid {
		t.Run("valid "+id[:min(len(id), 40)], func(t *testing.T) {
			if err := ValidateID(id); err != nil {
				t.Errorf("ValidateID(%q) = %v, want nil", id, err)
			}
		})
	}
	invalid := []struct{ name, id, says string }{
		{"empty", "", "missing"},
		{"dot-dot segment", "a/../secret/alpha", `"a/../secret/alpha" holds a ".." path segment`},
		{"leading dot-dot", "../x", `".." path segment`},
		{"dot segment", "a/./b", `"." path segment`},
		{"only a dot", ".", `"." path segment`},
		{"double slash", "a//b", `"a//b" holds an empty path segment`},
		{"leading slash", "/a", `"/a" starts or ends with "/"`},
		{"trailing slash", "a/", `"a/" starts or ends with "/"`},
		{"NUL", "nul\x00id", `"nul\x00id" holds the control character U+0000`},
		{"line feed", "a\nb", "U+000A"},
		{"C1 control", "a\u0085b", "U+0085"},
		{"DEL", "a\x7fb", "U+007F"},
		{"invalid UTF-8", "a\xffb", "not valid UTF-8"},
		{"too long", strings.Repeat("é", MaxIDBytes/2) + "x", "is longer than 512 bytes"},
		{"URL without host", "https://", "without a host"},
		{"URL with empty host", "https:///x", "starts or ends"},
		{"URL with dot-dot", "https://example.org/a/../b", `".." path segment`},
		{"URL with double slash in the path", "https://example.org//b", "empty path segment"},
		{"other scheme", "ftp://example.org/x", "empty path segment"},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateID(tc.id)
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("ValidateID(%q) = %v, want an error saying %s", tc.id, err, tc.says)
			}
		})
	}
}

// TestNormalizeRefusesBadIDs: a document's id is checked, not repaired; a
// NUL used to be dropped, so that "nul\x00id" silently became "nulid".
func TestNormalizeRefusesBadIDs(t *testing.T) {
	for _, id := range []string{"nul\x00id", "a/../secret/alpha", "a//b", strings.Repeat("x", 513)} {
		d := Document{ID: id, Title: "T"}
		err := d.Normalize()
		var ie *InvalidError
		if !errors.As(err, &ie) || ie.Field != "id" {
			t.Errorf("Normalize(id %q) = %v (id now %q), want an invalid id", id, err, d.ID)
		}
	}
	d := Document{ID: "  ok/id  ", Title: "T"}
	if err := d.Normalize(); err != nil || d.ID != "ok/id" {
		t.Errorf("Normalize(%q) = %v, id %q; want the id trimmed", "  ok/id  ", err, d.ID)
	}
}

// TestOutcomeText checks that a write outcome becomes its name in JSON
// and reads back from it, and that an unknown name is an error.
func TestOutcomeText(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Outcome
		text string
	}{
		{"zero value is failed", Outcome(0), "failed"},
		{"added", Added, "added"},
		{"not found", NotFound, "not_found"},
		{"restored", Restored, "restored"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(WriteResult{ID: "a", Status: tc.o})
			if err != nil || !strings.Contains(string(b), `"status":"`+tc.text+`"`) {
				t.Fatalf("marshal = %s, %v; want status %q", b, err, tc.text)
			}
			var back WriteResult
			if err := json.Unmarshal(b, &back); err != nil || back.Status != tc.o {
				t.Errorf("unmarshal = %v, %v; want %v", back.Status, err, tc.o)
			}
		})
	}
	var r WriteResult
	if err := json.Unmarshal([]byte(`{"status":"exploded"}`), &r); err == nil {
		t.Error("an unknown status read without an error")
	}
}
