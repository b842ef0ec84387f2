package workpool

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
)

func TestEach(t *testing.T) {
	cases := []struct {
		name    string
		items   int
		workers int
		// stopAfter cancels the context from yield after this many
		// results (0: never).
		stopAfter int
		wantAll   bool
	}{
		{"every item once", 50, 4, 0, true},
		{"more workers than items", 3, 16, 0, true},
		{"no workers asked: one", 5, 0, 0, true},
		{"no items", 0, 4, 0, true},
		{"yield cancels", 200, 2, 5, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			items := make([]int, tc.items)
			for i := range items {
				items[i] = i
			}
			var running, peak atomic.Int32
			var got []int
			Each(ctx, items, tc.workers, func(_ context.Context, i int) int {
				n := running.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				defer running.Add(-1)
				return i * 2
			}, func(r int) {
				got = append(got, r)
				if tc.stopAfter > 0 && len(got) == tc.stopAfter {
					cancel()
				}
			})
			if running.Load() != 0 {
				t.Errorf("%d calls still running after Each returned", running.Load())
			}
			if limit := int32(max(1, tc.workers)); peak.Load() > limit {
				t.Errorf("%d calls at once, want at most %d", peak.Load(), limit)
			}
			if !tc.wantAll {
				if len(got) >= tc.items {
					t.Errorf("got all %d results after a cancel, want fewer", len(got))
				}
				return
			}
			slices.Sort(got)
			for i, r := range got {
				if r != i*2 {
					t.Fatalf("results %v, want each item's once", got)
				}
			}
			if len(got) != tc.items {
				t.Errorf("%d results, want %d", len(got), tc.items)
			}
		})
	}
}
