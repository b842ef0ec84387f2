package search

import (
	"strings"
	"testing"
)

func TestParseTuning(t *testing.T) {
	cases := []struct {
		name, in, err string
		check         func(Tuning) bool
	}{
		{name: "empty object keeps the defaults", in: `{}`, check: func(tu Tuning) bool { return tu == DefaultTuning() }},
		{name: "one field", in: `{"decompound": false}`, check: func(tu Tuning) bool { return !tu.Decompound && tu.Synonyms && tu.MinHead == 3 }},
		{name: "an answer weight", in: `{"answers": {"about": 0.5}}`, check: func(tu Tuning) bool { return tu.Answers.About == 0.5 && tu.Answers.Fill }},
		{name: "unknown field", in: `{"decompounding": false}`, err: `t.json: json: unknown field "decompounding"`},
		{name: "not JSON", in: `decompound: false`, err: "t.json: invalid character"},
		{name: "negative weight", in: `{"synonym_boost": -1}`, err: "t.json: synonym_boost = -1"},
		{name: "negative answer weight", in: `{"answers": {"kind": -0.1}}`, err: "t.json: answers.kind = -0.1"},
		{name: "head too short", in: `{"min_head": 0}`, err: "t.json: min_head = 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseTuning("t.json", []byte(c.in))
			if c.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), c.err) {
					t.Fatalf("error %v, want one starting %q", err, c.err)
				}
				return
			}
			if err != nil || !c.check(got) {
				t.Fatalf("%+v, %v", got, err)
			}
		})
	}
}
