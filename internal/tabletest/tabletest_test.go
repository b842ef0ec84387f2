package tabletest

import (
	"strings"
	"testing"
)

func TestMismatch(t *testing.T) {
	if msg := mismatch("strings.ToUpper", strings.ToUpper, "a", "A"); msg != "" {
		t.Errorf("a match reported: %s", msg)
	}
	const want = `strings.ToUpper("a") = "A", want "a"`
	if msg := mismatch("strings.ToUpper", strings.ToUpper, "a", "a"); msg != want {
		t.Errorf("mismatch = %q, want %q", msg, want)
	}
	if msg := mismatch("len", func(s string) int { return len(s) }, "ab", 3); msg != `len("ab") = 2, want 3` {
		t.Errorf("mismatch of an int = %q", msg)
	}
}

func TestRunAndMap(t *testing.T) {
	var seen []string
	upper := func(s string) string {
		seen = append(seen, s)
		return strings.ToUpper(s)
	}
	Run(t, "upper", upper, []Case[string, string]{{"one", "a", "A"}, {"two", "b", "B"}})
	Map(t, "upper", upper, map[string]string{"c": "C"})
	if strings.Join(seen, "") != "abc" {
		t.Errorf("checked %q, want every case checked once", seen)
	}
}
