// Package checktext holds a check that tests of text output share: the
// text holds each of some strings and none of others.
package checktext

import (
	"strings"
	"testing"
)

// Contains checks that got holds each string of want and none of notWant,
// and reports every one that fails, with got.
func Contains(t testing.TB, got string, want, notWant []string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(got, s) {
			t.Errorf("got %q, want it to contain %q", got, s)
		}
	}
	for _, s := range notWant {
		if strings.Contains(got, s) {
			t.Errorf("got %q, want no %q", got, s)
		}
	}
}
