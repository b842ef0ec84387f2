// Package tabletest runs tables of cases against a function of one
// argument, so that a test states only its cases: each case is checked
// (in a subtest of its own name, where cases have names), and a mismatch
// names the function, the input, what it returned and what was wanted.
package tabletest

import (
	"fmt"
	"testing"
)

// Case is one named case: f(In) must return Want. It is an alias of a
// struct literal type, so that a table may list its cases unkeyed.
type Case[In, Out any] = struct {
	Name string
	In   In
	Want Out
}

// Run checks f against every case, each in a subtest named by the case.
// fname names f in the messages.
func Run[In any, Out comparable](t *testing.T, fname string, f func(In) Out, cases []Case[In, Out]) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Helper()
			if msg := mismatch(fname, f, c.In, c.Want); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// Map checks f against cases keyed by their input: f(in) must return
// cases[in]. fname names f in the messages.
func Map[In, Out comparable](t *testing.T, fname string, f func(In) Out, cases map[In]Out) {
	t.Helper()
	for in, want := range cases {
		if msg := mismatch(fname, f, in, want); msg != "" {
			t.Error(msg)
		}
	}
}

// mismatch says how f(in) differs from want, or "" where it does not.
func mismatch[In any, Out comparable](fname string, f func(In) Out, in In, want Out) string {
	if got := f(in); got != want {
		return fmt.Sprintf("%s(%#v) = %#v, want %#v", fname, in, got, want)
	}
	return ""
}
