package checktext

import (
	"fmt"
	"testing"
)

// recorder is a testing.TB that records the errors reported to it.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestContains(t *testing.T) {
	for _, tc := range []struct {
		name          string
		want, notWant []string
		errs          []string
	}{
		{"all there, nothing unwanted", []string{"Kultur", "Wandel"}, []string{"Stillstand"}, nil},
		{"one missing", []string{"Kultur", "Daten"}, nil, []string{`got "Kultur im Wandel", want it to contain "Daten"`}},
		{"one unwanted", nil, []string{"Wandel"}, []string{`got "Kultur im Wandel", want no "Wandel"`}},
		{"both", []string{"Daten"}, []string{"im"}, []string{`got "Kultur im Wandel", want it to contain "Daten"`, `got "Kultur im Wandel", want no "im"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{TB: t}
			Contains(r, "Kultur im Wandel", tc.want, tc.notWant)
			if fmt.Sprint(r.errs) != fmt.Sprint(tc.errs) {
				t.Errorf("errors %q, want %q", r.errs, tc.errs)
			}
		})
	}
}
